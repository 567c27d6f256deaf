-- GET /rest/v1/authors?select=name,books!author_id(title,tags(name),editor:authors!editor_id(name))
WITH pgrst_source AS (SELECT "t0"."name", COALESCE("pgrst_1"."pgrst_1", '[]') AS "books"
FROM "public"."authors" AS "t0"
LEFT JOIN LATERAL (SELECT pg_catalog.json_agg("pgrst_1") AS "pgrst_1"
FROM (SELECT "t1"."title", COALESCE("pgrst_2"."pgrst_2", '[]') AS "tags", pg_catalog.row_to_json("pgrst_3".*)::jsonb AS "editor"
FROM "public"."books" AS "t1"
LEFT JOIN LATERAL (SELECT pg_catalog.json_agg("pgrst_2") AS "pgrst_2"
FROM (SELECT "t2"."name"
FROM "public"."tags" AS "t2" INNER JOIN "public"."book_tags" AS "t3" ON "t3"."tag_id" = "t2"."id"
WHERE "t3"."book_id" = "t1"."id") AS "pgrst_2") AS "pgrst_2" ON TRUE
LEFT JOIN LATERAL (SELECT "t4"."name"
FROM "public"."authors" AS "t4"
WHERE "t4"."id" = "t1"."editor_id") AS "pgrst_3" ON TRUE
WHERE "t1"."author_id" = "t0"."id") AS "pgrst_1") AS "pgrst_1" ON TRUE)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
