// Redeeming one-time codes: POST /verify (verifyOtp: a code with its email/phone, or a link's
// token_hash) answers with a session; GET /verify (the link in the email) redirects to the
// allowed redirect_to or the site URL with the session, or the error, in the URL fragment
// (compat reference §2.6); a PKCE flow's link (token "pkce_...") redirects with ?code= instead,
// for POST /token?grant_type=pkce (handle_pkce.cpp). A code is single use; each wrong code spends one attempt of every
// live code for that address, and at the limit the code (and its link) is dead.
#include "auth/errors.hpp"
#include "auth/service.hpp"
#include "auth/validation.hpp"
#include "common/log.hpp"

namespace basalt::auth {

namespace {

template <typename T>
T get(Result<T> r) {
    return std::move(r).unwrap();
}

// The same answer for a wrong, reused, expired, dead or unknown code (GoTrue's wording).
Error otp_expired() { return auth_error(403, "otp_expired", "Token has expired or is invalid"); }
Error link_expired() { return auth_error(403, "otp_expired", "Email link is invalid or has expired"); }

std::vector<std::string> purpose_names(const VerifyType& type) {
    std::vector<std::string> out;
    for (CodePurpose p : type.purposes) out.emplace_back(purpose_name(p));
    return out;
}

// What redeeming a code changes on its user: the address is confirmed (a code reached it), a
// change is applied, and an anonymous user gaining an address becomes a permanent one.
std::optional<UserChanges> changes_for(const CodeRow& row) {
    UserChanges c;
    c.actor_id = row.user_id;
    const bool sms = row.channel == "sms";
    if (row.purpose == "email_change") {
        c.email = row.recipient;
        c.email_confirmed = true;
    } else if (row.purpose == "phone_change") {
        c.phone = row.recipient;
        c.phone_confirmed = true;
    } else if (sms) {
        if (row.phone_confirmed) return std::nullopt;
        c.phone_confirmed = true;
    } else {
        if (row.email_confirmed) return std::nullopt;
        c.email_confirmed = true;
    }
    if (row.is_anonymous && (c.email || c.phone)) {
        const std::string provider = c.email ? "email" : "phone";
        c.make_permanent = true;
        c.app_metadata = Json{{"provider", provider}, {"providers", Json::array({provider})}};
    }
    return c;
}

// OAuth error names for the redirect's `error` (GoTrue's map).
std::string oauth_error(int status) {
    switch (status) {
        case 400: return "invalid_request";
        case 401: return "unauthorized_client";
        case 403: return "access_denied";
        case 429: return "temporarily_unavailable";
        default: return status >= 500 ? "server_error" : "invalid_request";
    }
}

http::Response see_other(const std::string& location) {
    http::Response res = http::Response::empty(303);
    res.headers.set("Location", location);
    res.headers.set("Cache-Control", "no-store");
    return res;
}

}  // namespace

Awaitable<std::string> AuthService::redeem(const VerifyType& type, const std::string& address,
                                           const std::string& secret, bool link, bool pkce) {
    auto tx = co_await store_.begin();
    std::optional<CodeRow> hit;
    if (link) {
        hit = co_await store_.lock_code_by_link(*tx, hash_link_token(secret), purpose_names(type),
                                                settings_.otp_max_attempts);
        if (!hit) throw ErrorException(otp_expired());
    } else {
        const std::string channel(messaging::channel_name(type.channel));
        std::vector<CodeRow> rows = co_await store_.lock_codes(*tx, channel, address, purpose_names(type),
                                                               settings_.otp_max_attempts);
        const std::string code = clean_code(secret);
        std::vector<std::int64_t> ids;
        for (const CodeRow& row : rows) {
            // Every live code is compared (no early exit), each in constant time.
            const bool match = code_matches(code_key_, row.code_salt, code, row.code_hash);
            if (match && !hit) hit = row;
            ids.push_back(row.id);
        }
        if (!hit) {
            // A wrong guess costs every live code for the address one attempt, committed.
            co_await store_.spend_attempts(*tx, ids);
            co_await tx->commit();
            throw ErrorException(otp_expired());
        }
    }
    if (hit->banned) throw ErrorException(auth_error(403, "user_banned", "User is banned"));
    if (pkce) {
        const bool issued = co_await store_.issue_auth_code(*tx, hash_link_token(secret), hit->user_id,
                                                            settings_.flow_state_expiry_seconds);
        if (!issued) throw ErrorException(auth_error(400, "flow_state_not_found", "No associated flow state found."));
    }
    co_await store_.delete_code(*tx, hit->id);
    if (auto changes = changes_for(*hit)) {
        auto updated = co_await store_.update_user(*tx, hit->user_id, std::move(*changes));
        if (!updated) throw ErrorException(otp_expired());
    }
    co_await tx->commit();
    co_return hit->user_id;
}

Awaitable<http::Response> AuthService::verify(Request& req) {
    const Json body = get(parse_body(req.body));
    const std::string type_name = get(opt_string(body, "type")).value_or("");
    const std::string token = get(opt_string(body, "token")).value_or("");
    const std::string token_hash = get(opt_string(body, "token_hash")).value_or("");
    const std::string email = get(opt_string(body, "email")).value_or("");
    const std::string phone = get(opt_string(body, "phone")).value_or("");
    if (type_name.empty()) throw ErrorException(validation_failed("Verify requires a verification type"));
    const auto type = parse_verify_type(type_name);
    if (!type) throw ErrorException(validation_failed("Unsupported verification type"));
    if (token.empty() && token_hash.empty())
        throw ErrorException(validation_failed("Verify requires either a token or a token hash"));
    limit(verify_ip_.get(), req.client_ip);

    std::string user_id;
    if (!token_hash.empty()) {
        user_id = co_await redeem(*type, "", token_hash, true);
    } else {
        const bool by_email = type->channel == messaging::Channel::kEmail;
        if (by_email ? email.empty() || !phone.empty() : phone.empty() || !email.empty())
            throw ErrorException(validation_failed(by_email ? "Verify of this type requires an email address"
                                                            : "Verify of this type requires a phone number"));
        const std::string address = by_email ? get(normalize_email(email)) : get(phone_of(phone));
        user_id = co_await redeem(*type, address, token, false);
    }
    co_return co_await start_session(req, user_id, "otp", "login");
}

Awaitable<http::Response> AuthService::verify_link(Request& req) {
    const std::string target = redirect_target(req);
    const std::string type_name(req.query_param("type").value_or(""));
    const std::string token(req.query_param("token").value_or(""));
    const bool pkce = is_pkce_token(token);
    std::optional<Error> failure;
    try {
        if (token.empty()) throw ErrorException(validation_failed("Verify requires a token"));
        const auto type = parse_verify_type(type_name);
        if (!type || type->channel != messaging::Channel::kEmail)
            throw ErrorException(validation_failed("Invalid email verification type"));
        limit(verify_ip_.get(), req.client_ip);
        std::string user_id;
        try {
            user_id = co_await redeem(*type, "", token, true, pkce);
        } catch (const ErrorException& e) {
            if (e.error().code != "otp_expired") throw;
            failure = link_expired();
        }
        if (!failure && pkce) {
            // PKCE: the app trades the code (with its verifier) for the session.
            co_return see_other(with_query(target, {{"code", pkce_auth_code(code_key_, token)}}));
        }
        if (!failure) {
            const IssuedSession issued = co_await issue_session(req, user_id, "otp", "login");
            const Json& s = issued.body;
            http::Response res = see_other(with_fragment(
                target, {{"access_token", s.value("access_token", "")},
                         {"expires_at", std::to_string(s.value("expires_at", std::int64_t(0)))},
                         {"expires_in", std::to_string(s.value("expires_in", std::int64_t(0)))},
                         {"refresh_token", s.value("refresh_token", "")},
                         {"token_type", "bearer"},
                         {"type", type_name}}));
            for (const auto& cookie : issued.cookies) res.headers.add("Set-Cookie", cookie);
            co_return res;
        }
    } catch (const ErrorException& e) {
        failure = e.error();
    }
    // Errors go back to the app too (its page shows them), never as a JSON page in the browser.
    std::string message = failure->message;
    if (failure->status >= 500) {
        log::error("auth: verifying a link: {} {} ({})", failure->code, failure->message, failure->internal);
        message = "Unexpected failure, please try again";
    }
    const std::vector<std::pair<std::string, std::string>> error{
        {"error", oauth_error(failure->status)},
        {"error_code", failure->status >= 500 ? "unexpected_failure" : failure->code},
        {"error_description", message}};
    // A PKCE app reads its callback's query (GoTrue puts the error in both places then).
    co_return see_other(with_fragment(pkce ? with_query(target, error) : target, error));
}

}  // namespace basalt::auth
