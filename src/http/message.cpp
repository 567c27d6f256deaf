// Headers, Request and Response helpers.
#include "http/message.hpp"

#include <algorithm>
#include <cctype>

namespace basalt::http {

namespace {
// ASCII-only case folding: header names are ASCII tokens, and std::tolower consults the
// locale on every character (measurable on the request path).
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }
std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ascii_lower(c);
    return out;
}
bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}
int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

void Headers::add(std::string_view name, std::string_view value) {
    items_.emplace_back(lower(name), std::string(value));
}
void Headers::set(std::string_view name, std::string_view value) {
    erase(name);
    add(name, value);
}
std::optional<std::string_view> Headers::get(std::string_view name) const {
    for (const auto& [k, v] : items_)
        if (iequals(k, name)) return std::string_view(v);
    return std::nullopt;
}
std::vector<std::string_view> Headers::get_all(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& [k, v] : items_)
        if (iequals(k, name)) out.emplace_back(v);
    return out;
}
void Headers::erase(std::string_view name) {
    std::erase_if(items_, [&](const auto& kv) { return iequals(kv.first, name); });
}

std::optional<std::string_view> Request::query_param(std::string_view key) const {
    for (const auto& [k, v] : query)
        if (k == key) return std::string_view(v);
    return std::nullopt;
}
std::string_view Request::param(std::string_view name) const {
    auto it = path_params.find(std::string(name));
    return it == path_params.end() ? std::string_view{} : std::string_view(it->second);
}

Response Response::json(int status, const Json& body) {
    return json_text(status, body.dump(-1, ' ', false, Json::error_handler_t::replace));
}
Response Response::json_text(int status, std::string body) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", "application/json; charset=utf-8");
    r.body = std::move(body);
    return r;
}
Response Response::text(int status, std::string body, std::string_view content_type) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", content_type);
    r.body = std::move(body);
    return r;
}
Response Response::empty(int status) {
    Response r;
    r.status = status;
    return r;
}
Response Response::error(const Error& error, std::string_view request_id) {
    Json body = error.to_json();
    if (!request_id.empty()) body["request_id"] = request_id;
    return json(error.status, body);
}

std::string percent_decode(std::string_view in, bool plus_as_space) {
    bool plain = true;
    for (char c : in) {
        if (c == '%' || (plus_as_space && c == '+')) {
            plain = false;
            break;
        }
    }
    if (plain) return std::string(in);  // nothing to decode: the common case for paths
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%' && i + 2 < in.size() + 0 && i + 2 <= in.size() - 1 + 0) {
            int h = hexval(in[i + 1]), l = hexval(in[i + 2]);
            if (h >= 0 && l >= 0) {
                out.push_back(char(h * 16 + l));
                i += 2;
                continue;
            }
        }
        out.push_back(plus_as_space && c == '+' ? ' ' : c);
    }
    return out;
}

std::string percent_encode(std::string_view in) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(in.size());
    for (unsigned char c : in) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view raw) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!raw.empty()) {
        auto amp = raw.find('&');
        std::string_view part = raw.substr(0, amp);
        raw = amp == std::string_view::npos ? std::string_view{} : raw.substr(amp + 1);
        if (part.empty()) continue;
        auto eq = part.find('=');
        if (eq == std::string_view::npos)
            out.emplace_back(percent_decode(part, true), std::string{});
        else
            out.emplace_back(percent_decode(part.substr(0, eq), true), percent_decode(part.substr(eq + 1), true));
    }
    return out;
}

}  // namespace basalt::http
