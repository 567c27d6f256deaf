// What a /rest/v1 request asks for, in PostgREST's vocabulary, before any schema knowledge:
// the select tree, filters and logic trees, ordering, ranges, preferences and media types.
// Produced by rest::parse (pure); consumed by rest::plan.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/json.hpp"

namespace basalt::rest {

// A column reference with an optional JSON path: data->a->>b, data->0.
struct JsonStep {
    std::string key;
    bool as_text = false;  // ->> (else ->)
    bool index = false;    // the key is an integer array index
};

struct Field {
    std::string name;
    std::vector<JsonStep> path;
    friend bool operator==(const Field&, const Field&) = default;
};

enum class Aggregate { kNone, kCount, kSum, kAvg, kMin, kMax };
enum class JoinKind { kLeft, kInner };

struct SelectItem {
    enum class Kind { kStar, kField, kEmbed, kCountAll };
    Kind kind = Kind::kField;
    std::string alias;  // empty = default output name
    // kField
    Field field;
    std::string cast;            // type after ::, validated to a plain type name
    Aggregate aggregate = Aggregate::kNone;
    std::string aggregate_cast;  // col.sum()::int
    // kEmbed
    std::string relation;  // embed target: table, FK constraint or column name
    std::string hint;      // !hint (FK name, column, junction table)
    JoinKind join = JoinKind::kLeft;
    bool spread = false;  // ...rel(cols)
    std::vector<SelectItem> children;
};

enum class Op {
    kEq, kNeq, kGt, kGte, kLt, kLte,
    kLike, kIlike, kMatch, kImatch,
    kIs, kIsDistinct, kIn,
    kContains, kContained, kOverlaps,
    kStrictlyLeft, kStrictlyRight, kNotExtendRight, kNotExtendLeft, kAdjacent,
    kFts, kPlfts, kPhfts, kWfts,
};
enum class Quantifier { kNone, kAny, kAll };
enum class IsValue { kNull, kNotNull, kTrue, kFalse, kUnknown };

std::string_view to_string(Op op);

struct Condition {
    Field field;
    bool negated = false;
    Op op = Op::kEq;
    Quantifier quantifier = Quantifier::kNone;
    std::string value;                      // the text after the operator
    std::vector<std::string> list;          // in.(…) elements, quotes removed
    std::optional<std::string> fts_config;  // fts(english)
    IsValue is_value = IsValue::kNull;
};

// Boolean tree of conditions: or=(…), and=(…), nested and()/or(), not.*.
struct LogicTree {
    enum class Kind { kLeaf, kAnd, kOr };
    Kind kind = Kind::kLeaf;
    bool negated = false;
    Condition leaf;
    std::vector<LogicTree> children;
};

// A filter applies to the embed at `path` (empty = the top-level resource).
struct Filter {
    std::vector<std::string> path;
    LogicTree tree;
};

struct OrderTerm {
    Field field;
    std::string relation;  // order=rel(col).desc orders by a to-one embed's column
    bool descending = false;
    std::optional<bool> nulls_first;
};

struct Range {
    std::int64_t offset = 0;
    std::optional<std::int64_t> limit;
};

enum class ReturnPref { kMinimal, kRepresentation, kHeadersOnly };
enum class CountPref { kNone, kExact, kPlanned, kEstimated };
enum class Resolution { kNone, kMergeDuplicates, kIgnoreDuplicates };

struct Preferences {
    std::optional<ReturnPref> return_pref;  // unset = minimal for mutations
    CountPref count = CountPref::kNone;
    Resolution resolution = Resolution::kNone;
    bool missing_default = false;
    std::optional<bool> tx_rollback;  // tx=rollback / tx=commit
    bool strict = false;              // handling=strict
    std::optional<std::int64_t> max_affected;
    bool params_single_object = false;
    std::optional<std::string> timezone;
    std::vector<std::string> applied;  // tokens to echo in Preference-Applied
};

enum class MediaType {
    kJson,          // application/json, */*
    kSingleObject,  // application/vnd.pgrst.object+json
    kCsv,           // text/csv
    kOpenApi,       // application/openapi+json
};

enum class Action { kRead, kInsert, kUpdate, kUpsertPut, kDelete, kCall, kSchemaRoot, kOptions };

// A query parameter that is neither reserved nor, for RPC, known yet to be an argument.
struct FilterParam {
    std::string key;
    std::string value;
    Result<Filter> parsed;  // the parameter read as a filter (may be an error)
};

struct ApiRequest {
    Action action = Action::kRead;
    bool head = false;       // HEAD: same statement, no body
    bool get_rpc = false;    // GET/HEAD on /rpc/fn
    std::string schema;      // from Accept-Profile / Content-Profile (or the default)
    bool schema_given = false;
    std::string target;      // table/view name, or function name for kCall

    bool select_given = false;
    std::vector<SelectItem> select;  // "*" when not given
    std::vector<FilterParam> filter_params;  // in query order; plan keeps or rejects them
    std::vector<Filter> logic_filters;       // or=/and=/<embed>.or=
    std::map<std::vector<std::string>, std::vector<OrderTerm>> orders;  // by embed path
    std::map<std::vector<std::string>, Range> ranges;                   // by embed path
    bool range_from_header = false;
    std::optional<std::vector<std::string>> columns;  // columns=
    std::optional<std::vector<std::string>> on_conflict;

    Preferences prefs;
    MediaType accept = MediaType::kJson;
    bool strip_nulls = false;  // nulls=stripped media-type parameter

    std::string_view body;     // raw request body (owned by the caller)
    Json payload;              // parsed body for mutations / POST rpc (discarded if none)
    bool payload_is_array = false;
    std::vector<std::string> payload_keys;  // union of object keys, first-seen order
};

}  // namespace basalt::rest
