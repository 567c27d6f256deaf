// The single catalog statement behind the schema cache. It reads pg_catalog directly (not
// information_schema, which filters by the caller's privileges) and returns one JSON document:
// {"tables": [...], "foreign_keys": [...], "functions": [...]} for the exposed schemas.
#include "meta/schema_snapshot.hpp"

namespace basalt::meta {

namespace {

// Run with search_path = '' so format_type() and pg_get_expr() qualify every name that is not
// in pg_catalog: the text is then valid under whatever search_path a request uses.
constexpr std::string_view kCatalogQuery = R"SQL(
WITH RECURSIVE
exposed AS (
  SELECT n.oid, n.nspname FROM pg_catalog.pg_namespace n WHERE n.nspname = ANY($1::text[])
),
domain_chain AS (
  SELECT t.oid AS type_oid, t.oid AS base_oid FROM pg_catalog.pg_type t
  UNION ALL
  SELECT d.type_oid, b.typbasetype
  FROM domain_chain d JOIN pg_catalog.pg_type b ON b.oid = d.base_oid
  WHERE b.typtype = 'd'
),
base_types AS (
  SELECT d.type_oid, d.base_oid
  FROM domain_chain d JOIN pg_catalog.pg_type b ON b.oid = d.base_oid
  WHERE b.typtype <> 'd'
),
rels AS (
  SELECT c.oid, e.nspname AS schema, c.relname AS name, c.relkind,
         pg_catalog.obj_description(c.oid, 'pg_class') AS description,
         (c.relkind IN ('r','p') OR (c.relkind IN ('v','f')
            AND (pg_catalog.pg_relation_is_updatable(c.oid::regclass, true) & 8) = 8)) AS insertable,
         (c.relkind IN ('r','p') OR (c.relkind IN ('v','f')
            AND (pg_catalog.pg_relation_is_updatable(c.oid::regclass, true) & 4) = 4)) AS updatable,
         (c.relkind IN ('r','p') OR (c.relkind IN ('v','f')
            AND (pg_catalog.pg_relation_is_updatable(c.oid::regclass, true) & 16) = 16)) AS deletable
  FROM pg_catalog.pg_class c JOIN exposed e ON e.oid = c.relnamespace
  WHERE c.relkind IN ('r','v','m','f','p') AND NOT c.relispartition
),
cols AS (
  SELECT a.attrelid,
         pg_catalog.json_agg(pg_catalog.json_build_object(
           'name', a.attname,
           'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
           'base_type', bt.typname,
           'category', bt.typcategory,
           'nullable', NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)),
           'default', CASE
               WHEN a.attgenerated = 's' THEN NULL
               WHEN a.attidentity IN ('a','d') THEN
                 pg_catalog.format('nextval(%L::regclass)', pg_catalog.pg_get_serial_sequence(
                   pg_catalog.quote_ident(r.schema) || '.' || pg_catalog.quote_ident(r.name), a.attname))
               WHEN ad.adbin IS NOT NULL THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
               WHEN t.typtype = 'd' THEN pg_catalog.pg_get_expr(t.typdefaultbin, 0)
               ELSE NULL END,
           'generated', a.attgenerated = 's',
           'identity_always', a.attidentity = 'a',
           'position', a.attnum,
           'description', pg_catalog.col_description(a.attrelid, a.attnum),
           'enum', (SELECT pg_catalog.json_agg(en.enumlabel ORDER BY en.enumsortorder)
                    FROM pg_catalog.pg_enum en WHERE en.enumtypid = bt.oid)
         ) ORDER BY a.attnum) AS columns
  FROM pg_catalog.pg_attribute a
  JOIN rels r ON r.oid = a.attrelid
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  JOIN base_types b ON b.type_oid = t.oid
  JOIN pg_catalog.pg_type bt ON bt.oid = b.base_oid
  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped
  GROUP BY a.attrelid
),
-- Where each view column comes from: the parser records the source table and column of a
-- plain column reference in the TargetEntry (resorigtbl/resorigcol), visible in the stored
-- rule tree. Lets relationships of base tables carry over to views (PostgREST does the same).
view_cols AS (
  SELECT r.oid AS view_oid, m[1] AS resname, m[2]::oid AS src_oid, m[3]::int2 AS src_attnum
  FROM rels r
  JOIN pg_catalog.pg_rewrite rw ON rw.ev_class = r.oid AND rw.rulename = '_RETURN'
  CROSS JOIN LATERAL pg_catalog.regexp_matches(rw.ev_action::text,
    ':resname ((?:[^\s\\]|\\.)+) :ressortgroupref \d+ :resorigtbl (\d+) :resorigcol (\d+) :resjunk false',
    'g') AS m
  WHERE r.relkind IN ('v','m') AND m[2] <> '0'
),
view_sources AS (
  SELECT vc.view_oid,
         pg_catalog.json_agg(DISTINCT pg_catalog.jsonb_build_object(
           'column', vc.resname, 'schema', sn.nspname, 'table', sc.relname, 'table_column', sa.attname)
         ) AS sources
  FROM view_cols vc
  JOIN pg_catalog.pg_class sc ON sc.oid = vc.src_oid
  JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace
  JOIN pg_catalog.pg_attribute sa ON sa.attrelid = vc.src_oid AND sa.attnum = vc.src_attnum
  GROUP BY vc.view_oid
),
-- Relations outside the exposed schemas that exposed views read from: their keys and foreign
-- keys are needed to derive the views' relationships.
hidden AS (
  SELECT DISTINCT c.oid, n.nspname AS schema, c.relname AS name
  FROM view_cols vc
  JOIN pg_catalog.pg_class c ON c.oid = vc.src_oid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE NOT EXISTS (SELECT 1 FROM rels r WHERE r.oid = c.oid)
),
relevant AS (
  SELECT oid, schema, name FROM rels UNION ALL SELECT oid, schema, name FROM hidden
),
keys AS (
  SELECT con.conrelid, con.contype, con.conname,
         (SELECT pg_catalog.json_agg(att.attname ORDER BY k.ord)
          FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_catalog.pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.attnum
         ) AS columns
  FROM pg_catalog.pg_constraint con JOIN relevant r ON r.oid = con.conrelid
  WHERE con.contype IN ('p','u')
),
tables AS (
  SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
           'schema', r.schema, 'name', r.name, 'kind', r.relkind::text,
           'description', r.description,
           'insertable', r.insertable, 'updatable', r.updatable, 'deletable', r.deletable,
           'columns', COALESCE(c.columns, '[]'::json),
           'primary_key', (SELECT k.columns FROM keys k WHERE k.conrelid = r.oid AND k.contype = 'p'),
           'unique_keys', (SELECT pg_catalog.json_agg(k.columns ORDER BY k.conname) FROM keys k
                           WHERE k.conrelid = r.oid AND k.contype = 'u'),
           'sources', (SELECT vs.sources FROM view_sources vs WHERE vs.view_oid = r.oid)
         ) ORDER BY r.schema, r.name) AS doc
  FROM rels r LEFT JOIN cols c ON c.attrelid = r.oid
),
hidden_tables AS (
  SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
           'schema', h.schema, 'name', h.name,
           'primary_key', (SELECT k.columns FROM keys k WHERE k.conrelid = h.oid AND k.contype = 'p'),
           'unique_keys', (SELECT pg_catalog.json_agg(k.columns ORDER BY k.conname) FROM keys k
                           WHERE k.conrelid = h.oid AND k.contype = 'u')
         ) ORDER BY h.schema, h.name) AS doc
  FROM hidden h
),
fks AS (
  SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
           'name', con.conname,
           'schema', src.schema, 'table', src.name,
           'ref_schema', dst.schema, 'ref_table', dst.name,
           'columns', (SELECT pg_catalog.json_agg(att.attname ORDER BY k.ord)
                       FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                       JOIN pg_catalog.pg_attribute att
                         ON att.attrelid = con.conrelid AND att.attnum = k.attnum),
           'ref_columns', (SELECT pg_catalog.json_agg(att.attname ORDER BY k.ord)
                           FROM pg_catalog.unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                           JOIN pg_catalog.pg_attribute att
                             ON att.attrelid = con.confrelid AND att.attnum = k.attnum)
         ) ORDER BY src.schema, src.name, con.conname) AS doc
  FROM pg_catalog.pg_constraint con
  JOIN relevant src ON src.oid = con.conrelid
  JOIN relevant dst ON dst.oid = con.confrelid
  WHERE con.contype = 'f' AND con.conparentid = 0
),
funcs AS (
  SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
           'schema', e.nspname, 'name', p.proname,
           'description', pg_catalog.obj_description(p.oid, 'pg_proc'),
           'volatility', p.provolatile::text,
           'returns_set', p.proretset,
           'return_type', pg_catalog.format_type(p.prorettype, NULL),
           'return_base_type', rbt.typname,
           'return_typtype', rt.typtype::text,
           'return_table_schema', CASE WHEN rc.oid IS NOT NULL THEN rcn.nspname END,
           'return_table_name', rc.relname,
           'return_columns', CASE WHEN rc.oid IS NOT NULL THEN
               (SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
                  'name', ra.attname, 'type', pg_catalog.format_type(ra.atttypid, ra.atttypmod))
                  ORDER BY ra.attnum)
                FROM pg_catalog.pg_attribute ra
                WHERE ra.attrelid = rc.oid AND ra.attnum > 0 AND NOT ra.attisdropped) END,
           'nargdefaults', p.pronargdefaults,
           'args', (SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
                      'name', COALESCE(arg.name, ''),
                      'type', pg_catalog.format_type(arg.type_oid, NULL),
                      'base_type', abt.typname,
                      'mode', COALESCE(arg.mode::text, 'i')) ORDER BY arg.idx)
                    FROM unnest(
                           COALESCE(p.proallargtypes, p.proargtypes::oid[]),
                           p.proargmodes, p.proargnames)
                         WITH ORDINALITY AS arg(type_oid, mode, name, idx)
                    LEFT JOIN base_types ab ON ab.type_oid = arg.type_oid
                    LEFT JOIN pg_catalog.pg_type abt ON abt.oid = ab.base_oid)
         ) ORDER BY e.nspname, p.proname, p.oid) AS doc
  FROM pg_catalog.pg_proc p
  JOIN exposed e ON e.oid = p.pronamespace
  JOIN pg_catalog.pg_type rt ON rt.oid = p.prorettype
  JOIN base_types rb ON rb.type_oid = rt.oid
  JOIN pg_catalog.pg_type rbt ON rbt.oid = rb.base_oid
  LEFT JOIN pg_catalog.pg_class rc ON rc.oid = rbt.typrelid AND rbt.typrelid <> 0
  LEFT JOIN pg_catalog.pg_namespace rcn ON rcn.oid = rc.relnamespace
  WHERE p.prokind = 'f'
    AND p.prorettype NOT IN ('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype)
)
SELECT pg_catalog.json_build_object(
  'tables', COALESCE((SELECT doc FROM tables), '[]'::json),
  'foreign_keys', COALESCE((SELECT doc FROM fks), '[]'::json),
  'hidden_tables', COALESCE((SELECT doc FROM hidden_tables), '[]'::json),
  'functions', COALESCE((SELECT doc FROM funcs), '[]'::json)
)::text AS snapshot,
(SELECT pg_catalog.pg_sequence_last_value(c.oid) FROM pg_catalog.pg_class c
 WHERE c.oid = pg_catalog.to_regclass('basalt.schema_version')) AS version
)SQL";

// NULL when the sequence is missing (0009 not applied) or was never bumped.
constexpr std::string_view kVersionQuery = R"SQL(
SELECT pg_catalog.pg_sequence_last_value(c.oid) FROM pg_catalog.pg_class c
 WHERE c.oid = pg_catalog.to_regclass('basalt.schema_version')
)SQL";

}  // namespace

std::string_view catalog_query() { return kCatalogQuery; }
std::string_view schema_version_query() { return kVersionQuery; }

std::string schemas_param(const std::vector<std::string>& schemas) {
    // text[] literal: every element double-quoted with " and \ escaped.
    std::string out = "{";
    for (std::size_t i = 0; i < schemas.size(); ++i) {
        if (i > 0) out += ',';
        out += '"';
        for (char c : schemas[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

}  // namespace basalt::meta
