-- GET /rest/v1/books?select=author_id,total:price.sum(),count()
WITH pgrst_source AS (SELECT "t0"."author_id", pg_catalog.sum("t0"."price") AS "total", pg_catalog.count(*) AS "count"
FROM "public"."books" AS "t0"
GROUP BY 1)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
