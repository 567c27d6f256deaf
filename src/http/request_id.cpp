// Request id validation and generation (thread-local PRNG: no lock, no syscall per request).
#include "http/request_id.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>

#include "common/crypto.hpp"

namespace basalt::http {

namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

std::uint64_t next_random() {
    thread_local std::uint64_t state = [] {
        std::uint64_t seed = 0;
        const std::string bytes = crypto::random_bytes(sizeof seed);
        std::memcpy(&seed, bytes.data(), sizeof seed);
        return seed;
    }();
    return splitmix64(state);
}

}  // namespace

bool is_valid_request_id(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    return std::all_of(id.begin(), id.end(), [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
               c == '_' || c == '-';
    });
}

std::string generate_request_id() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::uint64_t hi = next_random(), lo = next_random();
    // Version 4 / variant 1 bits, so the id parses as a UUID where tools expect one.
    hi = (hi & ~0xF000ull) | 0x4000ull;
    lo = (lo & ~(0xC000ull << 48)) | (0x8000ull << 48);
    std::string out(36, '-');
    std::size_t pos = 0;
    auto put = [&](std::uint64_t v, int nibbles) {
        for (int i = nibbles - 1; i >= 0; --i) {
            if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
            out[pos++] = kHex[(v >> (i * 4)) & 0xF];
        }
    };
    put(hi, 16);
    put(lo, 16);
    return out;
}

std::string request_id_for(std::optional<std::string_view> incoming) {
    if (incoming && is_valid_request_id(*incoming)) return std::string(*incoming);
    return generate_request_id();
}

}  // namespace basalt::http
