-- GET /rest/v1/rpc/greet
WITH pgrst_source AS (SELECT "t0" AS pgrst_scalar
FROM "public"."greet"() AS "t0")
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE((pg_catalog.json_agg(_postgrest_t.pgrst_scalar)->0)::text, 'null') AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
