-- POST /rest/v1/rpc/sum_all
WITH pgrst_source AS (SELECT "t0" AS pgrst_scalar
FROM pg_catalog.json_to_record($1::json) AS pgrst_args("nums" integer[]), LATERAL "public"."sum_all"("nums" := pgrst_args."nums") AS "t0")
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE((pg_catalog.json_agg(_postgrest_t.pgrst_scalar)->0)::text, 'null') AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "{\"nums\":[1,2,3]}"
