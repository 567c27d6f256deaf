// Refresh-token grant: rotation, retries inside the reuse interval, reuse detection revoking
// the session, concurrent refreshes, session lifetime limits, imported unhashed tokens.
#include <future>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "auth/auth_fixture.hpp"
#include "auth/tokens.hpp"

namespace basalt::test {
namespace {

TEST_F(AuthTest, RefreshRotatesAndRetryGetsTheSamePair) {
    start();
    auto s = signup("r@example.com");
    ASSERT_EQ(s.status, 200);
    const std::string first = s.body["refresh_token"];
    auto r1 = refresh(first);
    ASSERT_EQ(r1.status, 200) << r1.body;
    const std::string second = r1.body["refresh_token"];
    EXPECT_NE(second, first);
    EXPECT_EQ(r1.body["user"]["email"], "r@example.com");
    auto c1 = jwt::verify_hs256(r1.body["access_token"].get<std::string>(), kAuthSecret);
    auto c0 = jwt::verify_hs256(s.body["access_token"].get<std::string>(), kAuthSecret);
    EXPECT_EQ((*c1)["session_id"], (*c0)["session_id"]);
    // The client lost the response and retries with the old token: same new refresh token.
    auto retry = refresh(first);
    ASSERT_EQ(retry.status, 200) << retry.body;
    EXPECT_EQ(retry.body["refresh_token"], second);
    // The chain continues.
    auto r2 = refresh(second);
    ASSERT_EQ(r2.status, 200);
    EXPECT_NE(r2.body["refresh_token"], second);
    EXPECT_EQ(sql("select count(*) from auth.refresh_tokens where revoked is not true").get(0, 0), "1");
}

TEST_F(AuthTest, ReuseAfterGraceRevokesTheSession) {
    settings_.refresh_token_reuse_interval_seconds = 0;
    start();
    auto s = signup("theft@example.com");
    const std::string stolen = s.body["refresh_token"];
    auto r1 = refresh(stolen);
    ASSERT_EQ(r1.status, 200);
    sql("update auth.refresh_tokens set updated_at = now() - interval '5 seconds' where revoked");
    auto reuse = refresh(stolen);
    EXPECT_EQ(reuse.status, 400);
    EXPECT_EQ(reuse.body["code"], "refresh_token_already_used");
    // The whole session is gone: the legitimate holder's new token and access token die too.
    EXPECT_EQ(refresh(r1.body["refresh_token"]).body["code"], "refresh_token_not_found");
    auto me = get_user(r1.body["access_token"]);
    EXPECT_EQ(me.status, 403);
    EXPECT_EQ(me.body["code"], "session_not_found");
    EXPECT_EQ(sql("select count(*) from auth.audit_log_entries where payload->>'action' = 'token_revoked'").get(0, 0), "1");
}

// A refresh through the router as a coroutine of its own, so several can be in flight at once.
boost::asio::awaitable<Json> refresh_in_flight(http::Router& router, std::string token) {
    http::Request req;
    req.method = "POST";
    req.path = "/auth/v1/token";
    req.query = {{"grant_type", "refresh_token"}};
    req.body = Json{{"refresh_token", token}}.dump();
    req.client_ip = "127.0.0.1";
    auto match = router.match("POST", "/auth/v1/token");
    http::Response res = co_await (*match.handler)(req);
    co_return Json{{"status", res.status}, {"body", Json::parse(res.body)}};
}

// All of `tokens` refreshed at once on `io`, replies in the same order.
std::vector<Json> refresh_together(boost::asio::io_context& io, http::Router& router,
                                   const std::vector<std::string>& tokens) {
    std::vector<std::future<Json>> replies;
    for (const auto& t : tokens)
        replies.push_back(boost::asio::co_spawn(io, refresh_in_flight(router, t), boost::asio::use_future));
    run_until(io, [&] {
        for (auto& r : replies)
            if (r.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
        return true;
    }, std::chrono::seconds(20));
    std::vector<Json> out;
    for (auto& r : replies) out.push_back(r.get());
    return out;
}

TEST_F(AuthTest, ConcurrentRefreshesBothSucceedWithOnePair) {
    start();
    auto s = signup("race@example.com");
    const std::string token = s.body["refresh_token"];
    // Two requests in flight at once on the event loop (two tabs refreshing together).
    const std::vector<Json> out = refresh_together(io_, *router_, {token, token});
    const Json& ra = out[0];
    const Json& rb = out[1];
    ASSERT_EQ(ra["status"], 200) << ra;
    ASSERT_EQ(rb["status"], 200) << rb;
    EXPECT_EQ(ra["body"]["refresh_token"], rb["body"]["refresh_token"]);
    EXPECT_EQ(sql("select count(*) from auth.refresh_tokens").get(0, 0), "2");
}

TEST_F(AuthTest, ConcurrentRefreshesOfManySessionsShareStatements) {
    start();
    std::vector<std::string> tokens;
    for (int i = 0; i < 10; ++i) tokens.push_back(signup("many" + std::to_string(i) + "@example.com").body["refresh_token"]);
    auto earlier = refresh(tokens[9]);  // tokens[9] is now a rotated token, still in its reuse interval
    ASSERT_EQ(earlier.status, 200);
    // More requests at once than run alone, so the rest share statements: every session's
    // token, the same token twice, the rotated token, and an unknown one.
    std::vector<std::string> presented = tokens;
    presented.push_back(tokens[0]);
    presented.push_back("no-such-token");
    const std::vector<Json> out = refresh_together(io_, *router_, presented);
    for (int i = 0; i < 9; ++i) {
        ASSERT_EQ(out[i]["status"], 200) << out[i];
        EXPECT_NE(out[i]["body"]["refresh_token"], tokens[i]);
        EXPECT_EQ(out[i]["body"]["user"]["email"], "many" + std::to_string(i) + "@example.com");
    }
    ASSERT_EQ(out[10]["status"], 200) << out[10];
    EXPECT_EQ(out[10]["body"]["refresh_token"], out[0]["body"]["refresh_token"]);
    ASSERT_EQ(out[9]["status"], 200) << out[9];
    EXPECT_EQ(out[9]["body"]["refresh_token"], earlier.body["refresh_token"]);
    EXPECT_EQ(out[11]["body"]["code"], "refresh_token_not_found");
    // One live token per session, and one token_refreshed audit row per rotation.
    EXPECT_EQ(sql("select count(*) from auth.refresh_tokens where revoked is not true").get(0, 0), "10");
    EXPECT_EQ(sql("select count(*) from auth.audit_log_entries where payload->>'action' = 'token_refreshed' "
                  "and payload->>'log_type' = 'token' and ip_address = '127.0.0.1'").get(0, 0),
              "10");
    // Rotations that shared a statement share its transaction's timestamp.
    EXPECT_LT(std::stoi(std::string(sql("select count(distinct created_at) from auth.audit_log_entries "
                                        "where payload->>'action' = 'token_refreshed'").get(0, 0))),
              10);
}

TEST_F(AuthTest, ABatchThatFailsIsRetriedOneRotationAtATime) {
    start();
    std::vector<std::string> tokens;
    for (int i = 0; i < 6; ++i) tokens.push_back(signup("poison" + std::to_string(i) + "@example.com").body["refresh_token"]);
    // tokens[0]'s successor already exists, so rotating it violates the unique token index
    // and fails whatever statement it is part of.
    const std::string taken = auth::hash_refresh_token(auth::child_refresh_token(kAuthSecret, tokens[0]));
    sql("insert into auth.refresh_tokens (token, session_id, revoked) select $1, session_id, true "
        "from auth.refresh_tokens limit 1", {taken});
    // The first four run alone; tokens[5] and tokens[0] then share a batch, which fails.
    const std::vector<Json> out =
        refresh_together(io_, *router_, {tokens[1], tokens[2], tokens[3], tokens[4], tokens[5], tokens[0]});
    for (int i = 0; i < 5; ++i) EXPECT_EQ(out[i]["status"], 200) << out[i];
    EXPECT_NE(out[5]["status"], 200) << out[5];
    // Only the five rotations that succeeded left a trace.
    EXPECT_EQ(sql("select count(*) from auth.audit_log_entries where payload->>'action' = 'token_refreshed'").get(0, 0),
              "5");
    EXPECT_EQ(sql("select count(*) from auth.refresh_tokens where revoked is not true").get(0, 0), "6");
}

TEST_F(AuthTest, UnknownAndMissingRefreshTokens) {
    start();
    EXPECT_EQ(refresh("does-not-exist").body["code"], "refresh_token_not_found");
    EXPECT_EQ(refresh(std::string(64, 'a')).body["code"], "refresh_token_not_found");
    // A stored hash presented as a token never matches (only its preimage does).
    auto s = signup("hash@example.com");
    std::string stored(sql("select token from auth.refresh_tokens").get(0, 0));
    EXPECT_EQ(refresh(stored).body["code"], "refresh_token_not_found");
    auto missing = call("POST", "/auth/v1/token?grant_type=refresh_token", Json::object(), {bearer(anon_key())});
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(call("POST", "/auth/v1/token?grant_type=magic", Json::object(), {bearer(anon_key())}).status, 400);
}

TEST_F(AuthTest, SessionLifetimeLimits) {
    settings_.sessions_timebox_seconds = 3600;
    settings_.sessions_inactivity_timeout_seconds = 600;
    start();
    auto a = signup("life@example.com");
    auto r = refresh(a.body["refresh_token"]);
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(sql("select not_after from auth.sessions").is_null(0, 0));
    sql("update auth.sessions set refreshed_at = (now() at time zone 'UTC') - interval '20 minutes'");
    auto idle = refresh(r.body["refresh_token"]);
    EXPECT_EQ(idle.status, 400);
    EXPECT_EQ(idle.body["code"], "session_expired");
    EXPECT_EQ(sql("select count(*) from auth.sessions").get(0, 0), "0");

    auto b = login({{"email", "life@example.com"}, {"password", "password1"}});
    sql("update auth.sessions set created_at = now() - interval '2 hours', not_after = now() - interval '1 hour'");
    EXPECT_EQ(refresh(b.body["refresh_token"]).body["code"], "session_expired");
}

TEST_F(AuthTest, BannedUserCannotRefresh) {
    start();
    auto a = signup("ban@example.com");
    sql("update auth.users set banned_until = now() + interval '1 day'");
    auto r = refresh(a.body["refresh_token"]);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body["code"], "user_banned");
    EXPECT_EQ(login({{"email", "ban@example.com"}, {"password", "password1"}}).body["code"], "user_banned");
}

TEST_F(AuthTest, ImportedUnhashedRefreshTokenStillWorks) {
    start();
    auto a = signup("import@example.com");
    // As a pg_dump from Supabase would hold it: the token in clear.
    sql("update auth.refresh_tokens set token = 'gotrue12char'");
    auto r = refresh("gotrue12char");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(refresh(r.body["refresh_token"]).status, 200);
}

}  // namespace
}  // namespace basalt::test
