-- DELETE /rest/v1/book_tags?book_id=eq.1&tag_id=in.(1,3)
WITH pgrst_source AS (DELETE
FROM "public"."book_tags" AS "t0"
WHERE "t0"."book_id" = $1 AND "t0"."tag_id" = ANY($2)
RETURNING "t0".*),
pgrst_rows AS (SELECT "t0".*
FROM pgrst_source AS "t0")
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM
pgrst_rows AS _postgrest_t
-- params
$1 = "1"
$2 = "{\"1\",\"3\"}"
