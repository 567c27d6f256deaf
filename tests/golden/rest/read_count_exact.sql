-- GET /rest/v1/books?select=id&author_id=eq.1
WITH pgrst_source AS (SELECT "t0"."id"
FROM "public"."books" AS "t0"
WHERE "t0"."author_id" = $1)
SELECT (SELECT pg_catalog.count(*)
FROM "public"."books" AS "t0"
WHERE "t0"."author_id" = $1) AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "1"
