// Internal to rest/sql: statement text + parameters under construction, and the renderers for
// the pieces every statement shares (columns with JSON paths, conditions, logic trees, ORDER
// BY, the SELECT of one ReadNode with its lateral embeds).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rest/sql/statement.hpp"

namespace basalt::rest::detail {

class SqlBuilder {
public:
    // Adds a text parameter and returns its placeholder ("$3").
    std::string param(std::string value);
    std::string null_param();
    SqlParams take_params() { return std::move(params_); }
    [[nodiscard]] std::size_t param_count() const { return params_.size(); }

    std::string column(const ColumnExpr& c);
    std::string condition(const PlanCondition& c);
    std::string logic(const PlanLogic& l);
    std::string where(const std::vector<PlanLogic>& conditions);  // "" when none
    std::string order_by(const std::vector<PlanOrder>& order);     // "" when none
    std::string limit_offset(std::optional<std::int64_t> limit, std::int64_t offset);

    struct Joins {
        std::string all;       // every lateral join, in order
        std::string counting;  // only the joins that filter parent rows (for COUNT)
    };
    // SELECT list of a node ("t0".*, columns, embed outputs).
    std::string projection(const ReadNode& node);
    // The lateral joins of a node's embeds.
    Joins joins(const ReadNode& node);
    // A full SELECT for `node` reading FROM `source` (already aliased, e.g. `"public"."t" AS "t0"`).
    // An embed with nothing selected (rel() used only to filter) still needs one column so a
    // matching row is distinguishable from no row: `placeholder` adds a constant then.
    std::string select(const ReadNode& node, const std::string& source,
                       const std::string& extra_where = {}, bool placeholder = false);

private:
    std::string embed_join(const ReadNode& parent, const Embed& e);
    std::string group_by(const ReadNode& node);

    SqlParams params_;
};

std::string qualified(const meta::QualifiedName& name);

}  // namespace basalt::rest::detail
