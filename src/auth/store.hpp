// Auth's SQL: every statement that reads or writes auth.* lives here, one coroutine per
// operation, most of them a single round trip (CTEs do the multi-table work). Runs as the
// pool's own role (the system's service), never under an API role.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "auth/tokens.hpp"
#include "common/json.hpp"
#include "db/pool.hpp"

namespace basalt::auth {

template <typename T>
using Awaitable = boost::asio::awaitable<T>;

enum class IdentifierKind { kEmail, kPhone, kUsername };

struct LoginRow {
    std::string user_id;
    std::string encrypted_password;  // "" when the user has none
    bool banned = false;
    bool email_confirmed = false;
    bool phone_confirmed = false;
};

struct NewSession {
    std::string user_id;
    std::string amr_method;          // password | anonymous | otp ...
    std::string audit_action;        // login | user_signedup ...
    std::string user_agent;
    std::optional<std::string> ip;
    std::int64_t timebox_seconds = 0;
    std::string refresh_token_hash;
};

struct CreatedSession {
    SessionClaims claims;
    Json user;
};

struct RefreshLookup {
    std::int64_t token_id = 0;
    std::string user_id;
    RefreshTokenRow row;
    SessionClaims claims;
    Json user;
    std::optional<std::string> active_hash;  // newest unrevoked token of the session (when revoked)
};

struct NewUser {
    std::string id;
    std::optional<std::string> email, phone, username;
    std::optional<std::string> encrypted_password;
    bool email_confirmed = false, phone_confirmed = false;
    bool is_anonymous = false;
    std::string role = "authenticated";
    std::string aud = "authenticated";
    Json app_metadata = Json::object();
    Json user_metadata = Json::object();
    std::optional<std::int64_t> ban_seconds;
    std::optional<std::string> ip;
    std::string audit_action = "user_signedup";
    std::string actor_id;  // who did it (the user, or the admin's sub)
};

// Changes to one user; absent fields are left alone.
struct UserChanges {
    std::optional<std::string> email, phone, username;
    bool clear_username = false;
    std::optional<std::string> encrypted_password;
    std::optional<Json> user_metadata;   // merged; null values delete keys (GoTrue)
    std::optional<Json> app_metadata;    // merged likewise
    std::optional<bool> email_confirmed, phone_confirmed;
    std::optional<std::string> role;
    std::optional<std::int64_t> ban_seconds;  // 0 = unban
    bool make_permanent = false;              // anonymous user gained an email/phone
    std::optional<std::string> keep_session;  // revoke every other session (password change)
    std::optional<std::string> ip;
    std::string audit_action = "user_modified";
    std::string actor_id;
};

// A code to store (store_codes.cpp); see auth/one_time_code.hpp for the values.
struct NewCode {
    std::string user_id;
    std::string purpose;    // purpose_name(...)
    std::string channel;    // "email" | "sms"
    std::string recipient;  // lower-case email or phone digits
    std::string code_salt, code_hash, link_hash;
    std::int64_t lifetime_seconds = 3600;
    std::int64_t send_interval_seconds = 60;  // per recipient and channel; 0 = no limit
    std::string pending_change;  // the new address for email_change / phone_change
};

// A live code row, locked for the verifying transaction, with what the verification needs to
// know about its user.
struct CodeRow {
    std::int64_t id = 0;
    std::string user_id, purpose, channel, recipient, code_salt, code_hash;
    bool is_anonymous = false, banned = false, email_confirmed = false, phone_confirmed = false;
};

// A user by current or pending (email_change / phone_change) address.
struct PendingChange {
    std::string user_id;
    std::string current;  // "" when the user has none
    std::string pending;  // "" when no change is pending
    bool confirmed = false;  // current address confirmed
};

// A PKCE flow waiting for its emailed link (store_flow_state.cpp, migration 0010).
struct NewFlowState {
    std::string user_id;
    std::string code_challenge, code_challenge_method;  // method "s256" | "plain"
    std::string authentication_method;                  // GoTrue's name ("magiclink", "email/signup", ...)
    std::string link_hash;                               // of the link token
    std::string auth_code_hash;                          // of the code the opened link will give
    std::int64_t lifetime_seconds = 3600;                // the link's
};

// A flow whose auth code was presented, locked for the exchange.
struct FlowStateRow {
    std::string id, user_id, code_challenge, code_challenge_method, authentication_method;
    bool expired = false;
    bool banned = false;
};

struct UserPage {
    std::int64_t total = 0;
    Json users = Json::array();
};

class Store {
public:
    explicit Store(db::Pool& pool);
    ~Store();

    Awaitable<std::optional<LoginRow>> find_for_login(IdentifierKind kind, std::string identifier);
    Awaitable<std::optional<LoginRow>> find_by_id(std::string user_id);
    Awaitable<CreatedSession> create_session(NewSession session);

    // Plain-text fallback finds tokens imported from Supabase (which stores them unhashed).
    Awaitable<std::optional<RefreshLookup>> find_refresh_token(std::string token_hash, std::string plain);
    // The common case in one statement: finds the token and, when it is live and its session
    // and user are in good standing, rotates it to child_hash (rotated = true) and writes the
    // token_refreshed audit row. Otherwise the row comes back unchanged for decide_refresh.
    // Concurrent calls share one statement (store_refresh.cpp), so under load a rotation costs
    // PostgreSQL a fraction of a transaction.
    struct RefreshAttempt {
        RefreshLookup lookup;
        bool rotated = false;
    };
    struct Rotation {
        std::string token_hash, plain, child_hash;
        std::int64_t timebox_seconds = 0, inactivity_seconds = 0;
        std::optional<std::string> ip;  // for the audit row
    };
    Awaitable<std::optional<RefreshAttempt>> refresh_and_rotate(Rotation rotation);
    // Compare-and-swap (with the audit row): false when another request rotated the token first.
    Awaitable<bool> rotate_refresh_token(std::int64_t token_id, std::string user_id, std::string session_id,
                                         std::string parent_hash, std::string child_hash,
                                         std::optional<std::string> ip);
    Awaitable<void> revoke_session(std::string session_id, std::string user_id, std::string reason);

    // The user, and whether session_id (if given) still exists and has not passed not_after.
    struct UserWithSession {
        Json user;
        bool session_ok = false;
    };
    Awaitable<std::optional<UserWithSession>> get_user(std::string user_id, std::optional<std::string> session_id);
    Awaitable<std::optional<Json>> get_user_json(std::string user_id);

    // Throws ErrorException: 23505 is mapped to email_exists / phone_exists / user_already_exists.
    Awaitable<Json> insert_user(NewUser user);
    // Returns the updated user, nullopt when it does not exist. Unique conflicts as above.
    Awaitable<std::optional<Json>> update_user(std::string user_id, UserChanges changes);
    using Tx = db::Pool::Transaction;
    // The same inside the caller's transaction.
    Awaitable<std::optional<Json>> update_user(Tx& tx, std::string user_id, UserChanges changes);
    Awaitable<std::unique_ptr<Tx>> begin();

    // One-time codes (store_codes.cpp). put_code serialises on the recipient (advisory lock
    // until the transaction ends) and, unless a code went to that recipient within the send
    // interval, stores the code (replacing the user's previous one for the purpose) and stamps
    // the user row (confirmation_sent_at, email_change, ...). Returns the seconds to wait when
    // refused, nullopt when stored.
    Awaitable<std::optional<std::int64_t>> put_code(Tx& tx, NewCode code);
    // Live codes (unexpired, attempts left) for the purposes sent to `recipient`, or to the
    // user whose current address it is; locked FOR UPDATE.
    Awaitable<std::vector<CodeRow>> lock_codes(Tx& tx, std::string channel, std::string recipient,
                                               std::vector<std::string> purposes, std::int64_t max_attempts);
    Awaitable<std::optional<CodeRow>> lock_code_by_link(Tx& tx, std::string link_hash, std::vector<std::string> purposes,
                                                        std::int64_t max_attempts);
    Awaitable<void> spend_attempts(Tx& tx, const std::vector<std::int64_t>& ids);
    Awaitable<void> delete_code(Tx& tx, std::int64_t id);
    // PKCE flow state (store_flow_state.cpp).
    Awaitable<void> put_flow_state(Tx& tx, NewFlowState flow);
    // The flow of an opened link gets its auth code: usable from now for expiry_seconds, once.
    // false when the link has no pending flow.
    Awaitable<bool> issue_auth_code(Tx& tx, std::string link_hash, std::string user_id, std::int64_t expiry_seconds);
    // The issued flow with this auth code (of a user not deleted), locked FOR UPDATE.
    Awaitable<std::optional<FlowStateRow>> lock_flow_state(Tx& tx, std::string auth_code_hash);
    Awaitable<void> delete_flow_state(Tx& tx, std::string id);
    Awaitable<std::optional<PendingChange>> find_by_address(IdentifierKind kind, std::string address);

    enum class LogoutScope { kLocal, kGlobal, kOthers };
    Awaitable<void> logout(std::string user_id, std::string session_id, LogoutScope scope);

    Awaitable<UserPage> list_users(std::int64_t page, std::int64_t per_page);
    // false when no such user.
    Awaitable<bool> delete_user(std::string user_id, bool soft, std::string actor_id);

private:
    // Batching of refresh_and_rotate (store_refresh.cpp).
    struct PendingRotation;
    struct RotationQueue;
    Awaitable<std::optional<RefreshAttempt>> lead_rotations(std::shared_ptr<PendingRotation> self);
    // One statement for all of `batch`; result i belongs to batch[i] (nullopt: not found).
    Awaitable<std::vector<std::optional<RefreshAttempt>>> rotate_batch(const std::vector<Rotation>& batch);

    db::Pool& pool_;
    std::unique_ptr<RotationQueue> rotations_;
};

// SQL for the API's user object from alias `u`, identities read from auth.identities unless
// another expression is given (a CTE's rows: a statement cannot see its own inserts).
std::string user_json_sql(std::string_view alias, std::string_view identities_expr = {});

}  // namespace basalt::auth
