-- PATCH /rest/v1/books?id=eq.1
WITH pgrst_source AS (UPDATE "public"."books" AS "t0" SET "meta" = pgrst_body."meta", "price" = pgrst_body."price"
FROM (SELECT *
FROM pg_catalog.json_to_recordset(pg_catalog.json_build_array($1::json)) AS pgrst_body("meta" jsonb, "price" numeric(10,2))
LIMIT 1) AS pgrst_body
WHERE "t0"."id" = $2
RETURNING "t0".*),
pgrst_rows AS (SELECT "t0".*
FROM pgrst_source AS "t0")
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM
pgrst_rows AS _postgrest_t
-- params
$1 = "{\"price\":10.5,\"meta\":{\"a\":1}}"
$2 = "1"
