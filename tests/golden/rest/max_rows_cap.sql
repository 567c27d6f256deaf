-- GET /rest/v1/books?select=id&limit=50
WITH pgrst_source AS (SELECT "t0"."id"
FROM "public"."books" AS "t0"
LIMIT $1)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "2"
