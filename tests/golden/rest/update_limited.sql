-- PATCH /rest/v1/books?order=id.desc&limit=1
WITH pgrst_source AS (UPDATE "public"."books" AS "t0" SET "price" = pgrst_body."price"
FROM (SELECT *
FROM pg_catalog.json_to_recordset(pg_catalog.json_build_array($1::json)) AS pgrst_body("price" numeric(10,2))
LIMIT 1) AS pgrst_body
WHERE "t0".ctid = ANY(ARRAY(SELECT "t0".ctid
FROM "public"."books" AS "t0"
ORDER BY "t0"."id" DESC
LIMIT $2))
RETURNING 1)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(*) AS page_total, NULL::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source
-- params
$1 = "{\"price\":1}"
$2 = "1"
