-- HEAD /rest/v1/books
WITH pgrst_source AS (SELECT "t0".*
FROM "public"."books" AS "t0")
SELECT (SELECT pg_catalog.count(*)
FROM "public"."books" AS "t0") AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, NULL::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
