-- GET /rest/v1/authors?select=id,country
WITH pgrst_source AS (SELECT "t0"."id", "t0"."country"
FROM "public"."authors" AS "t0")
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(pg_catalog.json_strip_nulls(pg_catalog.row_to_json(_postgrest_t))), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
