// A WebSocket echo endpoint: exercises the upgrade path end to end (tests, diagnostics).
#pragma once

#include <string_view>

#include "http/router.hpp"

namespace basalt::http {

// Echoes every text or binary message back with the same type until the peer closes.
void add_echo_websocket(Router& router, std::string_view path);

}  // namespace basalt::http
