-- POST /rest/v1/tags
WITH pgrst_source AS (INSERT INTO "public"."tags" AS "t0" ("id", "name")
SELECT pgrst_body."id", pgrst_body."name"
FROM pg_catalog.json_to_recordset(pg_catalog.json_build_array($1::json)) AS pgrst_body("id" integer, "name" text)
RETURNING "t0"."id"),
pgrst_rows AS (SELECT "t0"."id"
FROM pgrst_source AS "t0")
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM
pgrst_rows AS _postgrest_t
-- params
$1 = "{\"id\":9,\"name\":\"nine\"}"
