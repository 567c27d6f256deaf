// Internal to rest/plan: the per-request planning state shared by the read, mutation and call
// planners (alias counters, the snapshot, error builders).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rest/plan/plan.hpp"

namespace basalt::rest::detail {

class Planner {
public:
    Planner(const ApiRequest& req, const meta::SchemaSnapshot& snap, const PlanOptions& opts)
        : req_(req), snap_(snap), opts_(opts) {}

    Result<Plan> run();

    // --- shared by the stage files ---------------------------------------------------------
    // Fills node.projection / node.embeds from select items (recursively for embeds).
    Result<void> build_select(ReadNode& node, const std::vector<SelectItem>& items, int depth);
    // Applies filters, logic trees, orders and ranges from the request to the node tree.
    Result<void> apply_query(ReadNode& root, bool allow_embed_paths);
    Result<std::vector<PlanLogic>> root_filters_only();  // mutations: filters on the table
    Result<PlanLogic> resolve_tree(const ReadNode& node, const LogicTree& tree);
    Result<ColumnExpr> resolve_column(const ReadNode& node, const Field& field) const;

    ReadNode new_node(const meta::Table* table, const std::vector<meta::Column>* columns,
                      meta::QualifiedName name);
    std::string next_lateral() { return "pgrst_" + std::to_string(++lateral_counter_); }

    const ApiRequest& req() const { return req_; }
    const meta::SchemaSnapshot& snap() const { return snap_; }
    const PlanOptions& opts() const { return opts_; }

    Result<const meta::Table*> find_table(std::string_view name) const;

    Result<void> plan_read(Plan& plan);
    Result<void> plan_mutation(Plan& plan);
    Result<void> plan_call(Plan& plan);

    // Query parameters consumed as RPC arguments (not filters).
    std::vector<std::string> arg_keys_;

private:
    Result<void> add_embed(ReadNode& node, const SelectItem& item, int depth);
    Result<ReadNode*> node_at(ReadNode& root, const std::vector<std::string>& path);
    Result<void> add_filter(ReadNode& node, const LogicTree& tree, std::string_view whole_key);

    const ApiRequest& req_;
    const meta::SchemaSnapshot& snap_;
    const PlanOptions& opts_;
    int alias_counter_ = 0;
    int lateral_counter_ = 0;
};

// Relationship resolution with PostgREST's hint rules; PGRST200 / PGRST201 on failure.
Result<const meta::Relationship*> find_relationship(const meta::SchemaSnapshot& snap,
                                                    const meta::Table& from,
                                                    std::string_view target,
                                                    std::string_view hint);

Error unknown_column(std::string_view relation, std::string_view column);
Error not_embedded(std::string_view name);

}  // namespace basalt::rest::detail
