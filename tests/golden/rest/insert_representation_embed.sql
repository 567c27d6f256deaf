-- POST /rest/v1/books?select=title,authors!author_id(name)
WITH pgrst_source AS (INSERT INTO "public"."books" AS "t0" ("author_id", "title")
SELECT pgrst_body."author_id", pgrst_body."title"
FROM pg_catalog.json_to_recordset(pg_catalog.json_build_array($1::json)) AS pgrst_body("author_id" integer, "title" text)
RETURNING "t0"."title", "t0"."author_id", "t0"."id"),
pgrst_rows AS (SELECT "t0"."title", pg_catalog.row_to_json("pgrst_1".*)::jsonb AS "authors"
FROM pgrst_source AS "t0"
LEFT JOIN LATERAL (SELECT "t1"."name"
FROM "public"."authors" AS "t1"
WHERE "t1"."id" = "t0"."author_id") AS "pgrst_1" ON TRUE)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM
pgrst_rows AS _postgrest_t
-- params
$1 = "{\"title\":\"Embedded\",\"author_id\":2}"
