// Prefer and Accept headers: PostgREST's preferences (return, count, resolution, missing, tx,
// handling, max-affected, params, timezone) and the media types it can produce.
#include <algorithm>
#include <charconv>

#include "rest/parse/parse.hpp"

namespace basalt::rest {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

template <typename F>
void for_each_item(std::string_view s, char sep, F&& f) {
    while (true) {
        auto pos = s.find(sep);
        f(trim(s.substr(0, pos)));
        if (pos == std::string_view::npos) break;
        s.remove_prefix(pos + 1);
    }
}

// Applies one "key=value" preference; false when it is not a valid PostgREST preference.
bool apply_preference(Preferences& p, std::string_view key, std::string_view value) {
    if (key == "return") {
        if (value == "minimal") p.return_pref = ReturnPref::kMinimal;
        else if (value == "representation") p.return_pref = ReturnPref::kRepresentation;
        else if (value == "headers-only") p.return_pref = ReturnPref::kHeadersOnly;
        else return false;
    } else if (key == "count") {
        if (value == "exact") p.count = CountPref::kExact;
        else if (value == "planned") p.count = CountPref::kPlanned;
        else if (value == "estimated") p.count = CountPref::kEstimated;
        else return false;
    } else if (key == "resolution") {
        if (value == "merge-duplicates") p.resolution = Resolution::kMergeDuplicates;
        else if (value == "ignore-duplicates") p.resolution = Resolution::kIgnoreDuplicates;
        else return false;
    } else if (key == "missing") {
        if (value == "default") p.missing_default = true;
        else if (value == "null") p.missing_default = false;
        else return false;
    } else if (key == "tx") {
        if (value == "commit") p.tx_rollback = false;
        else if (value == "rollback") p.tx_rollback = true;
        else return false;
    } else if (key == "handling") {
        if (value == "strict") p.strict = true;
        else if (value == "lenient") p.strict = false;
        else return false;
    } else if (key == "max-affected") {
        std::int64_t n = -1;
        auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || ptr != value.data() + value.size() || n < 0) return false;
        p.max_affected = n;
    } else if (key == "params") {
        if (value != "single-object") return false;
        p.params_single_object = true;
    } else if (key == "timezone") {
        if (value.empty()) return false;
        p.timezone = std::string(value);
    } else {
        return false;
    }
    return true;
}

struct MediaRange {
    std::string type;  // lower-cased "type/subtype"
    bool strip_nulls = false;
    double q = 1.0;
    std::size_t order = 0;
};

std::vector<MediaRange> media_ranges(std::string_view accept) {
    std::vector<MediaRange> out;
    std::size_t order = 0;
    for_each_item(accept, ',', [&](std::string_view item) {
        if (item.empty()) return;
        MediaRange m;
        m.order = order++;
        bool first = true;
        for_each_item(item, ';', [&](std::string_view part) {
            if (first) {
                m.type = lower(part);
                first = false;
                return;
            }
            auto eq = part.find('=');
            auto k = lower(trim(part.substr(0, eq)));
            auto v = eq == std::string_view::npos ? std::string_view{} : trim(part.substr(eq + 1));
            if (k == "q") {
                double q = 1.0;
                auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), q);
                if (ec == std::errc()) m.q = q;
            } else if (k == "nulls" && lower(v) == "stripped") {
                m.strip_nulls = true;
            }
        });
        out.push_back(std::move(m));
    });
    std::stable_sort(out.begin(), out.end(),
                     [](const MediaRange& a, const MediaRange& b) { return a.q > b.q; });
    return out;
}

}  // namespace

Result<Preferences> parse_prefer(const std::vector<std::string_view>& headers) {
    Preferences p;
    std::vector<std::string> invalid;
    for (auto header : headers) {
        for_each_item(header, ',', [&](std::string_view token) {
            if (token.empty()) return;
            auto eq = token.find('=');
            auto key = trim(token.substr(0, eq));
            auto value = eq == std::string_view::npos ? std::string_view{} : trim(token.substr(eq + 1));
            if (apply_preference(p, key, value)) {
                p.applied.emplace_back(std::string(key) + "=" + std::string(value));
            } else {
                invalid.emplace_back(token);
            }
        });
    }
    if (p.strict && !invalid.empty()) {
        std::string details = "Invalid preferences: ";
        for (std::size_t i = 0; i < invalid.size(); ++i) {
            if (i > 0) details += ", ";
            details += invalid[i];
        }
        Error e = Error::bad_request("PGRST122", "Invalid preferences given with handling=strict");
        e.details = details;
        return e;
    }
    return p;
}

Result<MediaType> parse_accept(std::string_view accept, bool schema_root, bool* strip_nulls) {
    accept = trim(accept);
    // What nearly every client sends (supabase-js: application/json; curl and wrk: */* or none).
    if (accept.empty() || accept == "*/*" || accept == "application/json") return MediaType::kJson;
    for (const auto& m : media_ranges(accept)) {
        if (m.q <= 0) continue;
        const auto& t = m.type;
        if (t == "*/*" || t == "application/*" || t == "application/json") return MediaType::kJson;
        if (t == "application/vnd.pgrst.array+json" || t == "application/vnd.pgrst.array") {
            if (strip_nulls != nullptr) *strip_nulls = m.strip_nulls;
            return MediaType::kJson;
        }
        if (schema_root) {
            if (t == "application/openapi+json") return MediaType::kOpenApi;
            continue;
        }
        if (t == "application/vnd.pgrst.object+json" || t == "application/vnd.pgrst.object") {
            if (strip_nulls != nullptr) *strip_nulls = m.strip_nulls;
            return MediaType::kSingleObject;
        }
        if (t == "text/csv") return MediaType::kCsv;
    }
    Error e;
    e.status = 406;
    e.code = "PGRST107";
    e.message = "None of these media types are available: " + std::string(trim(accept));
    return e;
}

}  // namespace basalt::rest
