// A small cache of verified token -> claims. A client presents the same access token on every
// request for up to an hour, and parsing the claims JSON is most of a verification's cost, so
// repeat presentations skip signature and parse. Keyed by the whole token (a forged payload
// with a reused signature is a different key); exp/nbf are re-checked on every hit; only
// successfully verified tokens are ever stored. Bounded: a full shard is emptied, never grown.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/json.hpp"

namespace basalt::auth {

class ClaimsCache {
public:
    static constexpr std::size_t kShards = 16;
    static constexpr std::size_t kPerShard = 128;  // 2048 tokens, a few MB at most

    // The cached claims when `token` was verified before and is still within exp/nbf at `now`
    // (leeway as in the verifier).
    std::optional<Json> get(std::string_view token, std::int64_t now, std::int64_t leeway);
    void put(std::string_view token, const Json& claims);
    [[nodiscard]] std::size_t size() const;

private:
    struct Entry {
        Json claims;
        double exp = 0;
        double nbf = 0;
    };
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    struct Shard {
        mutable std::mutex mutex;
        std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries;
    };
    Shard& shard_for(std::string_view token);
    std::array<Shard, kShards> shards_;
};

}  // namespace basalt::auth
