-- GET /rest/v1/authors?select=id,name&order=id
WITH pgrst_source AS (SELECT "t0"."id", "t0"."name"
FROM "public"."authors" AS "t0"
ORDER BY "t0"."id" ASC)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, (SELECT COALESCE(pg_catalog.string_agg(pgrst_k.k, ','), '')
FROM (SELECT pg_catalog.json_object_keys(pgrst_r.r) AS k
FROM (SELECT pg_catalog.row_to_json(pgrst_h) AS r
FROM pgrst_source AS pgrst_h
LIMIT 1) AS pgrst_r) AS pgrst_k) || pg_catalog.chr(10) || COALESCE(pg_catalog.string_agg(pg_catalog.substring(_postgrest_t::text, 2, pg_catalog.length(_postgrest_t::text) - 2), pg_catalog.chr(10)), '') AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
