// Cursor helpers: name and JSON-path lexing shared by the grammar parsers.
#include "rest/parse/cursor.hpp"

namespace basalt::rest::detail {

namespace {

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

}  // namespace

bool is_integer(std::string_view s) {
    if (!s.empty() && s.front() == '-') s.remove_prefix(1);
    if (s.empty() || s.size() > 18) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

std::optional<std::string> Cursor::name(std::string_view stops) {
    if (peek() == '"') {
        std::string out;
        advance();
        while (!done()) {
            char c = peek();
            if (c == '\\' && (peek(1) == '"' || peek(1) == '\\')) {
                out += peek(1);
                advance(2);
                continue;
            }
            if (c == '"') {
                advance();
                return out;
            }
            out += c;
            advance();
        }
        return std::nullopt;  // unterminated quote
    }
    const std::size_t start = pos_;
    while (!done()) {
        char c = peek();
        if (stops.find(c) != std::string_view::npos) break;
        if (c == '-' && peek(1) == '>') break;
        if (c == ':' && peek(1) == ':') break;
        advance();
    }
    auto raw = trim_spaces(text_.substr(start, pos_ - start));
    if (raw.empty()) return std::nullopt;
    return std::string(raw);
}

bool Cursor::json_path(std::vector<JsonStep>& out, std::string_view stops) {
    while (starts_with("->")) {
        // Each step becomes a nested operator in SQL; a hostile path thousands of steps long
        // would exhaust PostgreSQL's stack (a 5xx) instead of being refused here.
        if (out.size() >= kMaxJsonPath) return false;
        JsonStep step;
        if (consume("->>")) {
            step.as_text = true;
        } else {
            consume("->");
        }
        auto key = name(stops);
        if (!key) return false;
        step.index = is_integer(*key);
        step.key = std::move(*key);
        out.push_back(std::move(step));
    }
    return true;
}

}  // namespace basalt::rest::detail
