-- GET /rest/v1/books?select=id&title=like.*Dark*&title=ilike.the%&title=match.^The&title=imatch.darkness$&title=like(any).{*Left*,*Disp*}&title=isdistinct.x
WITH pgrst_source AS (SELECT "t0"."id"
FROM "public"."books" AS "t0"
WHERE "t0"."title" LIKE $1 AND "t0"."title" ILIKE $2 AND "t0"."title" ~ $3 AND "t0"."title" ~* $4 AND "t0"."title" LIKE ANY($5) AND "t0"."title" IS DISTINCT
FROM $6)
SELECT NULL::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, COALESCE(pg_catalog.json_agg(_postgrest_t), '[]')::text AS body, nullif(pg_catalog.current_setting('response.headers', true), '') AS response_headers, nullif(pg_catalog.current_setting('response.status', true), '') AS response_status
FROM pgrst_source AS _postgrest_t
-- params
$1 = "%Dark%"
$2 = "the%"
$3 = "^The"
$4 = "darkness$"
$5 = "{%Left%,%Disp%}"
$6 = "x"
