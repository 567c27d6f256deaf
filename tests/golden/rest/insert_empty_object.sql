-- POST /rest/v1/todos
WITH pgrst_source AS (INSERT INTO "public"."todos" AS "t0" SELECT
FROM pg_catalog.json_array_elements(pg_catalog.json_build_array($1::json))
RETURNING 1)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(*) AS page_total, NULL::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source
-- params
$1 = "{}"
