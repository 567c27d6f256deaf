// Phone numbers as users type them -> E.164 ("+233241234567"). Pure; shared by auth (sign-up,
// /otp, /verify with a phone) and the SMS providers.
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace basalt::messaging {

// Accepts spaces, dashes, dots and parentheses as separators and:
//   "+233 24 123 4567", "00233241234567"  -> international as written
//   "233241234567"                         -> international without '+' (what supabase-js and
//                                             GoTrue send; GoTrue stores phones this way)
//   "0241234567" with default "233"        -> trunk 0 dropped, country code prepended
// Rejects letters, a misplaced '+', a trunk-0 number without a default country code, and
// numbers outside E.164's 8..15 digits. default_country_code may be "233" or "+233".
// Error code: validation_failed (400), the code GoTrue uses for a bad phone.
//
//   auto e164 = messaging::normalise_phone(body["phone"], settings.default_country_code);
//   if (!e164) return e164.error();
//   std::string stored = e164->substr(1);  // GoTrue's auth.users.phone has no '+'
Result<std::string> normalise_phone(std::string_view text, std::string_view default_country_code = {});

}  // namespace basalt::messaging
