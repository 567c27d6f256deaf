// SMS providers: Arkesel (SMS API v2) and a generic JSON webhook. Each is a pure request
// builder plus a pure reply classifier (unit-tested) around one blocking HTTP POST.
#pragma once

#include <string_view>

#include "messaging/delivery.hpp"
#include "messaging/detail/http_call.hpp"
#include "messaging/settings.hpp"

namespace basalt::messaging {

// POST <sms.arkesel.base_url>/api/v2/sms/send
//   api-key: <sms.arkesel.api_key>
//   {"sender":"<sender_id>","message":"<text>","recipients":["233241234567"]}
// Recipients are international numbers without '+', as Arkesel's examples write them.
detail::HttpCall arkesel_request(const SmsSettings& s, std::string_view to_e164, std::string_view text);

// 2xx with {"status":"success"} is sent (the first data[].id becomes the provider id); a
// recipient listed under "invalid numbers" or a 400/404/422 reply fails for good; anything
// else (401/403 bad key, 429, 5xx, unexpected body) is retried.
DeliveryOutcome arkesel_outcome(long http_status, std::string_view body);

// POST <sms.webhook.url>  {"to":"+233241234567","message":"<text>","type":"<kind>"}
//   Authorization: Bearer <sms.webhook.secret>   (only when a secret is set)
detail::HttpCall webhook_request(const SmsSettings& s, std::string_view to_e164, std::string_view text,
                                 std::string_view kind);

// 2xx is sent; 400/404/410/422 fail for good; everything else is retried.
DeliveryOutcome webhook_outcome(long http_status, std::string_view body);

}  // namespace basalt::messaging
