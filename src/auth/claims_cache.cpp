// Sharded, bounded verified-claims cache.
#include "auth/claims_cache.hpp"

namespace basalt::auth {

ClaimsCache::Shard& ClaimsCache::shard_for(std::string_view token) {
    // The signature (last bytes) is uniformly random: a cheap, well-spread shard index.
    const unsigned char c = token.empty() ? 0 : static_cast<unsigned char>(token.back());
    const unsigned char d = token.size() < 2 ? 0 : static_cast<unsigned char>(token[token.size() - 2]);
    return shards_[(c ^ (d << 3)) % kShards];
}

std::optional<Json> ClaimsCache::get(std::string_view token, std::int64_t now, std::int64_t leeway) {
    Shard& shard = shard_for(token);
    std::lock_guard lock(shard.mutex);
    auto it = shard.entries.find(token);
    if (it == shard.entries.end()) return std::nullopt;
    const Entry& e = it->second;
    if (e.exp + double(leeway) < double(now)) {
        shard.entries.erase(it);  // expired: the caller's full verification reports why
        return std::nullopt;
    }
    if (e.nbf > double(now + leeway)) return std::nullopt;
    return e.claims;
}

void ClaimsCache::put(std::string_view token, const Json& claims) {
    Entry e;
    auto exp = claims.find("exp");
    if (exp == claims.end() || !exp->is_number()) return;  // never cache what lacks an expiry
    e.exp = exp->get<double>();
    auto nbf = claims.find("nbf");
    if (nbf != claims.end() && nbf->is_number()) e.nbf = nbf->get<double>();
    e.claims = claims;
    Shard& shard = shard_for(token);
    std::lock_guard lock(shard.mutex);
    if (shard.entries.size() >= kPerShard) shard.entries.clear();
    shard.entries.insert_or_assign(std::string(token), std::move(e));
}

std::size_t ClaimsCache::size() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mutex);
        n += s.entries.size();
    }
    return n;
}

}  // namespace basalt::auth
