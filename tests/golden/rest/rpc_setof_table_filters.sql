-- GET /rest/v1/rpc/books_by?author=1&select=id,title&price=gt.5&order=id.desc&limit=1
WITH pgrst_source AS (SELECT "t0"."id", "t0"."title"
FROM pg_catalog.json_to_record($1::json) AS pgrst_args("author" integer), LATERAL "public"."books_by"("author" := pgrst_args."author") AS "t0"
WHERE "t0"."price" > $2
ORDER BY "t0"."id" DESC
LIMIT $3)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "{\"author\":\"1\"}"
$2 = "5"
$3 = "1"
