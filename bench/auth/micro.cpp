// bench/auth micro-benchmarks, built by run.sh against the module libraries:
//   micro bcrypt <threads> <seconds> <cost>   bare crypt_rn loop: hashes/s (the sign-in ceiling)
//   micro jwt <iterations>                     verification of a realistic access token, ns/op:
//                                              "<cold> <warm>" = full check / repeat presentation
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "auth/password.hpp"
#include "auth/signing_keys.hpp"
#include "auth/tokens.hpp"
#include "auth/verifier.hpp"
#include "common/jwt.hpp"

namespace {

using Clock = std::chrono::steady_clock;

int bcrypt_loop(int threads, double seconds, int cost) {
    // The same work a sign-in does: verify one password against one stored hash.
    const std::string hash = basalt::auth::hash_password("password1", cost);
    std::atomic<bool> stop{false};
    std::atomic<long> done{0};
    std::vector<std::thread> pool;
    const auto start = Clock::now();
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            while (!stop.load(std::memory_order_relaxed)) {
                if (!basalt::auth::verify_password("password1", hash)) std::abort();
                done.fetch_add(1, std::memory_order_relaxed);
            }
        });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : pool) t.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("%.1f\n", double(done.load()) / elapsed);
    return 0;
}

int jwt_loop(long iterations) {
    basalt::auth::Settings s;
    s.jwt_secret = "super-secret-jwt-token-with-at-least-32-characters-long";
    auto keys = *basalt::auth::SigningKeys::load(s);
    basalt::auth::Verifier verifier(keys);
    const basalt::Json user{{"id", "2b0f4c52-6d1e-4d0e-9f61-3c8b7ad1f7a1"},
                            {"role", "authenticated"},
                            {"email", "ada@example.com"},
                            {"phone", ""},
                            {"app_metadata", {{"provider", "email"}, {"providers", {"email"}}}},
                            {"user_metadata", {{"name", "Ada Lovelace"}}},
                            {"is_anonymous", false}};
    const std::string token = keys->sign(basalt::auth::build_claims(
        user, {.session_id = "11111111-2222-3333-4444-555555555555", .amr_timestamp = basalt::jwt::unix_now()},
        {.issuer = "http://127.0.0.1:8080/auth/v1", .now = basalt::jwt::unix_now(), .expiry_seconds = 3600}));
    long ok = 0;
    for (long i = 0; i < iterations / 10; ++i) ok += keys->verify_uncached(token).ok();  // warm-up
    auto start = Clock::now();
    for (long i = 0; i < iterations; ++i) ok += keys->verify_uncached(token).ok();
    const double cold = std::chrono::duration<double, std::nano>(Clock::now() - start).count() / double(iterations);
    start = Clock::now();
    for (long i = 0; i < iterations; ++i) ok += verifier.verify(token).ok();
    const double warm = std::chrono::duration<double, std::nano>(Clock::now() - start).count() / double(iterations);
    if (ok != 2 * iterations + iterations / 10) std::abort();
    std::printf("%.0f %.0f\n", cold, warm);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "bcrypt" && argc == 5) return bcrypt_loop(std::atoi(argv[2]), std::atof(argv[3]), std::atoi(argv[4]));
    if (mode == "jwt" && argc == 3) return jwt_loop(std::atol(argv[2]));
    std::fprintf(stderr, "usage: micro bcrypt <threads> <seconds> <cost> | micro jwt <iterations>\n");
    return 2;
}
