// Response assembly for /rest/v1 after the statement ran; the body text from PostgreSQL is
// moved into the response untouched (it is already the finished JSON or CSV).
#include "rest/response.hpp"

#include <charconv>

namespace basalt::rest {

namespace {

bool is_mutation(const Plan& plan) {
    return plan.kind == Plan::Kind::kInsert || plan.kind == Plan::Kind::kUpdate ||
           plan.kind == Plan::Kind::kDelete;
}

std::string total_text(const std::optional<std::int64_t>& total) {
    return total ? std::to_string(*total) : std::string("*");
}

// PostgREST's Content-Range: "lower-upper/total", "*/total" for an empty page.
std::string content_range(std::int64_t lower, std::int64_t page_total,
                          const std::optional<std::int64_t>& total) {
    if (page_total <= 0) return "*/" + total_text(total);
    return std::to_string(lower) + "-" + std::to_string(lower + page_total - 1) + "/" + total_text(total);
}

std::string_view content_type(MediaType m) {
    switch (m) {
        case MediaType::kCsv: return "text/csv; charset=utf-8";
        case MediaType::kSingleObject: return "application/vnd.pgrst.object+json; charset=utf-8";
        default: return "application/json; charset=utf-8";
    }
}

Error guc_headers_error() {
    Error e = Error::internal_error("response.headers GUC is not an array of single-key objects");
    e.code = "PGRST111";
    e.message = "response.headers guc must be a JSON array composed of objects with a single key "
                "and a string value";
    return e;
}

Result<void> apply_gucs(http::Response& r, const ResultRow& row) {
    if (row.response_status) {
        int status = 0;
        const auto& s = *row.response_status;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), status);
        if (ec != std::errc() || ptr != s.data() + s.size() || status < 100 || status > 599) {
            Error e = Error::internal_error("response.status GUC is not a status code");
            e.code = "PGRST112";
            e.message = "response.status guc must be a valid status code";
            return e;
        }
        r.status = status;
    }
    if (row.response_headers) {
        Json h = parse_json_or_discarded(*row.response_headers);
        if (!h.is_array()) return guc_headers_error();
        for (const auto& obj : h) {
            if (!obj.is_object() || obj.size() != 1 || !obj.begin().value().is_string()) {
                return guc_headers_error();
            }
            r.headers.set(obj.begin().key(), obj.begin().value().get<std::string>());
        }
    }
    return {};
}

// Location of the first inserted row: /table?pk=eq.value&... (headers-only inserts).
std::optional<std::string> location(const ApiRequest& req, const Plan& plan, const std::string& body) {
    const auto* table = plan.mutation.table;
    if (table == nullptr || table->primary_key.empty()) return std::nullopt;
    Json rows = parse_json_or_discarded(body);
    if (!rows.is_array() || rows.empty() || !rows[0].is_object()) return std::nullopt;
    std::string out = "/" + http::percent_encode(req.target);
    char sep = '?';
    for (const auto& pk : table->primary_key) {
        auto it = rows[0].find(pk);
        if (it == rows[0].end()) return std::nullopt;
        std::string value = it->is_string() ? it->get<std::string>() : it->dump();
        out += sep;
        out += http::percent_encode(pk) + "=eq." + http::percent_encode(value);
        sep = '&';
    }
    return out;
}

}  // namespace

Result<void> check_result(const ApiRequest& req, const Plan& plan, const ResultRow& row) {
    const bool singular_call = plan.kind == Plan::Kind::kCall && plan.call.function != nullptr &&
                               !plan.call.function->returns_set;
    if (plan.media == MediaType::kSingleObject && !singular_call && row.page_total != 1) {
        Error e;
        e.status = 406;
        e.code = "PGRST116";
        e.message = "Cannot coerce the result to a single JSON object";
        e.details = "The result contains " + std::to_string(row.page_total) + " rows";
        return e;
    }
    if (req.prefs.strict && req.prefs.max_affected &&
        (plan.kind == Plan::Kind::kUpdate || plan.kind == Plan::Kind::kDelete ||
         plan.kind == Plan::Kind::kCall) &&
        row.page_total > *req.prefs.max_affected) {
        Error e = Error::bad_request("PGRST124", "Query result exceeds max-affected preference constraint");
        e.details = "The query affects " + std::to_string(row.page_total) + " rows";
        return e;
    }
    return {};
}

std::string preference_applied(const ApiRequest& req, const Plan& plan) {
    std::string out;
    auto add = [&](const std::string& token) {
        if (!out.empty()) out += ", ";
        out += token;
    };
    const auto& p = req.prefs;
    const bool mutation = is_mutation(plan);
    for (const auto& token : p.applied) {
        const auto key = token.substr(0, token.find('='));
        if (key == "count" && p.count != CountPref::kNone) add(token);
        else if (key == "return" && (mutation || plan.kind == Plan::Kind::kCall)) add(token);
        else if ((key == "resolution" || key == "missing") && plan.kind == Plan::Kind::kInsert) add(token);
        else if (key == "tx" || key == "handling" || key == "timezone") add(token);
        else if (key == "max-affected" && p.strict) add(token);
    }
    return out;
}

Result<http::Response> build_response(const ApiRequest& req, const Plan& plan, ResultRow row) {
    http::Response r;
    const auto ret = req.prefs.return_pref.value_or(ReturnPref::kMinimal);
    bool with_body = !req.head;
    if (is_mutation(plan)) {
        const bool counted = req.prefs.count != CountPref::kNone;
        const std::optional<std::int64_t> total =
            counted ? std::optional<std::int64_t>(row.page_total) : std::nullopt;
        if (plan.kind == Plan::Kind::kInsert && req.action != Action::kUpsertPut) {
            r.status = 201;
            r.headers.set("Content-Range", "*/" + total_text(total));
        } else {
            r.status = ret == ReturnPref::kRepresentation ? 200 : 204;
            r.headers.set("Content-Range", content_range(0, row.page_total, total));
        }
        if (ret == ReturnPref::kHeadersOnly && plan.kind == Plan::Kind::kInsert && row.body) {
            if (auto loc = location(req, plan, *row.body)) r.headers.set("Location", *loc);
        }
        with_body = with_body && ret == ReturnPref::kRepresentation;
    } else {
        const std::int64_t lower = plan.root.offset;
        if (row.total && lower > *row.total && plan.kind == Plan::Kind::kRead) {
            Error e;
            e.status = 416;
            e.code = "PGRST103";
            e.message = "Requested range not satisfiable";
            e.details = "An offset of " + std::to_string(lower) + " was requested, but there are only " +
                        std::to_string(*row.total) + " rows.";
            return e;
        }
        r.status = 200;
        if (row.total && row.page_total < *row.total && plan.media != MediaType::kSingleObject) {
            r.status = 206;
        }
        r.headers.set("Content-Range", content_range(lower, row.page_total, row.total));
        if (plan.kind == Plan::Kind::kCall && plan.call.function->returns_void()) {
            r.status = 204;
            with_body = false;
        }
    }
    if (with_body) {
        r.headers.set("Content-Type", content_type(plan.media));
        r.body = row.body ? std::move(*row.body) : std::string();
    } else if (req.head && r.status != 204) {
        r.headers.set("Content-Type", content_type(plan.media));
    }
    if (auto pa = preference_applied(req, plan); !pa.empty()) r.headers.set("Preference-Applied", pa);
    if (auto g = apply_gucs(r, row); !g) return g.error();
    return r;
}

}  // namespace basalt::rest
