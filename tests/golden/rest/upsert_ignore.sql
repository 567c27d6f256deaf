-- POST /rest/v1/tags
WITH pgrst_source AS (INSERT INTO "public"."tags" AS "t0" ("id", "name")
SELECT pgrst_body."id", pgrst_body."name"
FROM pg_catalog.json_to_recordset(pg_catalog.json_build_array($1::json)) AS pgrst_body("id" integer, "name" text)
ON CONFLICT ("id") DO NOTHING
RETURNING 1)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(*) AS page_total, NULL::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source
-- params
$1 = "{\"id\":1,\"name\":\"dupe\"}"
