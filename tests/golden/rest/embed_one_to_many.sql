-- GET /rest/v1/authors?select=name,books!author_id(title)&books.order=id.desc&books.limit=1&books.price=gt.1
WITH pgrst_source AS (SELECT "t0"."name", COALESCE("pgrst_1"."pgrst_1", '[]') AS "books"
FROM "public"."authors" AS "t0"
LEFT JOIN LATERAL (SELECT pg_catalog.json_agg("pgrst_1") AS "pgrst_1"
FROM (SELECT "t1"."title"
FROM "public"."books" AS "t1"
WHERE "t1"."author_id" = "t0"."id" AND "t1"."price" > $1
ORDER BY "t1"."id" DESC
LIMIT $2) AS "pgrst_1") AS "pgrst_1" ON TRUE)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "1"
$2 = "1"
