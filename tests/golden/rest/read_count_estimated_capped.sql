-- GET /rest/v1/books?select=id
WITH pgrst_source AS (SELECT "t0"."id"
FROM "public"."books" AS "t0"
LIMIT $1)
SELECT COALESCE((SELECT CASE WHEN c.reltuples > $3::bigint THEN c.reltuples::bigint END
FROM pg_catalog.pg_class c
WHERE c.oid = $2::regclass), (SELECT pg_catalog.count(*)
FROM "public"."books" AS "t0")) AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "2"
$2 = "\"public\".\"books\""
$3 = "1000"
