// Identifier, literal and conninfo quoting.
#include "db/quote.hpp"

#include <stdexcept>

namespace basalt::db {
namespace {

void reject_nul(std::string_view s) {
    if (s.find('\0') != std::string_view::npos) {
        throw std::invalid_argument("NUL byte in SQL text");
    }
}

}  // namespace

std::string quote_identifier(std::string_view name) {
    reject_nul(name);
    std::string out;
    out.reserve(name.size() + 2);
    out += '"';
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string quote_literal(std::string_view value) {
    reject_nul(value);
    bool backslash = value.find('\\') != std::string_view::npos;
    std::string out;
    out.reserve(value.size() + 3);
    if (backslash) out += 'E';
    out += '\'';
    for (char c : value) {
        if (c == '\'' || (backslash && c == '\\')) out += c;
        out += c;
    }
    out += '\'';
    return out;
}

std::string quote_conninfo_value(std::string_view value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    out += '\'';
    return out;
}

}  // namespace basalt::db
