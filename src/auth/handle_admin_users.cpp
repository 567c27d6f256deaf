// /auth/v1/admin/users[/:id]: list (paginated, X-Total-Count + Link), create (with or without
// password, confirmed or not, bcrypt hashes importable), get, update (ban, metadata,
// password), delete (hard or soft). service_role only; anything else gets 403 not_admin.
#include <charconv>

#include "auth/errors.hpp"
#include "auth/service.hpp"
#include "auth/validation.hpp"
#include "common/crypto.hpp"

namespace basalt::auth {

namespace {

template <typename T>
T get(Result<T> r) {
    return std::move(r).unwrap();
}

std::int64_t page_param(const http::Request& req, const char* key, std::int64_t fallback, std::int64_t max) {
    auto raw = req.query_param(key);
    if (!raw || raw->empty()) return fallback;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
    if (ec != std::errc{} || p != raw->data() + raw->size() || v < 1)
        throw ErrorException(validation_failed(std::string("Bad Pagination Parameters: ") + key));
    return std::min(v, max);
}

std::string admin_actor(const http::AuthContext& ctx) {
    std::string sub = ctx.user_id();
    return sub.empty() ? ctx.role : sub;
}

// ban_duration: Go duration ("24h") or "none" to lift a ban; nullopt when absent.
std::optional<std::int64_t> ban_seconds(const Json& body) {
    auto d = get(opt_string(body, "ban_duration"));
    if (!d) return std::nullopt;
    if (*d == "none") return 0;
    auto secs = parse_go_duration(*d);
    if (!secs || *secs <= 0) throw ErrorException(validation_failed("invalid format for ban duration: " + *d));
    return secs;
}

// password_hash from another system: bcrypt only (what Supabase stores).
std::string imported_hash(const std::string& hash) {
    const bool ok = hash.size() == 60 && (hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"));
    if (!ok) throw ErrorException(validation_failed("Invalid password hash: only bcrypt ($2a$, $2b$, $2y$) hashes can be imported"));
    return hash;
}

}  // namespace

Awaitable<http::Response> AuthService::admin_list_users(Request& req) {
    require_admin(req);
    const std::int64_t page = page_param(req, "page", 1, 1'000'000'000);
    const std::int64_t per_page = page_param(req, "per_page", 50, 1000);
    UserPage result = co_await store_.list_users(page, per_page);
    http::Response res = http::Response::json(200, Json{{"users", std::move(result.users)}, {"aud", settings_.jwt_aud}});
    res.headers.set("X-Total-Count", std::to_string(result.total));
    const std::int64_t last = std::max<std::int64_t>(1, (result.total + per_page - 1) / per_page);
    std::string link;
    auto add = [&](std::int64_t p, const char* rel) {
        if (!link.empty()) link += ", ";
        link += "</admin/users?page=" + std::to_string(p) + "&per_page=" + std::to_string(per_page) + ">; rel=\"" + rel + "\"";
    };
    if (page < last) add(page + 1, "next");
    add(last, "last");
    res.headers.set("Link", link);
    co_return res;
}

Awaitable<http::Response> AuthService::admin_create_user(Request& req) {
    require_admin(req);
    const Json body = get(parse_body(req.body));
    auto email = get(opt_string(body, "email"));
    auto phone = get(opt_string(body, "phone"));
    auto password = get(opt_string(body, "password"));
    auto password_hash = get(opt_string(body, "password_hash"));
    auto username = get(opt_string(body, "username"));
    auto id = get(opt_string(body, "id"));
    auto role = get(opt_string(body, "role"));
    auto app_metadata = get(opt_object(body, "app_metadata"));
    auto user_metadata = get(opt_object(body, "user_metadata"));
    if (email && email->empty()) email.reset();
    if (phone && phone->empty()) phone.reset();
    if (!email && !phone) throw ErrorException(validation_failed("Unable to validate email address: an email or phone is required"));

    NewUser user;
    if (id) {
        if (!is_uuid(*id)) throw ErrorException(validation_failed("id must be a UUID"));
        user.id = *id;
    } else {
        user.id = crypto::random_uuid_v4();
    }
    if (email) user.email = get(normalize_email(*email));
    if (phone) user.phone = get(phone_of(*phone));
    if (username) user.username = get(validate_username(*username));
    user.email_confirmed = email && get(opt_bool(body, "email_confirm")).value_or(false);
    user.phone_confirmed = phone && get(opt_bool(body, "phone_confirm")).value_or(false);
    if (role && !role->empty()) user.role = *role;
    user.ban_seconds = ban_seconds(body);
    const std::string provider = email ? "email" : "phone";
    user.app_metadata = Json{{"provider", provider}, {"providers", Json::array({provider})}};
    if (app_metadata) user.app_metadata.update(*app_metadata);
    user.user_metadata = user_metadata.value_or(Json::object());
    if (password_hash) {
        user.encrypted_password = imported_hash(*password_hash);
    } else if (password) {
        get(check_password(policy_, *password));
        user.encrypted_password = co_await hasher_->hash(*password);
    }
    user.actor_id = admin_actor(req.auth);
    user.ip = inet_or_null(req.client_ip);
    Json created = co_await store_.insert_user(std::move(user));
    co_return http::Response::json(200, created);
}

Awaitable<http::Response> AuthService::admin_get_user(Request& req) {
    require_admin(req);
    const std::string id(req.param("id"));
    if (!is_uuid(id)) throw ErrorException(user_not_found());
    auto user = co_await store_.get_user_json(id);
    if (!user) throw ErrorException(user_not_found());
    co_return http::Response::json(200, *user);
}

Awaitable<http::Response> AuthService::admin_update_user(Request& req) {
    require_admin(req);
    const std::string id(req.param("id"));
    if (!is_uuid(id)) throw ErrorException(user_not_found());
    const Json body = get(parse_body(req.body));
    UserChanges c;
    if (auto email = get(opt_string(body, "email")); email && !email->empty()) c.email = get(normalize_email(*email));
    if (auto phone = get(opt_string(body, "phone")); phone && !phone->empty()) c.phone = get(phone_of(*phone));
    if (auto username = get(opt_string(body, "username")); username) c.username = get(validate_username(*username));
    c.email_confirmed = get(opt_bool(body, "email_confirm"));
    c.phone_confirmed = get(opt_bool(body, "phone_confirm"));
    if (auto role = get(opt_string(body, "role")); role && !role->empty()) c.role = *role;
    c.user_metadata = get(opt_object(body, "user_metadata"));
    c.app_metadata = get(opt_object(body, "app_metadata"));
    c.ban_seconds = ban_seconds(body);
    if (auto hash = get(opt_string(body, "password_hash"))) {
        c.encrypted_password = imported_hash(*hash);
        c.keep_session = "";
    } else if (auto password = get(opt_string(body, "password"))) {
        get(check_password(policy_, *password));
        c.encrypted_password = co_await hasher_->hash(*password);
        c.keep_session = "";  // a password set by an admin ends every session of the user
    }
    // A ban takes effect at once: without this, refresh would stop working but sessions
    // would live until their access tokens expire.
    if (c.ban_seconds && *c.ban_seconds > 0) c.keep_session = "";
    c.actor_id = admin_actor(req.auth);
    c.ip = inet_or_null(req.client_ip);
    auto updated = co_await store_.update_user(id, std::move(c));
    if (!updated) throw ErrorException(user_not_found());
    co_return http::Response::json(200, *updated);
}

Awaitable<http::Response> AuthService::admin_delete_user(Request& req) {
    require_admin(req);
    const std::string id(req.param("id"));
    if (!is_uuid(id)) throw ErrorException(user_not_found());
    const Json body = get(parse_body(req.body));
    const bool soft = get(opt_bool(body, "should_soft_delete")).value_or(false);
    if (!co_await store_.delete_user(id, soft, admin_actor(req.auth))) throw ErrorException(user_not_found());
    co_return http::Response::json(200, Json::object());
}

}  // namespace basalt::auth
