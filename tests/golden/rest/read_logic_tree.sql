-- GET /rest/v1/books?select=id&or=(id.eq.1,and(price.gt.10,price.lt.20),not.and(title.like.*a*,author_id.is.null))&not.or=(id.eq.5,title.eq."x,y")
WITH pgrst_source AS (SELECT "t0"."id"
FROM "public"."books" AS "t0"
WHERE ("t0"."id" = $1 OR ("t0"."price" > $2 AND "t0"."price" < $3) OR NOT (("t0"."title" LIKE $4 AND "t0"."author_id" IS NULL))) AND NOT (("t0"."id" = $5 OR "t0"."title" = $6)))
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "1"
$2 = "10"
$3 = "20"
$4 = "%a%"
$5 = "5"
$6 = "x,y"
