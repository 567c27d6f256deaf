// GET /auth/v1/settings, /health and /.well-known/jwks.json: what the instance allows, that
// it is alive, and the public keys for asymmetric access tokens.
#include "auth/service.hpp"
#include "auth/signing_keys.hpp"

namespace basalt::auth {

Awaitable<http::Response> AuthService::settings(Request&) {
    Json external{{"anonymous_users", settings_.anonymous_enabled},
                  {"email", settings_.email_enabled},
                  {"phone", settings_.phone_enabled}};
    for (const char* provider : {"apple", "azure", "bitbucket", "discord", "facebook", "figma", "github", "gitlab",
                                 "google", "keycloak", "kakao", "linkedin_oidc", "notion", "slack_oidc", "spotify",
                                 "twitch", "twitter", "workos", "zoom"})
        external[provider] = false;
    Json body{{"external", external},
              {"disable_signup", settings_.disable_signup},
              {"mailer_autoconfirm", email_autoconfirm_},
              {"phone_autoconfirm", phone_autoconfirm_},
              {"sms_provider", messaging::sms_configured(options_.sms) ? options_.sms.provider : ""},
              {"saml_enabled", false},
              {"mfa_enabled", false}};
    co_return http::Response::json(200, body);
}

Awaitable<http::Response> AuthService::health(Request&) {
    co_return http::Response::json(
        200, Json{{"version", BASALT_VERSION},
                  {"name", "GoTrue"},
                  {"description", "Basalt Auth: a GoTrue-compatible user registration and authentication API"}});
}

Awaitable<http::Response> AuthService::jwks(Request&) {
    http::Response res = http::Response::json(200, keys_->jwks());
    res.headers.set("Cache-Control", "public, max-age=600");
    co_return res;
}

}  // namespace basalt::auth
