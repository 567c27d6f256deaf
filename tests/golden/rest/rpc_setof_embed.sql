-- GET /rest/v1/rpc/books_by?author=1&select=title,authors!author_id(name)
WITH pgrst_source AS (SELECT "t0"."title", pg_catalog.row_to_json("pgrst_1".*)::jsonb AS "authors"
FROM pg_catalog.json_to_record($1::json) AS pgrst_args("author" integer), LATERAL "public"."books_by"("author" := pgrst_args."author") AS "t0"
LEFT JOIN LATERAL (SELECT "t1"."name"
FROM "public"."authors" AS "t1"
WHERE "t1"."id" = "t0"."author_id") AS "pgrst_1" ON TRUE)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "{\"author\":\"1\"}"
