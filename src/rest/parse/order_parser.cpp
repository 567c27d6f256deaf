// order=, columns=, on_conflict=, limit/offset numbers and the Range header.
#include <charconv>

#include "rest/parse/cursor.hpp"
#include "rest/parse/parse.hpp"

namespace basalt::rest {

namespace {

using detail::Cursor;

constexpr std::string_view kOrderStops = ".,()";

Error order_error(std::string_view text, std::string details) {
    return query_param_error("failed to parse order (" + std::string(text) + ")",
                             std::move(details));
}

}  // namespace

Result<std::vector<OrderTerm>> parse_order(std::string_view text) {
    std::vector<OrderTerm> out;
    Cursor cur(text);
    while (!cur.done()) {
        OrderTerm term;
        auto name = cur.name(kOrderStops);
        if (!name) return order_error(text, "expected a column name");
        if (cur.consume("(")) {
            // rel(col): order by a column of a to-one embed
            term.relation = std::move(*name);
            auto col = cur.name(kOrderStops);
            if (!col) return order_error(text, "expected a column inside " + term.relation + "()");
            term.field.name = std::move(*col);
            if (!cur.json_path(term.field.path, kOrderStops)) return order_error(text, "invalid JSON path");
            if (!cur.consume(")")) return order_error(text, "expected \")\"");
        } else {
            term.field.name = std::move(*name);
            if (!cur.json_path(term.field.path, kOrderStops)) return order_error(text, "invalid JSON path");
        }
        bool direction_seen = false;
        while (cur.consume(".")) {
            auto mod = cur.name(kOrderStops);
            if (!mod) return order_error(text, "expected asc, desc, nullsfirst or nullslast");
            if ((*mod == "asc" || *mod == "desc") && !direction_seen && !term.nulls_first) {
                term.descending = *mod == "desc";
                direction_seen = true;
            } else if ((*mod == "nullsfirst" || *mod == "nullslast") && !term.nulls_first) {
                term.nulls_first = *mod == "nullsfirst";
            } else {
                return order_error(text, "unexpected \"" + *mod +
                                             "\"; expected asc, desc, nullsfirst or nullslast");
            }
        }
        out.push_back(std::move(term));
        if (cur.done()) break;
        if (!cur.consume(",")) return order_error(text, "expected \",\" between terms");
        if (cur.done()) return order_error(text, "trailing \",\"");
    }
    if (out.empty()) return order_error(text, "empty order");
    return out;
}

Result<std::vector<std::string>> parse_columns(std::string_view text) {
    // columns="a","b" (supabase-js quotes every name) or a,b
    std::vector<std::string> out;
    Cursor cur(text);
    while (!cur.done()) {
        auto name = cur.name(",");
        if (!name) {
            return query_param_error("failed to parse columns parameter (" + std::string(text) + ")",
                                     "expected a column name");
        }
        out.push_back(std::move(*name));
        if (cur.done()) break;
        if (!cur.consume(",")) {
            return query_param_error("failed to parse columns parameter (" + std::string(text) + ")",
                                     "expected \",\" between column names");
        }
    }
    return out;
}

Result<std::int64_t> parse_non_negative(std::string_view name, std::string_view text) {
    std::int64_t v = -1;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size() || v < 0) {
        return query_param_error("failed to parse " + std::string(name) + " parameter (" +
                                     std::string(text) + ")",
                                 "expected a non-negative integer");
    }
    return v;
}

Result<Range> parse_range_header(std::string_view text) {
    // "items=0-9", "0-9" or "10-" (open-ended)
    if (text.starts_with("items=")) text.remove_prefix(6);
    auto dash = text.find('-');
    auto invalid = [&](std::string details) {
        Error e;
        e.status = 416;
        e.code = "PGRST103";
        e.message = "Requested range not satisfiable";
        e.details = std::move(details);
        return e;
    };
    if (dash == std::string_view::npos) return invalid("The Range header must look like 0-9.");
    std::int64_t lower = 0;
    auto ls = text.substr(0, dash);
    auto [p1, e1] = std::from_chars(ls.data(), ls.data() + ls.size(), lower);
    if (e1 != std::errc() || p1 != ls.data() + ls.size() || lower < 0) {
        return invalid("The Range header must look like 0-9.");
    }
    Range r;
    r.offset = lower;
    auto us = text.substr(dash + 1);
    if (!us.empty()) {
        std::int64_t upper = 0;
        auto [p2, e2] = std::from_chars(us.data(), us.data() + us.size(), upper);
        if (e2 != std::errc() || p2 != us.data() + us.size()) {
            return invalid("The Range header must look like 0-9.");
        }
        if (upper < lower) {
            return invalid(
                "The lower boundary must be lower than or equal to the upper boundary in the Range "
                "header.");
        }
        r.limit = upper - lower + 1;
    }
    return r;
}

}  // namespace basalt::rest
