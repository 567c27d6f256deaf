-- GET /rest/v1/books?select=title,author:authors!author_id(name),editor:authors!editor_id(name)
WITH pgrst_source AS (SELECT "t0"."title", pg_catalog.row_to_json("pgrst_1".*)::jsonb AS "author", pg_catalog.row_to_json("pgrst_2".*)::jsonb AS "editor"
FROM "public"."books" AS "t0"
LEFT JOIN LATERAL (SELECT "t1"."name"
FROM "public"."authors" AS "t1"
WHERE "t1"."id" = "t0"."author_id") AS "pgrst_1" ON TRUE
LEFT JOIN LATERAL (SELECT "t2"."name"
FROM "public"."authors" AS "t2"
WHERE "t2"."id" = "t0"."editor_id") AS "pgrst_2" ON TRUE)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
