// Lexing just enough SQL to find statement boundaries and lines; the server stays the parser
// of record (transactional migrations are sent whole), so this only has to agree with it on
// where statements start, which is what psql's scanner rules give us.
#include "migrate/sql_text.hpp"

#include <array>
#include <optional>
#include <string>

namespace basalt::migrate {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_start(char c) {
    auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u >= 0x80;
}
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c) || c == '$'; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
        if (x != b[i]) return false;
    }
    return true;
}

// Skips a quoted literal starting at s[i] == quote; a doubled quote is an escaped quote, and in
// E'' strings a backslash escapes the next byte. Returns the index after the closing quote.
std::size_t skip_quoted(std::string_view s, std::size_t i, char quote, bool backslash_escapes) {
    for (++i; i < s.size(); ++i) {
        if (backslash_escapes && s[i] == '\\') {
            ++i;
        } else if (s[i] == quote) {
            if (i + 1 < s.size() && s[i + 1] == quote) {
                ++i;
            } else {
                return i + 1;
            }
        }
    }
    return s.size();
}

// Nested /* */ comment starting at s[i]; returns the index after it.
std::size_t skip_block_comment(std::string_view s, std::size_t i) {
    int depth = 0;
    while (i < s.size()) {
        if (s.compare(i, 2, "/*") == 0) {
            ++depth;
            i += 2;
        } else if (s.compare(i, 2, "*/") == 0) {
            i += 2;
            if (--depth == 0) return i;
        } else {
            ++i;
        }
    }
    return s.size();
}

// $tag$ ... $tag$ starting at s[i] == '$'; nullopt when this '$' does not open a dollar quote
// (e.g. a $1 parameter).
std::optional<std::size_t> skip_dollar_quote(std::string_view s, std::size_t i) {
    std::size_t j = i + 1;
    if (j < s.size() && s[j] != '$') {
        if (!is_ident_start(s[j])) return std::nullopt;
        while (j < s.size() && (is_ident_start(s[j]) || is_digit(s[j]))) ++j;
        if (j >= s.size() || s[j] != '$') return std::nullopt;
    }
    if (j >= s.size()) return std::nullopt;
    std::string_view tag = s.substr(i, j - i + 1);
    std::size_t close = s.find(tag, j + 1);
    return close == std::string_view::npos ? s.size() : close + tag.size();
}

// psql's heuristic for SQL-standard bodies: inside CREATE [OR REPLACE] FUNCTION|PROCEDURE,
// BEGIN (and CASE within it) opens a block that END closes; ';' inside a block does not end
// the statement. Only words outside parentheses count.
struct BodyTracker {
    std::array<char, 4> lead{};  // first letters of the leading words that matter
    int words = 0;
    int depth = 0;

    void word(std::string_view w, int paren_depth) {
        if (words < 4 && (iequals(w, "create") || iequals(w, "function") || iequals(w, "procedure") ||
                          iequals(w, "or") || iequals(w, "replace"))) {
            lead[words] = static_cast<char>(w[0] | 0x20);
        }
        ++words;
        bool routine = lead[0] == 'c' && (lead[1] == 'f' || lead[1] == 'p' ||
                                          (lead[1] == 'o' && lead[2] == 'r' && (lead[3] == 'f' || lead[3] == 'p')));
        if (!routine || paren_depth != 0) return;
        if (iequals(w, "begin")) {
            ++depth;
        } else if (iequals(w, "case")) {
            if (depth >= 1) ++depth;
        } else if (iequals(w, "end")) {
            if (depth > 0) --depth;
        }
    }
};

}  // namespace

std::vector<StatementSpan> split_statements(std::string_view s) {
    std::vector<StatementSpan> out;
    std::optional<std::size_t> start;
    BodyTracker body;
    int parens = 0;
    auto finish = [&](std::size_t end) {
        if (start) out.push_back({*start, end});
        start.reset();
        body = {};
        parens = 0;
    };
    std::size_t i = 0;
    while (i < s.size()) {
        char c = s[i];
        if (is_space(c)) {
            ++i;
        } else if (s.compare(i, 2, "--") == 0) {
            std::size_t nl = s.find('\n', i);
            i = nl == std::string_view::npos ? s.size() : nl + 1;
        } else if (s.compare(i, 2, "/*") == 0) {
            i = skip_block_comment(s, i);
        } else if (c == ';' && body.depth == 0) {
            ++i;
            finish(i);  // an empty statement (";;") has no start and is dropped
        } else {
            if (!start) start = i;
            if (c == '\'') {
                i = skip_quoted(s, i, '\'', false);
            } else if (c == '"') {
                i = skip_quoted(s, i, '"', false);
            } else if (c == '$') {
                auto after = skip_dollar_quote(s, i);
                i = after ? *after : i + 1;
            } else if (c == ';') {
                ++i;  // inside a BEGIN ATOMIC body
            } else if (c == '(' || c == ')') {
                parens += c == '(' ? 1 : -1;
                ++i;
            } else if (is_ident_start(c)) {
                std::size_t j = i;
                while (j < s.size() && is_ident_char(s[j])) ++j;
                std::string_view w = s.substr(i, j - i);
                if ((w == "E" || w == "e") && j < s.size() && s[j] == '\'') {
                    i = skip_quoted(s, j, '\'', true);  // E'...' escape string
                } else {
                    body.word(w, parens);
                    i = j;
                }
            } else if (is_digit(c)) {
                while (i < s.size() && (is_digit(s[i]) || s[i] == '.' || is_ident_start(s[i]))) ++i;
            } else {
                ++i;
            }
        }
    }
    finish(s.size());
    return out;
}

std::size_t byte_offset_of_position(std::string_view text, int position) {
    if (position <= 1) return 0;
    int chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        // Count UTF-8 lead bytes (anything but 10xxxxxx continuation bytes).
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++chars == position) return i;
    }
    return text.size();
}

int line_at(std::string_view text, std::size_t byte_offset) {
    if (byte_offset > text.size()) byte_offset = text.size();
    int line = 1;
    for (std::size_t i = 0; i < byte_offset; ++i) {
        if (text[i] == '\n') ++line;
    }
    return line;
}

bool has_no_transaction_marker(std::string_view sql) {
    std::size_t pos = 0;
    while (pos <= sql.size()) {
        std::size_t nl = sql.find('\n', pos);
        std::string_view line = sql.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
        while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
        if (line.substr(0, 2) == "--") {
            line.remove_prefix(2);
            while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
            if (line == "basalt:no-transaction") return true;
        }
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return false;
}

}  // namespace basalt::migrate
