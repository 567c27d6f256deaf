// Direct JSON writers for the request.* settings: plain ASCII strings (tokens, header values)
// are copied as they are; anything else goes through nlohmann's escaper.
#include "rest/detail/request_json.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <utility>

#include <boost/container/small_vector.hpp>

namespace basalt::rest::detail {

namespace {

using Pairs = boost::container::small_vector<std::pair<std::string_view, std::string_view>, 16>;

// True when every byte is printable ASCII other than '"' and '\\', i.e. the JSON string is the
// bytes themselves. Eight bytes per step (tokens and header values are long).
bool plain_ascii(std::string_view s) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    const auto needs_escape = [](std::uint64_t x) {
        const auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
        const std::uint64_t control = (x - kOnes * 0x20) & ~x & kHigh;  // a byte < 0x20
        const std::uint64_t upper = ((x + kOnes * (127 - 0x7e)) | x) & kHigh;  // a byte > 0x7e
        return control | upper | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\'));
    };
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t x;
        std::memcpy(&x, s.data() + i, 8);
        if (needs_escape(x) != 0) return false;
    }
    for (; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
    }
    return true;
}

// An object of string members; for a repeated name only the last one is written, as a Json
// object built with obj[name] = value would keep.
std::string object_json(const Pairs& pairs) {
    std::size_t size = 2;
    for (const auto& [k, v] : pairs) size += k.size() + v.size() + 6;
    std::string out;
    out.reserve(size);
    out += '{';
    bool first = true;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        bool repeated = false;
        for (std::size_t j = i + 1; j < pairs.size() && !repeated; ++j) repeated = pairs[j].first == pairs[i].first;
        if (repeated) continue;
        if (!first) out += ',';
        first = false;
        append_json_string(out, pairs[i].first);
        out += ':';
        append_json_string(out, pairs[i].second);
    }
    out += '}';
    return out;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    if (plain_ascii(s)) {
        out += '"';
        out += s;
        out += '"';
        return;
    }
    out += Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string headers_json(const http::Headers& headers) {
    Pairs pairs;
    for (const auto& [k, v] : headers.items()) pairs.emplace_back(k, v);
    return object_json(pairs);
}

std::string cookies_json(const http::Headers& headers) {
    Pairs pairs;
    for (const auto& [name, value] : headers.items()) {
        if (name != "cookie") continue;
        std::string_view header = value;
        while (!header.empty()) {
            auto semi = header.find(';');
            auto pair = header.substr(0, semi);
            while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
            if (auto eq = pair.find('='); eq != std::string_view::npos) {
                pairs.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
            }
            if (semi == std::string_view::npos) break;
            header.remove_prefix(semi + 1);
        }
    }
    return object_json(pairs);
}

namespace {

// Scalars are written directly (a JWT is mostly strings and integer timestamps); anything
// else as dump() writes it.
void append_json_value(std::string& out, const Json& v) {
    char buf[24];
    switch (v.type()) {
        case Json::value_t::string:
            append_json_string(out, v.get_ref<const std::string&>());
            return;
        case Json::value_t::number_integer: {
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get<std::int64_t>());
            out.append(buf, end);
            return;
        }
        case Json::value_t::number_unsigned: {
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get<std::uint64_t>());
            out.append(buf, end);
            return;
        }
        case Json::value_t::boolean:
            out += v.get<bool>() ? "true" : "false";
            return;
        case Json::value_t::null:
            out += "null";
            return;
        default:
            out += v.dump(-1, ' ', false, Json::error_handler_t::replace);
    }
}

}  // namespace

std::string compact_json(const Json& value) {
    if (!value.is_object()) return value.dump(-1, ' ', false, Json::error_handler_t::replace);
    std::string out;
    out.reserve(256);
    out += '{';
    bool first = true;
    for (const auto& [k, v] : value.items()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, k);
        out += ':';
        append_json_value(out, v);
    }
    out += '}';
    return out;
}

}  // namespace basalt::rest::detail
