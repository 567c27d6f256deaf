-- POST /rest/v1/authors?columns="id","name","country"
WITH pgrst_source AS (INSERT INTO "public"."authors" AS "t0" ("id", "name", "country")
SELECT pgrst_body."id", pgrst_body."name", pgrst_body."country"
FROM pg_catalog.json_to_recordset($1::json) AS pgrst_body("id" integer, "name" text, "country" text)
RETURNING 1)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(*) AS page_total, NULL::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source
-- params
$1 = "[{\"id\":11,\"name\":\"A\"},{\"id\":12,\"name\":\"B\",\"country\":\"FR\"}]"
