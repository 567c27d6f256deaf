// rest::parse: method -> action, profile headers -> schema, query parameters -> select /
// filters / order / ranges, Prefer / Accept / Range headers, and the JSON body.
#include <algorithm>

#include "rest/parse/parse.hpp"

namespace basalt::rest {

namespace {

std::optional<std::string_view> header(const Pairs* headers, std::string_view name) {
    if (headers == nullptr) return std::nullopt;
    for (const auto& [k, v] : *headers) {
        if (k == name) return std::string_view(v);
    }
    return std::nullopt;
}

std::vector<std::string_view> headers_named(const Pairs* headers, std::string_view name) {
    std::vector<std::string_view> out;
    if (headers == nullptr) return out;
    for (const auto& [k, v] : *headers) {
        if (k == name) out.emplace_back(v);
    }
    return out;
}

Error method_error(std::string_view method, bool rpc) {
    Error e;
    e.status = 405;
    if (rpc) {
        e.code = "PGRST101";
        e.message = "Cannot use the " + std::string(method) + " method on RPC";
    } else {
        e.code = "PGRST117";
        e.message = "Unsupported HTTP method: " + std::string(method);
    }
    return e;
}

Result<Action> action_for(const RawRequest& raw, bool& head, bool& get_rpc) {
    const auto m = raw.method;
    head = m == "HEAD";
    if (m == "OPTIONS") return Action::kOptions;
    if (raw.resource.empty() && !raw.rpc) {
        if (m == "GET" || m == "HEAD") return Action::kSchemaRoot;
        return method_error(m, false);
    }
    if (raw.rpc) {
        if (m == "GET" || m == "HEAD") {
            get_rpc = true;
            return Action::kCall;
        }
        if (m == "POST") return Action::kCall;
        return method_error(m, true);
    }
    if (m == "GET" || m == "HEAD") return Action::kRead;
    if (m == "POST") return Action::kInsert;
    if (m == "PATCH") return Action::kUpdate;
    if (m == "PUT") return Action::kUpsertPut;
    if (m == "DELETE") return Action::kDelete;
    return method_error(m, false);
}

Result<void> resolve_schema(ApiRequest& req, const RawRequest& raw, const ParseOptions& opts) {
    const bool reading = raw.method == "GET" || raw.method == "HEAD";
    auto profile = header(raw.headers, reading ? "accept-profile" : "content-profile");
    if (!profile || profile->empty()) {
        req.schema = opts.schemas.empty() ? "public" : opts.schemas.front();
        return {};
    }
    if (std::find(opts.schemas.begin(), opts.schemas.end(), *profile) == opts.schemas.end()) {
        Error e;
        e.status = 406;
        e.code = "PGRST106";
        e.message = "Invalid schema: " + std::string(*profile);
        std::string list;
        for (std::size_t i = 0; i < opts.schemas.size(); ++i) {
            if (i > 0) list += ", ";
            list += opts.schemas[i];
        }
        e.hint = "Only the following schemas are exposed: " + list;
        return e;
    }
    req.schema = std::string(*profile);
    req.schema_given = true;
    return {};
}

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

// One query parameter; filters of non-RPC requests must parse right away.
Result<void> apply_param(ApiRequest& req, const std::string& key, const std::string& value) {
    if (has_nul(key) || has_nul(value)) {
        return query_param_error("failed to parse query parameter", "NUL bytes are not allowed");
    }
    if (key == "select") {
        auto items = parse_select(value);
        if (!items) return items.error();
        req.select = std::move(items).value();
        req.select_given = true;
        return {};
    }
    if (key == "columns") {
        auto cols = parse_columns(value);
        if (!cols) return cols.error();
        req.columns = std::move(cols).value();
        return {};
    }
    if (key == "on_conflict") {
        auto cols = parse_columns(value);
        if (!cols) return cols.error();
        req.on_conflict = std::move(cols).value();
        return {};
    }
    auto [path, last] = split_embed_path(key);
    if (last == "order") {
        auto terms = parse_order(value);
        if (!terms) return terms.error();
        req.orders[path] = std::move(terms).value();
        return {};
    }
    if (last == "limit" || last == "offset") {
        auto n = parse_non_negative(last, value);
        if (!n) return n.error();
        auto& range = req.ranges[path];
        if (last == "limit") range.limit = *n;
        else range.offset = *n;
        return {};
    }
    if (last == "or" || last == "and") {
        auto f = parse_logic(key, value);
        if (!f) return f.error();
        req.logic_filters.push_back(std::move(f).value());
        return {};
    }
    auto parsed = parse_filter(key, value);
    if (!parsed && req.action != Action::kCall) return parsed.error();
    req.filter_params.push_back(FilterParam{.key = key, .value = value, .parsed = std::move(parsed)});
    return {};
}

Error body_error(std::string message) { return Error::bad_request("PGRST102", std::move(message)); }

std::string_view trim_ws(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    return s;
}

// Parses the body of mutations and POST RPC; collects the union of object keys in order.
Result<void> read_body(ApiRequest& req, const RawRequest& raw) {
    const bool call = req.action == Action::kCall;
    if (call && req.get_rpc) return {};
    if (req.action != Action::kInsert && req.action != Action::kUpdate &&
        req.action != Action::kUpsertPut && !call) {
        return {};
    }
    if (auto ct = header(raw.headers, "content-type"); ct && !ct->empty()) {
        std::string t(ct->substr(0, ct->find(';')));
        while (!t.empty() && t.back() == ' ') t.pop_back();
        for (auto& c : t) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (t != "application/json" && t != "application/vnd.pgrst.object+json" &&
            t != "application/vnd.pgrst.array+json" && t != "*/*") {
            Error e;
            e.status = 415;
            e.code = "PGRST107";
            e.message = "The Content-Type sent in the request is invalid: " + std::string(*ct);
            return e;
        }
    }
    req.body = raw.body;
    auto text = trim_ws(raw.body);
    if (text.empty()) {
        if (call) {
            req.payload = Json::object();
            return {};
        }
        return body_error("Empty or invalid json");
    }
    // With columns= the keys are known: leave parsing (and validation) of a possibly large
    // bulk body to PostgreSQL instead of building a DOM here.
    if (req.action == Action::kInsert && req.columns) {
        req.payload_is_array = text.front() == '[';
        if (text.front() != '[' && text.front() != '{') return body_error("Empty or invalid json");
        req.payload_keys = *req.columns;
        return {};
    }
    req.payload = parse_json_or_discarded(text);
    if (req.payload.is_discarded()) return body_error("Empty or invalid json");
    if (call) return {};
    auto add_keys = [&](const Json& obj) {
        for (const auto& [k, _] : obj.items()) {
            if (std::find(req.payload_keys.begin(), req.payload_keys.end(), k) == req.payload_keys.end()) {
                req.payload_keys.push_back(k);
            }
        }
    };
    if (req.payload.is_object()) {
        add_keys(req.payload);
    } else if (req.payload.is_array()) {
        req.payload_is_array = true;
        for (const auto& el : req.payload) {
            if (!el.is_object()) return body_error("All elements of the JSON array must be objects");
            add_keys(el);
        }
    } else {
        return body_error("The JSON body must be an object or an array of objects");
    }
    if (req.columns) req.payload_keys = *req.columns;
    return {};
}

}  // namespace

Result<ApiRequest> parse(const RawRequest& raw, const ParseOptions& options) {
    ApiRequest req;
    auto action = action_for(raw, req.head, req.get_rpc);
    if (!action) return action.error();
    req.action = *action;
    req.target = std::string(raw.resource);
    if (has_nul(req.target)) return query_param_error("invalid resource name", "NUL bytes are not allowed");
    if (auto r = resolve_schema(req, raw, options); !r) return r.error();
    if (req.action == Action::kOptions) return req;

    bool strip = false;
    auto accept = parse_accept(header(raw.headers, "accept").value_or("*/*"),
                               req.action == Action::kSchemaRoot, &strip);
    if (!accept) return accept.error();
    req.accept = *accept;
    req.strip_nulls = strip;
    if (req.action == Action::kSchemaRoot) return req;

    auto prefs = parse_prefer(headers_named(raw.headers, "prefer"));
    if (!prefs) return prefs.error();
    req.prefs = std::move(prefs).value();

    if (raw.query != nullptr) {
        for (const auto& [key, value] : *raw.query) {
            if (key.empty()) continue;
            if (auto r = apply_param(req, key, value); !r) return r.error();
        }
    }
    if (!req.select_given) {
        SelectItem star;
        star.kind = SelectItem::Kind::kStar;
        req.select.push_back(std::move(star));
    }
    // Range header (classic PostgREST; supabase-js uses limit/offset): reads only.
    if (req.action == Action::kRead || (req.action == Action::kCall && req.get_rpc)) {
        if (auto range = header(raw.headers, "range"); range && !range->empty()) {
            auto r = parse_range_header(*range);
            if (!r) return r.error();
            auto& top = req.ranges[{}];
            // limit/offset parameters narrow the header's range further.
            const auto offset = top.offset;
            top.offset = r->offset + offset;
            if (r->limit) {
                std::int64_t remaining = std::max<std::int64_t>(0, *r->limit - offset);
                top.limit = top.limit ? std::min(*top.limit, remaining) : remaining;
            }
            req.range_from_header = true;
        }
    }
    if (auto r = read_body(req, raw); !r) return r.error();
    return req;
}

}  // namespace basalt::rest
