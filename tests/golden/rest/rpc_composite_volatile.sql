-- POST /rest/v1/rpc/rename_author
WITH pgrst_source AS (SELECT "t0".*
FROM pg_catalog.json_to_record($1::json) AS pgrst_args("author" integer, "new_name" text), LATERAL "public"."rename_author"("author" := pgrst_args."author", "new_name" := pgrst_args."new_name") AS "t0")
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE((pg_catalog.json_agg(_postgrest_t)->0)::text, 'null') AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "{\"author\":4,\"new_name\":\"Somebody\"}"
