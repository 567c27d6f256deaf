// Quoting for the few places where text must be spliced into SQL or a libpq conninfo string
// (identifiers in LISTEN/DDL, socket paths). Values always go as bound parameters instead.
#pragma once

#include <string>
#include <string_view>

namespace basalt::db {

// "name" with embedded quotes doubled: safe for any identifier (schema, table, channel).
std::string quote_identifier(std::string_view name);

// 'text' with quotes doubled and E'' form when a backslash is present (for DDL defaults and
// the rare statement that cannot take parameters, e.g. SET). PostgreSQL text cannot hold
// NUL, and silently truncating would change meaning, so NUL throws std::invalid_argument.
std::string quote_literal(std::string_view value);

// One value in a key=value libpq conninfo string: 'value' with \ and ' escaped.
std::string quote_conninfo_value(std::string_view value);

}  // namespace basalt::db
