-- POST /rest/v1/books?columns="title","tags"
WITH pgrst_source AS (INSERT INTO "public"."books" AS "t0" ("title", "tags")
SELECT pgrst_body."title", pgrst_body."tags"
FROM pg_catalog.json_to_recordset((SELECT pg_catalog.json_agg(pg_catalog.jsonb_build_object($2::text, '{}'::text[]) || pgrst_elem)
FROM pg_catalog.jsonb_array_elements($1::json::jsonb) AS pgrst_elem)) AS pgrst_body("title" text, "tags" text[])
RETURNING "t0".*),
pgrst_rows AS (SELECT "t0".*
FROM pgrst_source AS "t0")
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM
pgrst_rows AS _postgrest_t
-- params
$1 = "[{\"title\":\"T1\"},{\"title\":\"T2\",\"tags\":[\"x\"]}]"
$2 = "tags"
