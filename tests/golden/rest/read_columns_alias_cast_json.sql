-- GET /rest/v1/books?select=id,name:title,price::text,meta->>lang,rating:meta->rating,meta->x->0
WITH pgrst_source AS (SELECT "t0"."id", "t0"."title" AS "name", ("t0"."price")::text AS "price", ("t0"."meta"->>$1::text) AS "lang", ("t0"."meta"->$2::text) AS "rating", ("t0"."meta"->$3::text->$4::integer) AS "0"
FROM "public"."books" AS "t0")
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "lang"
$2 = "rating"
$3 = "x"
$4 = "0"
