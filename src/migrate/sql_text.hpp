// Pure helpers over migration SQL text: statement boundaries (psql-like lexing), mapping a
// server error position to a line of the file, and the `-- basalt:no-transaction` marker.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace basalt::migrate {

// One statement of a script: [begin, end) in bytes. begin is the first character that is not
// whitespace or comment; end is one past the terminating ';' (or the end of the text).
struct StatementSpan {
    std::size_t begin = 0;
    std::size_t end = 0;
};

// Splits like psql does: quotes, "identifiers", E'escapes', $tag$ dollar quotes $tag$, -- and
// nested /* */ comments, and SQL-standard function bodies (BEGIN ATOMIC ... END; psql's
// begin/case/end depth rule). Comment-only or empty pieces are dropped, which matches what
// the server counts as statements in a multi-statement query.
std::vector<StatementSpan> split_statements(std::string_view sql);

// PostgreSQL reports error positions as 1-based CHARACTER indexes (client_encoding UTF8).
// Returns the byte offset of that character in text (clamped to text.size()).
std::size_t byte_offset_of_position(std::string_view text, int position);

// 1-based line number of a byte offset.
int line_at(std::string_view text, std::size_t byte_offset);

// 1-based line of a 1-based character position (error position) in text.
inline int line_of_position(std::string_view text, int position) {
    return line_at(text, byte_offset_of_position(text, position));
}

// True when a line of the file is exactly `-- basalt:no-transaction` (surrounding spaces and
// the space after "--" are optional). Such a migration runs statement by statement, outside a
// transaction block (needed for CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE on old PG).
bool has_no_transaction_marker(std::string_view sql);

}  // namespace basalt::migrate
