-- GET /rest/v1/books?select=id,title&order=published.desc.nullslast,id&limit=2&offset=1
WITH pgrst_source AS (SELECT "t0"."id", "t0"."title"
FROM "public"."books" AS "t0"
ORDER BY "t0"."published" DESC NULLS LAST, "t0"."id" ASC
LIMIT $1 OFFSET $2)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "2"
$2 = "1"
