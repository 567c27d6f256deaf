-- GET /rest/v1/books?select=id&search=fts(english).darkness&title=plfts.left hand&title=phfts(english).left hand&title=wfts."left hand"
WITH pgrst_source AS (SELECT "t0"."id"
FROM "public"."books" AS "t0"
WHERE "t0"."search" @@ pg_catalog.to_tsquery($1::regconfig, $2) AND pg_catalog.to_tsvector("t0"."title") @@ pg_catalog.plainto_tsquery($3) AND pg_catalog.to_tsvector($4::regconfig, "t0"."title") @@ pg_catalog.phraseto_tsquery($4::regconfig, $5) AND pg_catalog.to_tsvector("t0"."title") @@ pg_catalog.websearch_to_tsquery($6))
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "english"
$2 = "darkness"
$3 = "left hand"
$4 = "english"
$5 = "left hand"
$6 = "\"left hand\""
