// rest::plan output: an ApiRequest resolved against a SchemaSnapshot. Every identifier here
// exists in the snapshot (or is an output alias); relationships are chosen; values are still
// text. rest::to_sql renders a Plan into one statement. Pointers refer into the snapshot, so
// the caller keeps the SnapshotPtr alive while the Plan is in use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "meta/schema_snapshot.hpp"
#include "rest/parse/api_request.hpp"

namespace basalt::rest {

// A column of some FROM item, with an optional JSON path.
struct ColumnExpr {
    std::string alias;   // FROM alias ("t0")
    std::string column;  // validated column name
    std::vector<JsonStep> path;
    std::string base_type;  // base type of the column ("tsvector", "jsonb", ...) when known
};

struct PlanCondition {
    ColumnExpr column;
    Op op = Op::kEq;
    Quantifier quantifier = Quantifier::kNone;
    std::string value;
    std::vector<std::string> list;
    std::optional<std::string> fts_config;
    IsValue is_value = IsValue::kNull;
};

struct PlanLogic {
    enum class Kind { kLeaf, kAnd, kOr, kEmbedPresence };
    Kind kind = Kind::kLeaf;
    bool negated = false;
    PlanCondition leaf;
    std::string embed_alias;  // kEmbedPresence: lateral alias; true when the embed has a row
    bool embed_to_one = false;
    std::vector<PlanLogic> children;
};

struct PlanOrder {
    ColumnExpr column;  // for rel(col) ordering the alias is the embed's lateral alias
    bool descending = false;
    std::optional<bool> nulls_first;
};

struct ProjItem {
    enum class Kind { kAllColumns, kColumn, kEmbed, kSpreadColumn, kCountAll };
    Kind kind = Kind::kColumn;
    ColumnExpr column;          // kAllColumns uses only column.alias
    std::string cast;           // validated type name
    std::string output;         // output key
    Aggregate aggregate = Aggregate::kNone;
    std::string aggregate_cast;
    std::size_t embed = 0;      // kEmbed / kSpreadColumn: index into ReadNode::embeds
};

struct Embed;

// One SELECT over a table, view, function call or the mutation CTE.
struct ReadNode {
    const meta::Table* table = nullptr;  // relation read (also the row type of a function)
    const std::vector<meta::Column>* columns = nullptr;  // columns FROM exposes
    meta::QualifiedName name;            // what FROM names (table, or function for calls)
    std::string alias;                   // "t0", "t1", ...
    std::vector<ProjItem> projection;
    std::vector<PlanLogic> where;  // AND-ed
    std::vector<PlanOrder> order;
    std::int64_t offset = 0;
    std::optional<std::int64_t> limit;
    std::vector<Embed> embeds;
    bool has_aggregates = false;
};

struct Embed {
    const meta::Relationship* relationship = nullptr;
    std::string output;         // key in the parent's JSON
    std::string lateral_alias;  // "pgrst_1"
    std::string junction_alias;  // M2M only
    JoinKind join = JoinKind::kLeft;
    bool spread = false;
    bool to_one = false;
    ReadNode node;
};

struct MutationSpec {
    const meta::Table* table = nullptr;
    std::vector<const meta::Column*> columns;  // target columns from the payload keys
    bool payload_array = false;
    bool missing_default = false;
    std::vector<std::string> on_conflict;  // upsert conflict target (empty = plain insert)
    Resolution resolution = Resolution::kNone;
    std::vector<PlanLogic> where;          // PATCH / DELETE filters on "t0"
    std::vector<PlanOrder> order;          // limited PATCH / DELETE
    std::optional<std::int64_t> limit;
    std::int64_t offset = 0;
    bool returning = false;                // representation / headers-only need rows back
    std::vector<std::string> returning_columns;  // empty + returning = all ("t0".*)
};

struct CallSpec {
    const meta::Function* function = nullptr;
    std::vector<const meta::FunctionParam*> args;  // named arguments passed (json_to_record)
    bool whole_body = false;   // single unnamed json/jsonb parameter receives the body
    bool scalar = false;       // scalar or SETOF scalar result
    bool get = false;          // arguments come from the query string
};

struct Plan {
    enum class Kind { kRead, kInsert, kUpdate, kDelete, kCall };
    Kind kind = Kind::kRead;
    ReadNode root;  // read query, mutation representation (over pgrst_source), call result
    MutationSpec mutation;
    CallSpec call;

    MediaType media = MediaType::kJson;
    bool strip_nulls = false;
    CountPref count = CountPref::kNone;
    bool head = false;
    bool read_only = true;
    std::int64_t max_rows = 0;  // for count=estimated
};

struct PlanOptions {
    std::int64_t max_rows = 0;        // 0 = no cap
    bool aggregates_enabled = false;  // PostgREST's db-aggregates-enabled
};

// Resolves `req` against `snapshot`. Errors: PGRST205 unknown table, 42703 unknown column,
// PGRST200/201 relationships, PGRST202/203 functions, PGRST204 payload column, ...
Result<Plan> plan(const ApiRequest& req, const meta::SchemaSnapshot& snapshot,
                  const PlanOptions& options);

}  // namespace basalt::rest
