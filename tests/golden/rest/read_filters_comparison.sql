-- GET /rest/v1/books?select=id&id=gt.1&id=lte.4&title=neq.Solaris&price=not.is.null&published=gte.1970-01-01
WITH pgrst_source AS (SELECT "t0"."id"
FROM "public"."books" AS "t0"
WHERE "t0"."id" > $1 AND "t0"."id" <= $2 AND "t0"."title" <> $3 AND NOT ("t0"."price" IS NULL) AND "t0"."published" >= $4)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "1"
$2 = "4"
$3 = "Solaris"
$4 = "1970-01-01"
