-- GET /rest/v1/novels?select=name,authors!author_id(name),tags(name)&order=id
WITH pgrst_source AS (SELECT "t0"."name", pg_catalog.row_to_json("pgrst_1".*)::jsonb AS "authors", COALESCE("pgrst_2"."pgrst_2", '[]') AS "tags"
FROM "public"."novels" AS "t0"
LEFT JOIN LATERAL (SELECT "t1"."name"
FROM "public"."authors" AS "t1"
WHERE "t1"."id" = "t0"."author_id") AS "pgrst_1" ON TRUE
LEFT JOIN LATERAL (SELECT pg_catalog.json_agg("pgrst_2") AS "pgrst_2"
FROM (SELECT "t2"."name"
FROM "public"."tags" AS "t2" INNER JOIN "public"."book_tags" AS "t3" ON "t3"."tag_id" = "t2"."id"
WHERE "t3"."book_id" = "t0"."id") AS "pgrst_2") AS "pgrst_2" ON TRUE
ORDER BY "t0"."id" ASC)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
