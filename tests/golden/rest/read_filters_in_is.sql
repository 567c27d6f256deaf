-- GET /rest/v1/books?select=id&id=in.(1,2,"3")&author_id=not.in.(3)&editor_id=is.null&meta->>lang=eq.en
WITH pgrst_source AS (SELECT "t0"."id"
FROM "public"."books" AS "t0"
WHERE "t0"."id" = ANY($1) AND NOT ("t0"."author_id" = ANY($2)) AND "t0"."editor_id" IS NULL AND ("t0"."meta"->>$3::text) = $4)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "{\"1\",\"2\",\"3\"}"
$2 = "{\"3\"}"
$3 = "lang"
$4 = "en"
