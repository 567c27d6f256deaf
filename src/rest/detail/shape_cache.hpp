// Compiled reads by request shape: parse -> plan -> to_sql is a pure function of the schema
// snapshot, the method, the resource, the query parameters and a few headers, and most of a
// primary-key read's CPU. Requests that differ only in the values of simple comparison filters
// (id=eq.42 vs id=eq.43) share one compiled statement; only the parameters change.
//
// Which values may vary is proven, not assumed: a shape is cached only after compiling it a
// second time with a unique sentinel in place of each such value gives the same SQL text, the
// same other parameters, and each sentinel exactly once as a whole parameter. Everything else
// in the request (select, order, other operators, Prefer, Accept...) is part of the key.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.hpp"
#include "meta/schema_snapshot.hpp"
#include "rest/parse/api_request.hpp"
#include "rest/plan/plan.hpp"
#include "rest/sql/statement.hpp"

namespace basalt::rest::detail {

// One compiled request. The plan points into the snapshot, which it keeps alive.
struct Compiled {
    meta::SnapshotPtr snapshot;
    ApiRequest req;
    Plan plan;
    Statement stmt;
    std::vector<std::size_t> slots;  // stmt.params index of each variable value, in query order
};
using CompiledPtr = std::shared_ptr<const Compiled>;

// A request's shape: the cache key and where its variable values are.
struct Shape {
    std::string key;
    struct Value {
        std::size_t pair;    // index in Request::query
        std::size_t offset;  // where the value starts in that pair's value
    };
    std::vector<Value> values;

    [[nodiscard]] std::string_view value(const http::Request& r, std::size_t i) const {
        return std::string_view(r.query[values[i].pair].second).substr(values[i].offset);
    }
};

// nullopt for requests that are never cached: other methods than GET/HEAD, a body, RPC.
std::optional<Shape> shape_of(const http::Request& r, std::string_view resource, bool rpc);

// The query parameters with each variable value replaced by its sentinel (for the proof).
std::vector<std::pair<std::string, std::string>> with_sentinels(const http::Request& r, const Shape& shape);
std::string sentinel(std::size_t i);

// Fills `slots` when `probe` (compiled with_sentinels) shows the values only ever become their
// own parameter; false when the shape must not be cached.
bool prove_slots(Compiled& real, const Statement& probe, std::size_t values);

// Per-thread LRU of compiled shapes; entries of an older snapshot are dropped on first sight.
class ShapeCache {
public:
    static constexpr std::size_t kCapacity = 512;

    // The entry for `key` when compiled against `snapshot`.
    CompiledPtr find(const std::string& key, const meta::SnapshotPtr& snapshot);
    void put(std::string key, CompiledPtr compiled);

    // The calling thread's cache.
    static ShapeCache& local();

private:
    struct Entry {
        std::string key;
        CompiledPtr compiled;
    };
    std::list<Entry> lru_;
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
    const meta::SchemaSnapshot* snapshot_ = nullptr;
};

}  // namespace basalt::rest::detail
