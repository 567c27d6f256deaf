// Identifier normalisation and input parsing shared by sign-up, sign-in and the admin API.
// Pure functions: emails are lower-cased, phones become E.164 digits without '+' (as GoTrue
// stores them), usernames keep their case but compare case-insensitively.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/json.hpp"

namespace basalt::auth {

Result<std::string> normalize_email(std::string_view email);
// E.164 digits without '+'; numbers written with a trunk 0 get default_country_code.
Result<std::string> normalize_phone(std::string_view phone, std::string_view default_country_code = {});
Result<std::string> validate_username(std::string_view username);

// Go duration strings as the admin API's ban_duration uses them ("24h", "1h30m", "90s",
// "876000h"); nullopt when malformed. Returns whole seconds.
std::optional<std::int64_t> parse_go_duration(std::string_view text);

// The request body as a JSON object: empty body = {}; anything but an object is bad_json.
Result<Json> parse_body(std::string_view body);

// Typed accessors that treat null/absent alike and reject wrong types with validation_failed.
Result<std::optional<std::string>> opt_string(const Json& body, const char* key);
Result<std::optional<bool>> opt_bool(const Json& body, const char* key);
Result<std::optional<Json>> opt_object(const Json& body, const char* key);
// An optional string with "" treated as absent (supabase-js sends empty fields).
std::optional<std::string> non_empty(std::optional<std::string> s);

// True when text is a canonical UUID (8-4-4-4-12 hex).
bool is_uuid(std::string_view text);

// Client IP as PostgreSQL inet text, or nullopt when it is not an IP literal.
std::optional<std::string> inet_or_null(std::string_view ip);

}  // namespace basalt::auth
