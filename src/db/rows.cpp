// Rows: read-only view over an owned PGresult (text format).
#include <charconv>

#include <libpq-fe.h>

#include "db/pool.hpp"

namespace basalt::db {

namespace {
const PGresult* res(const std::shared_ptr<void>& p) { return static_cast<const PGresult*>(p.get()); }
}  // namespace

Rows::Rows(std::shared_ptr<void> pg_result) : result_(std::move(pg_result)) {}

int Rows::size() const { return result_ ? PQntuples(res(result_)) : 0; }

int Rows::columns() const { return result_ ? PQnfields(res(result_)) : 0; }

std::string_view Rows::column_name(int col) const {
    const char* n = result_ ? PQfname(res(result_), col) : nullptr;
    return n ? std::string_view(n) : std::string_view();
}

int Rows::column_index(std::string_view name) const {
    // PQfnumber folds case and parses quotes; callers pass exact names, so compare directly.
    for (int c = 0; c < columns(); ++c) {
        if (column_name(c) == name) return c;
    }
    return -1;
}

bool Rows::is_null(int row, int col) const {
    return !result_ || PQgetisnull(res(result_), row, col) != 0;
}

std::string_view Rows::get(int row, int col) const {
    if (is_null(row, col)) return {};
    return {PQgetvalue(res(result_), row, col),
            static_cast<std::size_t>(PQgetlength(res(result_), row, col))};
}

std::optional<std::string> Rows::get_opt(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return std::string(get(row, col));
}

std::int64_t Rows::affected() const {
    if (!result_) return 0;
    std::string_view t = PQcmdTuples(const_cast<PGresult*>(res(result_)));
    std::int64_t n = 0;
    std::from_chars(t.data(), t.data() + t.size(), n);
    return n;
}

std::string_view Rows::command() const {
    if (!result_) return {};
    const char* s = PQcmdStatus(const_cast<PGresult*>(res(result_)));
    return s ? std::string_view(s) : std::string_view();
}

}  // namespace basalt::db
