-- PATCH /rest/v1/books?id=eq.1
WITH pgrst_source AS (SELECT 1
FROM "public"."books" AS "t0"
WHERE false)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(*) AS page_total, NULL::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source
-- params
