-- GET /rest/v1/authors?select=name,profiles(website)
WITH pgrst_source AS (SELECT "t0"."name", pg_catalog.row_to_json("pgrst_1".*)::jsonb AS "profiles"
FROM "public"."authors" AS "t0"
LEFT JOIN LATERAL (SELECT "t1"."website"
FROM "public"."profiles" AS "t1"
WHERE "t1"."author_id" = "t0"."id") AS "pgrst_1" ON TRUE)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
