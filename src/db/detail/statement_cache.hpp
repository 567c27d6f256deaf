// Per-connection prepared-statement names keyed by SQL text, bounded with LRU eviction.
// Evicted names are queued so the connection can DEALLOCATE them after its next request.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace basalt::db::detail {

class StatementCache {
public:
    explicit StatementCache(std::size_t capacity = 256) : capacity_(capacity) {}

    struct Lookup {
        std::string name;   // "s<N>"
        bool needs_prepare; // true: send Prepare before Execute (entry is already inserted)
    };

    // Finds or reserves a name for sql; marks it most recently used.
    Lookup lookup(std::string_view sql) {
        if (auto it = map_.find(sql); it != map_.end()) {
            lru_.splice(lru_.begin(), lru_, it->second);
            return {it->second->name, false};
        }
        if (map_.size() >= capacity_) evict_oldest();
        lru_.push_front(Entry{std::string(sql), "s" + std::to_string(++counter_)});
        map_.emplace(lru_.front().sql, lru_.begin());
        return {lru_.front().name, true};
    }

    // The server does not have it (prepare failed, 26000): forget without DEALLOCATE.
    void forget(std::string_view sql) {
        auto it = map_.find(sql);
        if (it == map_.end()) return;
        lru_.erase(it->second);
        map_.erase(it);
    }

    // The server has it but it must not be used again (0A000 "cached plan must not change
    // result type"): forget it and DEALLOCATE it later.
    void discard(std::string_view sql) {
        auto it = map_.find(sql);
        if (it == map_.end()) return;
        to_deallocate_.push_back(it->second->name);
        lru_.erase(it->second);
        map_.erase(it);
    }

    void clear() {
        map_.clear();
        lru_.clear();
        to_deallocate_.clear();
    }

    // Names evicted since the last call; the caller DEALLOCATEs them.
    std::vector<std::string> take_evicted() { return std::exchange(to_deallocate_, {}); }
    [[nodiscard]] bool has_evicted() const { return !to_deallocate_.empty(); }
    [[nodiscard]] std::size_t size() const { return map_.size(); }

private:
    struct Entry {
        std::string sql;
        std::string name;
    };
    void evict_oldest() {
        auto& victim = lru_.back();
        to_deallocate_.push_back(victim.name);
        map_.erase(map_.find(std::string_view(victim.sql)));
        lru_.pop_back();
    }

    std::size_t capacity_;
    std::size_t counter_ = 0;
    // Transparent hash: lookups by string_view do not allocate on the hot path.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::list<Entry> lru_;
    std::unordered_map<std::string, std::list<Entry>::iterator, Hash, std::equal_to<>> map_;
    std::vector<std::string> to_deallocate_;
};

}  // namespace basalt::db::detail
