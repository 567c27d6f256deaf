// Request ids: honour a sane incoming X-Request-Id (so ids follow a request across proxies),
// otherwise mint one. Ids appear in logs and error bodies, so they are strictly charset-limited.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace basalt::http {

// 1..128 characters of [A-Za-z0-9._-].
[[nodiscard]] bool is_valid_request_id(std::string_view id);
// Random UUID-shaped id (not cryptographic: it is a correlation id, never a secret).
[[nodiscard]] std::string generate_request_id();
// The incoming id when valid, else a fresh one.
[[nodiscard]] std::string request_id_for(std::optional<std::string_view> incoming);

}  // namespace basalt::http
