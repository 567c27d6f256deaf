-- GET /rest/v1/Odd "Table";--?select="Col ;--",naïve&Col ;--=eq.x'); DROP TABLE authors;--
WITH pgrst_source AS (SELECT "t0"."Col ;--", "t0"."naïve"
FROM "public"."Odd ""Table"";--" AS "t0"
WHERE "t0"."Col ;--" = $1)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "x'); DROP TABLE authors;--"
