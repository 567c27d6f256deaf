// A tiny cursor over parameter text shared by the select, filter and order parsers: peeking,
// names (plain or "quoted"), JSON arrows, and balanced values. Internal to rest/parse.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "rest/parse/api_request.hpp"

namespace basalt::rest::detail {

// Nesting limit for embeds and logic trees: deep enough for any real query, shallow enough
// that hostile input cannot exhaust the stack (it gets a 400 instead).
inline constexpr int kMaxDepth = 32;
inline constexpr std::size_t kMaxJsonPath = 64;

class Cursor {
public:
    explicit Cursor(std::string_view text) : text_(text) {}

    [[nodiscard]] bool done() const { return pos_ >= text_.size(); }
    [[nodiscard]] char peek(std::size_t ahead = 0) const {
        return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
    }
    [[nodiscard]] bool starts_with(std::string_view s) const {
        return text_.substr(pos_).starts_with(s);
    }
    bool consume(std::string_view s) {
        if (!starts_with(s)) return false;
        pos_ += s.size();
        return true;
    }
    void advance(std::size_t n = 1) { pos_ = pos_ + n > text_.size() ? text_.size() : pos_ + n; }
    [[nodiscard]] std::size_t pos() const { return pos_; }
    [[nodiscard]] std::string_view rest() const { return text_.substr(pos_); }
    [[nodiscard]] std::string_view text() const { return text_; }

    // "quoted" (\" and \\ escapes) or a plain run up to a delimiter in `stops`, '->' or '::'.
    // Surrounding spaces of plain names are trimmed. nullopt when nothing was read.
    std::optional<std::string> name(std::string_view stops);

    // A sequence of ->key / ->>key steps after a column name.
    bool json_path(std::vector<JsonStep>& out, std::string_view stops);

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

bool is_integer(std::string_view s);

}  // namespace basalt::rest::detail
