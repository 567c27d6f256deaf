// RPC planning: overload resolution by argument names (PGRST202 not found, PGRST203
// ambiguous), a single unnamed json/jsonb parameter taking the whole body, GET arguments vs
// filters, and the result shape (scalar, SETOF scalar, composite / table rows).
#include <algorithm>
#include <set>

#include "rest/plan/planner.hpp"

namespace basalt::rest::detail {

namespace {

bool is_json_type(const meta::FunctionParam& p) {
    return p.base_type == "json" || p.base_type == "jsonb";
}

bool single_unnamed_json(const meta::Function& f) {
    return f.params.size() == 1 && f.params[0].name.empty() && is_json_type(f.params[0]);
}

bool accepts_keys(const meta::Function& f, const std::set<std::string>& keys) {
    for (const auto& k : keys) {
        auto it = std::find_if(f.params.begin(), f.params.end(),
                               [&](const meta::FunctionParam& p) { return p.name == k; });
        if (it == f.params.end()) return false;
    }
    for (const auto& p : f.params) {
        if (!p.has_default && !keys.contains(p.name)) return false;
    }
    return true;
}

Error function_not_found(const std::string& schema, const std::string& name,
                         const std::set<std::string>& keys, bool post) {
    std::string list;
    for (const auto& k : keys) {
        if (!list.empty()) list += ", ";
        list += k;
    }
    const std::string fn = schema + "." + name;
    Error e = Error::not_found("PGRST202", "Could not find the function " + fn +
                                               (keys.empty() ? " without parameters" : "(" + list + ")") +
                                               " in the schema cache");
    std::string details = "Searched for the function " + fn;
    details += keys.empty() ? " without parameters"
                            : (keys.size() > 1 ? " with parameters " : " with parameter ") + list;
    if (post) details += " or with a single unnamed json/jsonb parameter";
    details += ", but no matches were found in the schema cache.";
    e.details = details;
    return e;
}

Error ambiguous(const std::vector<const meta::Function*>& fns) {
    Error e;
    e.status = 300;
    e.code = "PGRST203";
    std::string msg = "Could not choose the best candidate function between: ";
    for (std::size_t i = 0; i < fns.size(); ++i) {
        if (i > 0) msg += ", ";
        msg += fns[i]->schema + "." + fns[i]->name + "(";
        for (std::size_t j = 0; j < fns[i]->params.size(); ++j) {
            if (j > 0) msg += ", ";
            msg += fns[i]->params[j].name + " => " + fns[i]->params[j].type;
        }
        msg += ")";
    }
    e.message = msg;
    e.hint = "Try renaming the parameters or the function itself in the database so function "
             "overloading can be resolved";
    return e;
}

}  // namespace

Result<void> Planner::plan_call(Plan& plan) {
    const auto candidates = snap_.find_functions(req_.schema, req_.target);
    const bool post = !req_.get_rpc;
    std::set<std::string> keys;
    if (post) {
        if (req_.payload.is_object() && !req_.prefs.params_single_object) {
            for (const auto& [k, _] : req_.payload.items()) keys.insert(k);
        }
    } else {
        std::set<std::string> names;
        for (const auto* f : candidates) {
            for (const auto& p : f->params) names.insert(p.name);
        }
        for (const auto& fp : req_.filter_params) {
            if (names.contains(fp.key)) keys.insert(fp.key);
        }
    }

    std::vector<const meta::Function*> named;
    std::vector<const meta::Function*> whole;
    for (const auto* f : candidates) {
        const bool body_fn = post && (single_unnamed_json(*f) ||
                                      (req_.prefs.params_single_object && f->params.size() == 1 &&
                                       is_json_type(f->params[0])));
        if (post && (req_.prefs.params_single_object || !req_.payload.is_object())) {
            if (body_fn) whole.push_back(f);
            continue;
        }
        if (accepts_keys(*f, keys)) named.push_back(f);
        else if (body_fn) whole.push_back(f);
    }
    const auto& chosen = named.empty() ? whole : named;
    if (chosen.empty()) return function_not_found(req_.schema, req_.target, keys, post);
    if (chosen.size() > 1) return ambiguous(chosen);
    const meta::Function& fn = *chosen.front();

    CallSpec call;
    call.function = &fn;
    call.get = !post;
    call.whole_body = named.empty();
    if (!call.whole_body) {
        for (const auto& p : fn.params) {
            if (keys.contains(p.name)) call.args.push_back(&p);
        }
    }
    if (!post) arg_keys_.assign(keys.begin(), keys.end());

    const bool composite = fn.returns_composite;
    call.scalar = !composite;
    if (call.scalar) {
        // Leftover query parameters on a scalar function can only be mistyped arguments.
        for (const auto& fp : req_.filter_params) {
            if (!keys.contains(fp.key) && !post) {
                std::set<std::string> all = keys;
                for (const auto& f : req_.filter_params) all.insert(f.key);
                return function_not_found(req_.schema, req_.target, all, post);
            }
        }
        if (!req_.logic_filters.empty() || !req_.orders.empty()) {
            return Error::bad_request("PGRST100", "Filters and order are only available on "
                                                  "functions returning rows");
        }
    }

    const meta::Table* row_table = nullptr;
    const std::vector<meta::Column>* columns = &fn.return_columns;
    if (fn.return_table) {
        row_table = snap_.find_table(fn.return_table->schema, fn.return_table->name);
        if (row_table != nullptr) columns = &row_table->columns;
    }
    ReadNode root = new_node(row_table, columns, meta::QualifiedName{fn.schema, fn.name});
    if (composite) {
        if (auto r = build_select(root, req_.select, 0); !r) return r.error();
        if (auto r = apply_query(root, true); !r) return r.error();
        if (opts_.max_rows > 0 && fn.returns_set) {
            root.limit = std::min(root.limit.value_or(opts_.max_rows), opts_.max_rows);
        }
    } else if (auto it = req_.ranges.find({}); it != req_.ranges.end()) {
        root.offset = it->second.offset;
        root.limit = it->second.limit;
    }

    plan.kind = Plan::Kind::kCall;
    plan.root = std::move(root);
    plan.call = std::move(call);
    plan.read_only = !post || fn.volatility != meta::Volatility::kVolatile;
    return {};
}

}  // namespace basalt::rest::detail
