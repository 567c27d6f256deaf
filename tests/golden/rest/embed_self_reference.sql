-- GET /rest/v1/categories?select=name,parent:parent_id(name),children:categories(name),kids:categories!parent_id(id)
WITH pgrst_source AS (SELECT "t0"."name", pg_catalog.row_to_json("pgrst_1".*)::jsonb AS "parent", COALESCE("pgrst_2"."pgrst_2", '[]') AS "children", COALESCE("pgrst_3"."pgrst_3", '[]') AS "kids"
FROM "public"."categories" AS "t0"
LEFT JOIN LATERAL (SELECT "t1"."name"
FROM "public"."categories" AS "t1"
WHERE "t1"."id" = "t0"."parent_id") AS "pgrst_1" ON TRUE
LEFT JOIN LATERAL (SELECT pg_catalog.json_agg("pgrst_2") AS "pgrst_2"
FROM (SELECT "t2"."name"
FROM "public"."categories" AS "t2"
WHERE "t2"."parent_id" = "t0"."id") AS "pgrst_2") AS "pgrst_2" ON TRUE
LEFT JOIN LATERAL (SELECT pg_catalog.json_agg("pgrst_3") AS "pgrst_3"
FROM (SELECT "t3"."id"
FROM "public"."categories" AS "t3"
WHERE "t3"."parent_id" = "t0"."id") AS "pgrst_3") AS "pgrst_3" ON TRUE)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
