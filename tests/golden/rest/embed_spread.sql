-- GET /rest/v1/books?select=title,...authors!author_id(author:name,country)
WITH pgrst_source AS (SELECT "t0"."title", "pgrst_1"."author" AS "author", "pgrst_1"."country" AS "country"
FROM "public"."books" AS "t0"
LEFT JOIN LATERAL (SELECT "t1"."name" AS "author", "t1"."country"
FROM "public"."authors" AS "t1"
WHERE "t1"."id" = "t0"."author_id") AS "pgrst_1" ON TRUE)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
