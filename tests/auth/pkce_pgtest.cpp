// The PKCE flow on a real database: a request with a code_challenge (otp, signup, recover,
// resend, PUT /user) stores a flow with its link; opening the link redirects with ?code=; the
// pkce grant trades code + verifier for a session once; wrong verifier, reuse, expiry, a link
// without its flow, bad challenges, and the cleanup job.
#include <gtest/gtest.h>

#include <regex>

#include "auth/auth_fixture.hpp"
#include "auth/code_janitor.hpp"

namespace basalt::test {
namespace {

// RFC 7636 Appendix B.
const std::string kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const std::string kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

class PkceTest : public AuthTest {
protected:
    void SetUp() override {
        AuthTest::SetUp();
        if (IsSkipped()) return;
        options_.smtp.host = "smtp.invalid";  // confirmations required; nothing is delivered here
        settings_.site_url = "http://app.test";
        settings_.redirect_urls = {"myapp://auth/**"};
        settings_.otp_email_send_interval_seconds = 0;
    }
    static Json pkce(Json body) {
        body["code_challenge"] = kChallenge;
        body["code_challenge_method"] = "s256";
        return body;
    }
    Reply post(const std::string& path, const Json& body, const std::string& token = "") {
        return call("POST", path, body, {bearer(token.empty() ? anon_key() : token)});
    }
    Reply exchange(const std::string& code, const std::string& verifier = kVerifier) {
        return post("/auth/v1/token?grant_type=pkce", Json{{"auth_code", code}, {"code_verifier", verifier}});
    }
    // The link in the newest outbox message to `to`, as the fixture's router takes it.
    std::string link_to(const std::string& to) {
        auto rows = sql("SELECT text_body FROM basalt.outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1", {to});
        if (rows.empty()) return "";
        std::smatch m;
        const std::string text(rows.get(0, 0));
        if (!std::regex_search(text, m, std::regex(R"(http://localhost:8080(/auth/v1/verify\?\S+))"))) return "";
        return m[1];
    }
    static std::string location(const Reply& r) { return std::string(r.headers.get("location").value_or("")); }
    // Opens a link and returns the ?code= it redirected with ("" if none).
    std::string open(const std::string& link, const std::string& expected_start) {
        auto r = call("GET", link);
        EXPECT_EQ(r.status, 303);
        const std::string to = location(r);
        EXPECT_EQ(to.rfind(expected_start, 0), 0u) << to;
        auto at = to.find("code=");
        return at == std::string::npos ? "" : to.substr(at + 5);
    }
};

TEST_F(PkceTest, MagicLinkGivesACodeThatTheVerifierTradesForASessionOnce) {
    start();
    ASSERT_EQ(post("/auth/v1/otp?redirect_to=myapp%3A%2F%2Fauth%2Fcb", pkce({{"email", "p@example.com"}})).status, 200);
    auto flows = sql("SELECT code_challenge, code_challenge_method::text, authentication_method, auth_code_issued_at IS NULL, "
                     "provider_type FROM auth.flow_state");
    ASSERT_EQ(flows.size(), 1);
    EXPECT_EQ(flows.get(0, 0), kChallenge);
    EXPECT_EQ(flows.get(0, 1), "s256");
    EXPECT_EQ(flows.get(0, 2), "magiclink");
    EXPECT_EQ(flows.get(0, 3), "t");
    const std::string link = link_to("p@example.com");
    EXPECT_NE(link.find("token=pkce_"), std::string::npos) << link;

    const std::string code = open(link, "myapp://auth/cb?code=");
    ASSERT_EQ(code.size(), 64u);
    const std::string spent = location(call("GET", link));
    EXPECT_EQ(spent.rfind("myapp://auth/cb?error=access_denied&error_code=otp_expired&", 0), 0u) << spent;
    // Only the code's hash is stored.
    EXPECT_EQ(sql("SELECT count(*) FROM auth.flow_state WHERE auth_code = $1", {code}).get(0, 0), "0");

    auto wrong = exchange(code, kVerifier + "x");
    EXPECT_EQ(wrong.status, 400);
    EXPECT_EQ(wrong.body["code"], "bad_code_verifier");
    auto s = exchange(code);
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_EQ(s.body["user"]["email"], "p@example.com");
    EXPECT_FALSE(s.body["user"]["email_confirmed_at"].is_null());
    EXPECT_EQ(get_user(s.body["access_token"]).status, 200);
    EXPECT_EQ(refresh(s.body["refresh_token"]).status, 200);

    auto again = exchange(code);
    EXPECT_EQ(again.status, 404);
    EXPECT_EQ(again.body["code"], "flow_state_not_found");
    EXPECT_EQ(exchange("").body["code"], "validation_failed");
    EXPECT_EQ(sql("SELECT count(*) FROM auth.flow_state").get(0, 0), "0");
}

TEST_F(PkceTest, ExpiredCodesAndMissingFlows) {
    settings_.flow_state_expiry_seconds = 60;
    start();
    ASSERT_EQ(post("/auth/v1/otp", pkce({{"email", "e@example.com"}})).status, 200);
    const std::string code = open(link_to("e@example.com"), "http://app.test?code=");
    auto issued = sql("SELECT extract(epoch FROM expires_at - auth_code_issued_at)::int FROM auth.flow_state");
    EXPECT_EQ(issued.get(0, 0), "60");
    sql("UPDATE auth.flow_state SET expires_at = now() - interval '1 second'");
    auto expired = exchange(code);
    EXPECT_EQ(expired.status, 422);
    EXPECT_EQ(expired.body["code"], "flow_state_expired");
    EXPECT_EQ(exchange(code).body["code"], "flow_state_not_found");

    // A PKCE link whose flow is gone: an error for the app, in the query and the fragment,
    // and the link is not consumed.
    ASSERT_EQ(post("/auth/v1/otp", pkce({{"email", "e@example.com"}})).status, 200);
    const std::string link = link_to("e@example.com");
    sql("DELETE FROM auth.flow_state");
    auto r = call("GET", link);
    const std::string to = location(r);
    EXPECT_EQ(to.rfind("http://app.test?error=invalid_request&error_code=flow_state_not_found&", 0), 0u) << to;
    EXPECT_NE(to.find("#error=invalid_request&error_code=flow_state_not_found"), std::string::npos) << to;
    EXPECT_EQ(sql("SELECT count(*) FROM auth.one_time_codes").get(0, 0), "1");

    // Implicit and PKCE links side by side: the plain one still gets the fragment.
    ASSERT_EQ(post("/auth/v1/otp", Json{{"email", "i@example.com"}}).status, 200);
    EXPECT_NE(location(call("GET", link_to("i@example.com"))).find("#access_token="), std::string::npos);

    // The cleanup job deletes flows past their expiry.
    ASSERT_EQ(post("/auth/v1/otp", pkce({{"email", "j@example.com"}})).status, 200);
    sql("UPDATE auth.flow_state SET expires_at = now() - interval '1 second'");
    auth::CodeJanitor janitor({.conninfo = conninfo_, .interval = std::chrono::seconds(1), .keep_seconds = 3600});
    janitor.run_once();
    EXPECT_EQ(sql("SELECT count(*) FROM auth.flow_state").get(0, 0), "0");
}

TEST_F(PkceTest, SignupRecoveryResendAndEmailChange) {
    start();
    ASSERT_EQ(post("/auth/v1/signup", pkce({{"email", "s@example.com"}, {"password", "password1"}})).status, 200);
    EXPECT_EQ(sql("SELECT authentication_method FROM auth.flow_state").get(0, 0), "email/signup");
    // resend with its own challenge: a new link, its own flow.
    ASSERT_EQ(post("/auth/v1/resend", pkce({{"type", "signup"}, {"email", "s@example.com"}})).status, 200);
    EXPECT_EQ(sql("SELECT count(*) FROM auth.flow_state").get(0, 0), "2");
    auto s = exchange(open(link_to("s@example.com"), "http://app.test?code="));
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_FALSE(s.body["user"]["email_confirmed_at"].is_null());

    ASSERT_EQ(post("/auth/v1/recover", pkce({{"email", "s@example.com"}})).status, 200);
    auto r = exchange(open(link_to("s@example.com"), "http://app.test?code="));
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string access = r.body["access_token"];

    auto put = call("PUT", "/auth/v1/user", pkce({{"email", "s2@example.com"}}), {bearer(access)});
    ASSERT_EQ(put.status, 200) << put.body;
    EXPECT_EQ(put.body["new_email"], "s2@example.com");
    auto c = exchange(open(link_to("s2@example.com"), "http://app.test?code="));
    ASSERT_EQ(c.status, 200) << c.body;
    EXPECT_EQ(c.body["user"]["email"], "s2@example.com");
}

TEST_F(PkceTest, PlainMethodAndBadChallenges) {
    start();
    Json body{{"email", "q@example.com"}, {"code_challenge", kVerifier}, {"code_challenge_method", "plain"}};
    ASSERT_EQ(post("/auth/v1/otp", body).status, 200);
    const std::string code = open(link_to("q@example.com"), "http://app.test?code=");
    EXPECT_EQ(exchange(code, kChallenge).body["code"], "bad_code_verifier");
    EXPECT_EQ(exchange(code, kVerifier).status, 200);

    auto half = post("/auth/v1/otp", Json{{"email", "q@example.com"}, {"code_challenge", kChallenge}});
    EXPECT_EQ(half.status, 400);
    EXPECT_EQ(half.body["code"], "validation_failed");
    auto short_one = post("/auth/v1/recover", Json{{"email", "q@example.com"}, {"code_challenge", "abc"},
                                                    {"code_challenge_method", "s256"}});
    EXPECT_EQ(short_one.status, 400);
    // verifyOtp({token_hash}) of a PKCE link still answers with a session directly.
    ASSERT_EQ(post("/auth/v1/otp", pkce({{"email", "q@example.com"}})).status, 200);
    const std::string link = link_to("q@example.com");
    const std::string token = link.substr(link.find("token=") + 6, link.find('&') - link.find("token=") - 6);
    auto v = post("/auth/v1/verify", Json{{"token_hash", token}, {"type", "magiclink"}});
    EXPECT_EQ(v.status, 200) << v.body;
}

}  // namespace
}  // namespace basalt::test
