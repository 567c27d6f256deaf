// bcrypt via libxcrypt, the password policy, and the hashing worker pool.
#include "auth/password.hpp"

#include <crypt.h>

#include <cstring>
#include <stdexcept>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/crypto.hpp"
#include "common/json.hpp"

namespace basalt::auth {

namespace {

// crypt_data is ~32 KiB; one per worker thread avoids a large allocation per hash.
crypt_data& thread_crypt_data() {
    thread_local auto data = std::make_unique<crypt_data>();
    return *data;
}

bool is_bcrypt(std::string_view hash) {
    return hash.size() == 60 &&
           (hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"));
}

}  // namespace

std::string hash_password(std::string_view password, int cost) {
    const std::string random = crypto::random_bytes(16);
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), random.data(), int(random.size()),
                          setting, sizeof setting))
        throw std::runtime_error("crypt_gensalt_rn failed");
    const std::string phrase(password);  // crypt needs a NUL-terminated phrase
    crypt_data& data = thread_crypt_data();
    std::memset(&data, 0, sizeof data);
    const char* out = crypt_rn(phrase.c_str(), setting, &data, sizeof data);
    if (out == nullptr || out[0] == '*') throw std::runtime_error("crypt_rn failed");
    return out;
}

bool verify_password(std::string_view password, std::string_view hash) {
    // Embedded NULs would silently truncate the phrase; such passwords are never accepted at
    // sign-up, so nothing legitimate can match one.
    if (!is_bcrypt(hash) || password.find('\0') != std::string_view::npos) return false;
    const std::string phrase(password);
    const std::string setting(hash);
    crypt_data& data = thread_crypt_data();
    std::memset(&data, 0, sizeof data);
    const char* out = crypt_rn(phrase.c_str(), setting.c_str(), &data, sizeof data);
    if (out == nullptr || out[0] == '*') return false;
    return crypto::constant_time_equal(out, hash);
}

Result<PasswordPolicy> PasswordPolicy::from(std::int64_t min_length,
                                            const std::vector<std::string>& classes) {
    PasswordPolicy p;
    p.min_length = static_cast<std::size_t>(min_length < 1 ? 1 : min_length);
    for (const auto& c : classes) {
        if (c == "lower") p.need_lower = true;
        else if (c == "upper") p.need_upper = true;
        else if (c == "digit") p.need_digit = true;
        else if (c == "symbol") p.need_symbol = true;
        else
            return Error::bad_request("config.invalid",
                                      "auth.password.required_characters: unknown class \"" + c +
                                          "\" (use lower, upper, digit, symbol)");
    }
    return p;
}

std::vector<std::string> weak_password_reasons(const PasswordPolicy& policy, std::string_view password) {
    std::vector<std::string> reasons;
    // Length in code points, not bytes, so non-ASCII passwords are not penalised.
    std::size_t chars = 0;
    for (unsigned char c : password)
        if ((c & 0xC0) != 0x80) ++chars;
    if (chars < policy.min_length) reasons.emplace_back("length");
    bool lower = false, upper = false, digit = false, symbol = false;
    for (unsigned char c : password) {
        if (c >= 'a' && c <= 'z') lower = true;
        else if (c >= 'A' && c <= 'Z') upper = true;
        else if (c >= '0' && c <= '9') digit = true;
        else symbol = true;
    }
    if ((policy.need_lower && !lower) || (policy.need_upper && !upper) ||
        (policy.need_digit && !digit) || (policy.need_symbol && !symbol))
        reasons.emplace_back("characters");
    return reasons;
}

Result<void> check_password(const PasswordPolicy& policy, std::string_view password) {
    if (password.find('\0') != std::string_view::npos) {
        Error e = Error::bad_request("validation_failed", "Password contains an invalid character");
        e.status = 422;
        return e;
    }
    if (password.size() > 72) {  // bcrypt ignores everything after 72 bytes
        Error e = Error::bad_request("validation_failed", "Password cannot be longer than 72 characters");
        e.status = 422;
        return e;
    }
    auto reasons = weak_password_reasons(policy, password);
    if (reasons.empty()) return {};
    std::string message;
    for (const auto& r : reasons) {
        if (!message.empty()) message += " ";
        if (r == "length")
            message += "Password should be at least " + std::to_string(policy.min_length) + " characters.";
        else {
            std::string need;
            auto add = [&](bool on, const char* what) {
                if (on) need += std::string(need.empty() ? "" : ", ") + what;
            };
            add(policy.need_lower, "a lowercase letter");
            add(policy.need_upper, "an uppercase letter");
            add(policy.need_digit, "a digit");
            add(policy.need_symbol, "a symbol");
            message += "Password should contain " + need + ".";
        }
    }
    Error e = Error::bad_request("weak_password", message);
    e.status = 422;
    e.details = Json{{"reasons", reasons}};
    return e;
}

PasswordHasher::PasswordHasher(int cost, std::size_t threads)
    : cost_(cost),
      pool_(threads ? threads : std::max(1u, std::thread::hardware_concurrency())) {
    dummy_hash_ = hash_password(crypto::random_token(24), cost_);
}

PasswordHasher::~PasswordHasher() {
    pool_.stop();
    pool_.join();
}

namespace {
// Plain coroutine functions, not capturing lambdas: GCC 12 mis-handles the lifetime of a
// coroutine lambda's captures when co_spawn moves the lambda (double free seen on signup).
boost::asio::awaitable<std::string> hash_on_pool(std::string password, int cost) {
    co_return hash_password(password, cost);
}
boost::asio::awaitable<bool> verify_on_pool(std::string password, std::string hash) {
    co_return verify_password(password, hash);
}
}  // namespace

boost::asio::awaitable<std::string> PasswordHasher::hash(std::string password) {
    co_return co_await boost::asio::co_spawn(pool_, hash_on_pool(std::move(password), cost_),
                                             boost::asio::use_awaitable);
}

boost::asio::awaitable<bool> PasswordHasher::verify(std::string password, std::string hash) {
    co_return co_await boost::asio::co_spawn(pool_, verify_on_pool(std::move(password), std::move(hash)),
                                             boost::asio::use_awaitable);
}

boost::asio::awaitable<bool> PasswordHasher::verify_dummy(std::string password) {
    co_await verify(std::move(password), dummy_hash_);
    co_return false;
}

}  // namespace basalt::auth
