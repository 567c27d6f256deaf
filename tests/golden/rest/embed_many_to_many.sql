-- GET /rest/v1/books?select=title,tags(name)
WITH pgrst_source AS (SELECT "t0"."title", COALESCE("pgrst_1"."pgrst_1", '[]') AS "tags"
FROM "public"."books" AS "t0"
LEFT JOIN LATERAL (SELECT pg_catalog.json_agg("pgrst_1") AS "pgrst_1"
FROM (SELECT "t1"."name"
FROM "public"."tags" AS "t1" INNER JOIN "public"."book_tags" AS "t2" ON "t2"."tag_id" = "t1"."id"
WHERE "t2"."book_id" = "t0"."id") AS "pgrst_1") AS "pgrst_1" ON TRUE)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
