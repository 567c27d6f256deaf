// bcrypt hashing/verification (published crypt_blowfish vectors for $2a$/$2b$/$2y$), the
// password policy, and the hashing worker pool resuming on the caller's executor.
#include "auth/password.hpp"

#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "common/json.hpp"

namespace basalt::auth {
namespace {

struct Vector {
    const char* hash;
    const char* password;
};

// From Openwall's crypt_blowfish test suite (also in libxcrypt's tests).
const Vector kVectors[] = {
    {"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"},
    {"$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK", "U*U*"},
    {"$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a", "U*U*U"},
    {"$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui",
     "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored"},
    {"$2b$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e", "\xff\xff\xa3"},
    {"$2y$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e", "\xff\xff\xa3"},
};

TEST(Password, VerifiesPublishedVectors) {
    for (const auto& v : kVectors) {
        EXPECT_TRUE(verify_password(v.password, v.hash)) << v.hash;
        EXPECT_FALSE(verify_password("x" + std::string(v.password), v.hash)) << v.hash;
    }
}

TEST(Password, SupabaseStyle2aHashesVerifyAs2b2y) {
    // Supabase (GoTrue, Go's bcrypt) writes $2a$; the same digest under $2b$/$2y$ is the
    // same password for ASCII input.
    const std::string h = hash_password("correct horse", 4);
    ASSERT_TRUE(h.starts_with("$2b$04$"));
    for (const char* prefix : {"$2a$", "$2y$"}) {
        std::string other = prefix + h.substr(4);
        EXPECT_TRUE(verify_password("correct horse", other)) << other;
        EXPECT_FALSE(verify_password("correct horsE", other));
    }
}

TEST(Password, HashesWithConfiguredCostAndFreshSalt) {
    const std::string a = hash_password("secret", 6), b = hash_password("secret", 6);
    EXPECT_TRUE(a.starts_with("$2b$06$"));
    EXPECT_EQ(a.size(), 60u);
    EXPECT_NE(a, b);
    EXPECT_TRUE(verify_password("secret", a));
    EXPECT_TRUE(verify_password("secret", b));
}

TEST(Password, RejectsMalformedHashesAndNulBytes) {
    EXPECT_FALSE(verify_password("x", ""));
    EXPECT_FALSE(verify_password("x", "plaintext"));
    EXPECT_FALSE(verify_password("x", "$1$abcdefgh$abcdefghijklmnopqrstuv"));  // md5-crypt: never accepted
    EXPECT_FALSE(verify_password("x", "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
    const std::string h = hash_password("abc", 4);
    EXPECT_FALSE(verify_password(std::string("abc\0def", 7), h));
}

TEST(PasswordPolicy, LengthAndCharacterClasses) {
    auto p = PasswordPolicy::from(8, {"lower", "upper", "digit", "symbol"});
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(weak_password_reasons(*p, "short"), (std::vector<std::string>{"length", "characters"}));
    EXPECT_EQ(weak_password_reasons(*p, "longenough"), (std::vector<std::string>{"characters"}));
    EXPECT_TRUE(weak_password_reasons(*p, "Long3nough!").empty());
    // Code points, not bytes: six accented letters are six characters.
    auto six = PasswordPolicy::from(6, {});
    EXPECT_TRUE(weak_password_reasons(*six, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9").empty());
    EXPECT_FALSE(PasswordPolicy::from(6, {"emoji"}).ok());
}

TEST(PasswordPolicy, CheckGivesGoTrueErrors) {
    auto p = PasswordPolicy::from(6, {"digit"});
    auto weak = check_password(*p, "abc");
    ASSERT_FALSE(weak.ok());
    EXPECT_EQ(weak.error().status, 422);
    EXPECT_EQ(weak.error().code, "weak_password");
    EXPECT_EQ(weak.error().details["reasons"], (Json{"length", "characters"}));
    EXPECT_NE(weak.error().message.find("at least 6"), std::string::npos);
    auto too_long = check_password(*p, std::string(73, 'a') + "1");
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error().code, "validation_failed");
    EXPECT_TRUE(check_password(*p, "abcdef1").ok());
}

TEST(PasswordHasher, RunsOffTheCallingThreadAndResumesOnIt) {
    PasswordHasher hasher(4, 2);
    boost::asio::io_context io;
    const auto io_thread = std::this_thread::get_id();
    auto task = [&]() -> boost::asio::awaitable<bool> {
        std::string h = co_await hasher.hash("pw");
        EXPECT_EQ(std::this_thread::get_id(), io_thread);
        bool ok = co_await hasher.verify("pw", h);
        bool bad = co_await hasher.verify("nope", h);
        bool dummy = co_await hasher.verify_dummy("pw");
        EXPECT_EQ(std::this_thread::get_id(), io_thread);
        co_return ok && !bad && !dummy;
    };
    auto result = boost::asio::co_spawn(io, task(), boost::asio::use_future);
    io.run();
    EXPECT_TRUE(result.get());
}

}  // namespace
}  // namespace basalt::auth
