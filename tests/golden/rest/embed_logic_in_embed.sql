-- GET /rest/v1/authors?select=name,books!author_id(title)&books.or=(price.lt.8,price.is.null)
WITH pgrst_source AS (SELECT "t0"."name", COALESCE("pgrst_1"."pgrst_1", '[]') AS "books"
FROM "public"."authors" AS "t0"
LEFT JOIN LATERAL (SELECT pg_catalog.json_agg("pgrst_1") AS "pgrst_1"
FROM (SELECT "t1"."title"
FROM "public"."books" AS "t1"
WHERE "t1"."author_id" = "t0"."id" AND ("t1"."price" < $1 OR "t1"."price" IS NULL)) AS "pgrst_1") AS "pgrst_1" ON TRUE)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "8"
