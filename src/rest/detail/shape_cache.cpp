// Shape keys, the sentinel proof and the per-thread LRU of compiled reads.
#include "rest/detail/shape_cache.hpp"

#include <array>

namespace basalt::rest::detail {

namespace {

// Headers parse() reads; the others never change the statement.
constexpr std::array<std::string_view, 7> kShapeHeaders = {
    "accept", "accept-profile", "content-profile", "content-type", "prefer", "range", "range-unit"};

// Length-prefixed, so no two different requests can spell the same key.
void append_part(std::string& key, std::string_view part) {
    key += std::to_string(part.size());
    key += ':';
    key += part;
}

// Length of "[not.]op." when `value` is a comparison whose value becomes one parameter as it
// is (no modifier, no list, no pattern rewriting); 0 otherwise.
std::size_t variable_prefix(std::string_view value) {
    std::size_t n = 0;
    if (value.starts_with("not.")) n = 4;
    static constexpr std::array<std::string_view, 6> kOps = {"eq.", "neq.", "gt.", "gte.", "lt.", "lte."};
    for (std::string_view op : kOps) {
        if (value.substr(n).starts_with(op)) return n + op.size();
    }
    return 0;
}

}  // namespace

std::optional<Shape> shape_of(const http::Request& r, std::string_view resource, bool rpc) {
    if (rpc || !r.body.empty() || (r.method != "GET" && r.method != "HEAD")) return std::nullopt;
    Shape shape;
    shape.key.reserve(r.raw_query.size() + 64);
    append_part(shape.key, r.method);
    append_part(shape.key, resource);
    for (const auto& [name, value] : r.headers.items()) {
        for (std::string_view h : kShapeHeaders) {
            if (name == h) {
                append_part(shape.key, name);
                append_part(shape.key, value);
            }
        }
    }
    shape.key += '|';
    for (std::size_t i = 0; i < r.query.size(); ++i) {
        const auto& [name, value] = r.query[i];
        append_part(shape.key, name);
        const std::size_t prefix = name == "select" ? 0 : variable_prefix(value);
        if (prefix == 0) {
            append_part(shape.key, value);
            continue;
        }
        append_part(shape.key, std::string_view(value).substr(0, prefix));
        shape.key += '?';
        shape.values.push_back({i, prefix});
    }
    return shape;
}

std::string sentinel(std::size_t i) { return "\x02" "basalt-shape-value-" + std::to_string(i) + "\x02"; }

std::vector<std::pair<std::string, std::string>> with_sentinels(const http::Request& r, const Shape& shape) {
    auto query = r.query;
    for (std::size_t i = 0; i < shape.values.size(); ++i) {
        auto& value = query[shape.values[i].pair].second;
        value.resize(shape.values[i].offset);
        value += sentinel(i);
    }
    return query;
}

bool prove_slots(Compiled& real, const Statement& probe, std::size_t values) {
    const auto& a = real.stmt.params;
    const auto& b = probe.params;
    if (real.stmt.text != probe.text || a.size() != b.size()) return false;
    std::vector<std::size_t> slots(values, a.size());
    for (std::size_t j = 0; j < b.size(); ++j) {
        std::optional<std::size_t> which;
        for (std::size_t i = 0; i < values && b[j]; ++i) {
            if (*b[j] == sentinel(i)) which = i;
        }
        if (!which) {
            if (a[j] != b[j]) return false;  // some other parameter depends on a value
            continue;
        }
        if (slots[*which] != a.size()) return false;  // the same value twice
        slots[*which] = j;
    }
    for (std::size_t s : slots) {
        if (s == a.size()) return false;  // a value that became no parameter of its own
    }
    real.slots = std::move(slots);
    return true;
}

CompiledPtr ShapeCache::find(const std::string& key, const meta::SnapshotPtr& snapshot) {
    if (snapshot.get() != snapshot_) {
        // Schema reloaded: every entry is stale (and keeps the old snapshot alive).
        index_.clear();
        lru_.clear();
        snapshot_ = snapshot.get();
        return nullptr;
    }
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->compiled;
}

void ShapeCache::put(std::string key, CompiledPtr compiled) {
    if (compiled->snapshot.get() != snapshot_ || index_.contains(key)) return;
    if (lru_.size() >= kCapacity) {
        index_.erase(lru_.back().key);
        lru_.pop_back();
    }
    lru_.push_front(Entry{std::move(key), std::move(compiled)});
    index_.emplace(lru_.front().key, lru_.begin());
}

ShapeCache& ShapeCache::local() {
    thread_local ShapeCache cache;
    return cache;
}

}  // namespace basalt::rest::detail
