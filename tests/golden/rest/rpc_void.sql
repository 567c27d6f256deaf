-- POST /rest/v1/rpc/noop
WITH pgrst_source AS (SELECT NULL::text AS pgrst_scalar
FROM "public"."noop"() AS "t0")
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, NULL::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
