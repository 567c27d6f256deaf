// Password hashing (bcrypt through libxcrypt's crypt_rn) and the password policy. Hashing is
// CPU-bound by design, so PasswordHasher runs it on its own worker threads, never on I/O threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "common/error.hpp"

namespace basalt::auth {

// Blocking primitives (call them from the worker pool, or from tests and benchmarks).
// hash_password produces "$2b$<cost>$..." with a fresh random salt.
std::string hash_password(std::string_view password, int cost);
// Accepts bcrypt hashes with prefixes $2a$, $2b$, $2y$ (users imported from Supabase keep
// their passwords). Malformed or unsupported hashes verify as false. Constant-time compare.
bool verify_password(std::string_view password, std::string_view hash);

struct PasswordPolicy {
    std::size_t min_length = 6;
    bool need_lower = false, need_upper = false, need_digit = false, need_symbol = false;

    // Builds from settings' class names; unknown names are a configuration error.
    static Result<PasswordPolicy> from(std::int64_t min_length, const std::vector<std::string>& classes);
};

// Empty when the password is acceptable; otherwise the reasons GoTrue reports in
// weak_password.reasons ("length", "characters").
std::vector<std::string> weak_password_reasons(const PasswordPolicy& policy, std::string_view password);

// The 422 weak_password error (details carry {"reasons": [...]}) or a 422 validation error
// for passwords bcrypt cannot represent (over 72 bytes).
Result<void> check_password(const PasswordPolicy& policy, std::string_view password);

// Worker pool for bcrypt. The awaitables resume on the caller's executor.
class PasswordHasher {
public:
    PasswordHasher(int cost, std::size_t threads);
    ~PasswordHasher();
    PasswordHasher(const PasswordHasher&) = delete;
    PasswordHasher& operator=(const PasswordHasher&) = delete;

    boost::asio::awaitable<std::string> hash(std::string password);
    boost::asio::awaitable<bool> verify(std::string password, std::string hash);
    // Verifies against a fixed dummy hash of the same cost and returns false, so a sign-in
    // for an unknown account costs the same time as one with a wrong password.
    boost::asio::awaitable<bool> verify_dummy(std::string password);

    [[nodiscard]] int cost() const { return cost_; }

private:
    int cost_;
    std::string dummy_hash_;
    boost::asio::thread_pool pool_;
};

}  // namespace basalt::auth
