// rest::plan entry point: dispatches on the action and fills the output options shared by all
// plans (media type, nulls stripping, count, HEAD).
#include "rest/plan/plan.hpp"

#include "rest/plan/planner.hpp"

namespace basalt::rest {

namespace detail {

Result<Plan> Planner::run() {
    Plan plan;
    Result<void> r;
    switch (req_.action) {
        case Action::kRead: r = plan_read(plan); break;
        case Action::kInsert:
        case Action::kUpdate:
        case Action::kUpsertPut:
        case Action::kDelete: r = plan_mutation(plan); break;
        case Action::kCall: r = plan_call(plan); break;
        case Action::kSchemaRoot:
        case Action::kOptions:
            return Error::internal_error("rest::plan called for the schema root or OPTIONS");
    }
    if (!r) return r.error();
    plan.media = req_.accept;
    plan.strip_nulls = req_.strip_nulls;
    plan.count = req_.prefs.count;
    plan.head = req_.head;
    plan.max_rows = opts_.max_rows;
    return plan;
}

}  // namespace detail

Result<Plan> plan(const ApiRequest& req, const meta::SchemaSnapshot& snapshot,
                  const PlanOptions& options) {
    return detail::Planner(req, snapshot, options).run();
}

}  // namespace basalt::rest
