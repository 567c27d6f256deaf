// Route table matching: splits the decoded path into segments and picks the most specific route
// (literal segment > ":param" > "*rest", compared left to right). HEAD falls back to GET.
#include "http/router.hpp"

#include <array>

namespace basalt::http {

namespace {

// Segment specificity, higher wins when two routes match the same path.
enum Rank : int { kRankRest = 0, kRankParam = 1, kRankLiteral = 2 };

// One trailing slash is not significant ("/rest/v1/" and "/rest/v1" are the same route),
// except for the root itself.
std::string_view trim_trailing_slash(std::string_view path) {
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    return path;
}

std::vector<std::string> split_pattern(std::string_view pattern) {
    std::vector<std::string> out;
    pattern = trim_trailing_slash(pattern);
    if (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
    if (pattern.empty()) return out;
    while (true) {
        auto slash = pattern.find('/');
        out.emplace_back(pattern.substr(0, slash));
        if (slash == std::string_view::npos) break;
        pattern.remove_prefix(slash + 1);
    }
    return out;
}

// Path segments as views into the path; most paths have few segments, so a fixed array
// avoids allocating on every request. Longer paths fall back to a vector.
struct PathSegments {
    std::array<std::string_view, 16> small{};
    std::vector<std::string_view> large;
    std::vector<std::size_t> large_offsets;
    std::array<std::size_t, 16> offsets{};  // offset of each segment in the trimmed path
    std::size_t count = 0;

    void push(std::string_view seg, std::size_t offset) {
        if (count < small.size()) {
            small[count] = seg;
            offsets[count] = offset;
        } else {
            if (large.empty()) {
                large.assign(small.begin(), small.end());
                large_offsets.assign(offsets.begin(), offsets.end());
            }
            large.push_back(seg);
            large_offsets.push_back(offset);
        }
        ++count;
    }
    [[nodiscard]] std::string_view at(std::size_t i) const { return large.empty() ? small[i] : large[i]; }
    [[nodiscard]] std::size_t offset(std::size_t i) const {
        return large.empty() ? offsets[i] : large_offsets[i];
    }
};

PathSegments split_path(std::string_view path) {
    PathSegments out;
    std::size_t pos = 0;
    if (!path.empty() && path.front() == '/') pos = 1;
    if (pos >= path.size()) return out;
    while (true) {
        auto slash = path.find('/', pos);
        out.push(path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos), pos);
        if (slash == std::string_view::npos) break;
        pos = slash + 1;
    }
    return out;
}

// Returns false when the route does not match; otherwise fills `ranks` (one per pattern
// segment) so candidates can be compared.
bool try_match(const std::vector<std::string>& pattern, const PathSegments& segs,
               std::array<int, 32>& ranks) {
    const std::size_t n = pattern.size();
    for (std::size_t i = 0; i < n; ++i) {
        const std::string& p = pattern[i];
        const int rank_index = i < ranks.size() ? int(i) : int(ranks.size() - 1);
        if (!p.empty() && p.front() == '*') {
            if (i >= segs.count) return false;  // "*rest" needs at least one segment
            ranks[rank_index] = kRankRest;
            return true;
        }
        if (i >= segs.count) return false;
        if (!p.empty() && p.front() == ':') {
            if (segs.at(i).empty()) return false;
            ranks[rank_index] = kRankParam;
        } else {
            if (segs.at(i) != p) return false;
            ranks[rank_index] = kRankLiteral;
        }
    }
    return n == segs.count;
}

}  // namespace

void Router::add(std::string_view method, std::string_view pattern, Handler handler, RouteOptions options) {
    Route r;
    r.method = std::string(method);
    r.pattern = std::string(pattern);
    r.segments = split_pattern(pattern);
    r.handler = std::move(handler);
    r.options = options;
    routes_.push_back(std::move(r));
    index(routes_.size() - 1);
}

void Router::add_websocket(std::string_view pattern, WsHandler handler) {
    Route r;
    r.pattern = std::string(pattern);
    r.segments = split_pattern(pattern);
    r.ws_handler = std::move(handler);
    routes_.push_back(std::move(r));
    index(routes_.size() - 1);
}

void Router::index(std::size_t route_index) {
    const auto& segments = routes_[route_index].segments;
    if (segments.empty() || segments.front().empty() || segments.front().front() == ':' ||
        segments.front().front() == '*') {
        dynamic_first_segment_.push_back(route_index);
    } else {
        by_first_segment_[segments.front()].push_back(route_index);
    }
}

Router::Match Router::match(std::string_view method, std::string_view path, bool ws) const {
    const std::string_view trimmed = trim_trailing_slash(path);
    const PathSegments segs = split_path(trimmed);

    // Best candidate per method class: exact method, GET (HEAD fallback), any method (405).
    const Route* best[3] = {nullptr, nullptr, nullptr};
    std::size_t best_index[3] = {0, 0, 0};
    std::array<int, 32> best_ranks[3];
    std::array<int, 32> ranks;
    // Pass 1 looks only at routes of the request's method (the usual case ends there); pass 2,
    // only when that found nothing, at the others (HEAD -> GET, 405).
    auto consider = [&](std::size_t index, bool exact_pass) {
        const Route& r = routes_[index];
        if (ws != static_cast<bool>(r.ws_handler)) return;
        const bool exact = ws || r.method == method;
        if (exact != exact_pass) return;
        ranks.fill(-1);
        if (!try_match(r.segments, segs, ranks)) return;
        int cls = 2;
        if (exact) cls = 0;
        else if (method == "HEAD" && r.method == "GET") cls = 1;
        // Lexicographic comparison: the first differing segment decides (literal > param >
        // rest); on a tie the route registered first wins.
        if (best[cls] == nullptr || ranks > best_ranks[cls] || (ranks == best_ranks[cls] && index < best_index[cls])) {
            best[cls] = &r;
            best_index[cls] = index;
            best_ranks[cls] = ranks;
        }
    };
    const std::vector<std::size_t>* literal_first = nullptr;
    if (segs.count > 0) {
        if (auto it = by_first_segment_.find(segs.at(0)); it != by_first_segment_.end()) literal_first = &it->second;
    }
    for (const bool exact_pass : {true, false}) {
        if (!exact_pass && best[0] != nullptr) break;
        if (literal_first != nullptr) {
            for (std::size_t index : *literal_first) consider(index, exact_pass);
        }
        for (std::size_t index : dynamic_first_segment_) consider(index, exact_pass);
    }

    Match m;
    const Route* chosen = best[0] ? best[0] : best[1];
    if (chosen == nullptr) {
        m.method_not_allowed = best[2] != nullptr;
        return m;
    }
    m.handler = chosen->ws_handler ? nullptr : &chosen->handler;
    m.ws_handler = chosen->ws_handler ? &chosen->ws_handler : nullptr;
    m.options = &chosen->options;
    m.pattern = chosen->pattern;
    for (std::size_t i = 0; i < chosen->segments.size(); ++i) {
        const std::string& p = chosen->segments[i];
        if (p.empty()) continue;
        if (p.front() == ':') {
            m.params.emplace(p.substr(1), std::string(segs.at(i)));
        } else if (p.front() == '*') {
            // The rest keeps its inner slashes (and a trailing one, if the client sent it).
            m.params.emplace(p.substr(1), std::string(path.substr(segs.offset(i))));
            break;
        }
    }
    return m;
}

}  // namespace basalt::http
