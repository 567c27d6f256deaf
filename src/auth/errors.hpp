// Auth errors in GoTrue's dialect: stable codes the client branches on (§2.7 of the compat
// reference) and the body shape it parses ({code, error_code, message, msg}).
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"
#include "http/message.hpp"

namespace basalt::auth {

// The API version header supabase-js checks before trusting `code`.
inline constexpr std::string_view kApiVersionHeader = "X-Supabase-Api-Version";
inline constexpr std::string_view kApiVersion = "2024-01-01";

Error auth_error(int status, std::string code, std::string message);

// Frequently used ones, so every path words them the same way.
Error invalid_credentials();        // 400, the same for unknown account and wrong password
Error validation_failed(std::string message);  // 400
Error no_authorization();           // 401
Error not_admin();                  // 403
Error session_not_found();          // 403
Error user_not_found();             // 404
Error over_rate_limit();            // 429
Error bad_json(std::string_view detail);  // 400

// {code,error_code,message,msg} (+ weak_password reasons); 5xx become unexpected_failure
// with a generic message, the cause going to the log only.
http::Response error_response(const Error& error, std::string_view request_id);

}  // namespace basalt::auth
