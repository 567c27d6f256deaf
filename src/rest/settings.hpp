// REST options (config section "rest").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/settings_field.hpp"

namespace basalt::rest {

struct Settings {
    std::vector<std::string> schemas = {"public"};
    std::int64_t max_rows = 0;  // 0 = no cap
    // Schemas after the exposed one in each request's search_path (Supabase: public, extensions).
    std::vector<std::string> extra_search_path = {"public", "extensions"};
    bool aggregates_enabled = false;    // PostgREST's db-aggregates-enabled
    // Also set request.jwt.claim.<name> per top-level claim. Off by default, as in PostgREST
    // on PostgreSQL 14+ (and Supabase): auth.uid() and friends read request.jwt.claims.
    bool legacy_claim_settings = false;
    std::int64_t max_body_bytes = 0;    // 0 = the server's limit
    std::string openapi_mode = "follow-privileges";
    std::int64_t schema_reload_debounce_ms = 100;

    template <typename V>
    static void visit(Settings& s, V&& v) {
        v("schemas", s.schemas, {.help = "schemas exposed by /rest/v1 (first = default)"});
        v("max_rows", s.max_rows, {.min = 0, .max = 1000000000, .help = "cap on rows returned per request; 0 = none"});
        v("extra_search_path", s.extra_search_path,
          {.help = "schemas appended to search_path for API requests"});
        v("aggregates_enabled", s.aggregates_enabled,
          {.help = "allow count()/sum()/avg()/min()/max() in select="});
        v("legacy_claim_settings", s.legacy_claim_settings,
          {.help = "also set request.jwt.claim.<name> for each top-level JWT claim"});
        v("max_body_bytes", s.max_body_bytes,
          {.min = 0, .max = 1099511627776.0, .help = "request body limit for /rest/v1; 0 = server limit"});
        v("openapi_mode", s.openapi_mode,
          {.one_of = {"follow-privileges", "ignore-privileges", "disabled"},
           .help = "GET /rest/v1/: list what the caller may use, everything, or nothing"});
        v("schema_reload_debounce_ms", s.schema_reload_debounce_ms,
          {.min = 0, .max = 60000, .help = "wait after a schema-change notification before reloading"});
    }
};

}  // namespace basalt::rest
