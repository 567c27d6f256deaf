-- GET /rest/v1/books?select=id&tags=cs.{scifi}&tags=cd.{scifi,classic,utopia}&tags=ov.{classic}&pages=sl.[500,600)&pages=nxr.[1,1000)&pages=nxl.[0,10)&pages=adj.[300,301)&pages=sr.[-10,0)&meta=cs.{"lang":"en"}
WITH pgrst_source AS (SELECT "t0"."id"
FROM "public"."books" AS "t0"
WHERE "t0"."tags" @> $1 AND "t0"."tags" <@ $2 AND "t0"."tags" && $3 AND "t0"."pages" << $4 AND "t0"."pages" &< $5 AND "t0"."pages" &> $6 AND "t0"."pages" -|- $7 AND "t0"."pages" >> $8 AND "t0"."meta" @> $9)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "{scifi}"
$2 = "{scifi,classic,utopia}"
$3 = "{classic}"
$4 = "[500,600)"
$5 = "[1,1000)"
$6 = "[0,10)"
$7 = "[300,301)"
$8 = "[-10,0)"
$9 = "{\"lang\":\"en\"}"
