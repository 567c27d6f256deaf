// An HTTP POST as the SMS providers describe it: built by pure functions (unit-tested without a
// network), performed by detail::http_post.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace basalt::messaging::detail {

struct HttpCall {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // POSTed as is
};

}  // namespace basalt::messaging::detail
