-- GET /rest/v1/books?select=title,authors!author_id!inner(name)&authors.country=eq.PL
WITH pgrst_source AS (SELECT "t0"."title", pg_catalog.row_to_json("pgrst_1".*)::jsonb AS "authors"
FROM "public"."books" AS "t0"
INNER JOIN LATERAL (SELECT "t1"."name"
FROM "public"."authors" AS "t1"
WHERE "t1"."id" = "t0"."author_id" AND "t1"."country" = $1) AS "pgrst_1" ON TRUE)
SELECT (SELECT pg_catalog.count(*)
FROM "public"."books" AS "t0"
INNER JOIN LATERAL (SELECT "t1"."name"
FROM "public"."authors" AS "t1"
WHERE "t1"."id" = "t0"."author_id" AND "t1"."country" = $1) AS "pgrst_1" ON TRUE) AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "PL"
