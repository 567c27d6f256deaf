// select= grammar: columns, aliases, casts, JSON paths, aggregates, embeds with hints and
// !inner, spreads. PostgREST's forms (docs "Vertical Filtering", "Resource Embedding").
#include <algorithm>

#include "rest/parse/cursor.hpp"
#include "rest/parse/parse.hpp"

namespace basalt::rest {

namespace {

using detail::Cursor;

// Characters that end a plain name inside select=.
constexpr std::string_view kSelectStops = ",()!:.";

Error select_error(std::string_view text, std::string details) {
    return query_param_error("failed to parse select parameter (" + std::string(text) + ")",
                             std::move(details));
}

bool valid_cast(std::string_view t) {
    // A bare type name, optionally an array: no spaces, quotes or punctuation can reach SQL.
    if (t.ends_with("[]")) t.remove_suffix(2);
    if (t.empty() || t.size() > 63) return false;
    return std::all_of(t.begin(), t.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    });
}

std::optional<std::string> read_cast(Cursor& cur) {
    if (!cur.consume("::")) return std::string{};
    std::size_t start = cur.pos();
    while (!cur.done()) {
        char c = cur.peek();
        if (c == ',' || c == ')' || c == '.' || c == '(' || c == ':') break;
        cur.advance();
    }
    std::string t(cur.text().substr(start, cur.pos() - start));
    if (!valid_cast(t)) return std::nullopt;
    return t;
}

std::optional<Aggregate> aggregate_named(std::string_view name) {
    if (name == "count") return Aggregate::kCount;
    if (name == "sum") return Aggregate::kSum;
    if (name == "avg") return Aggregate::kAvg;
    if (name == "min") return Aggregate::kMin;
    if (name == "max") return Aggregate::kMax;
    return std::nullopt;
}

class SelectParser {
public:
    explicit SelectParser(std::string_view text) : cur_(text), text_(text) {}

    Result<std::vector<SelectItem>> run() {
        auto items = list(0);
        if (!items) return items;
        if (!cur_.done()) return fail("unexpected \"" + std::string(1, cur_.peek()) + "\"");
        return items;
    }

private:
    Error fail(std::string details) { return select_error(text_, std::move(details)); }

    Result<std::vector<SelectItem>> list(int depth) {
        std::vector<SelectItem> out;
        if (depth > detail::kMaxDepth) return fail("embedding is nested too deeply");
        if (cur_.done() || cur_.peek() == ')') return out;  // empty list: rel()
        while (true) {
            auto item = one(depth);
            if (!item) return item.error();
            out.push_back(std::move(item).value());
            if (!cur_.consume(",")) break;
        }
        return out;
    }

    Result<SelectItem> one(int depth) {
        // PostgreSQL allows 1664 target-list entries; refuse earlier with a 400.
        if (++items_ > kMaxItems) return fail("too many items in select");
        SelectItem item;
        if (cur_.consume("...")) item.spread = true;
        if (!item.spread && cur_.consume("*")) {
            item.kind = SelectItem::Kind::kStar;
            return item;
        }
        auto first = cur_.name(kSelectStops);
        if (!first) return fail("expected a column name");
        std::string name = std::move(*first);
        // alias:thing (a single ':'; '::' is a cast)
        if (cur_.peek() == ':' && cur_.peek(1) != ':') {
            cur_.advance();
            item.alias = std::move(name);
            if (cur_.consume("...")) return fail("a spread cannot be aliased");
            auto real = cur_.name(kSelectStops);
            if (!real) return fail("expected a column name after the alias");
            name = std::move(*real);
        }
        if (cur_.peek() == '(' || cur_.peek() == '!') return embed(std::move(item), std::move(name), depth);
        if (item.spread) return fail("'...' must be followed by an embedded resource");
        return field(std::move(item), std::move(name));
    }

    Result<SelectItem> embed(SelectItem item, std::string name, int depth) {
        if (name == "count" && cur_.starts_with("()")) {
            // count() is the whole-row aggregate, not an embed of a relation named "count".
            cur_.advance(2);
            item.kind = SelectItem::Kind::kCountAll;
            item.aggregate = Aggregate::kCount;
            auto cast = read_cast(cur_);
            if (!cast) return fail("invalid cast");
            item.aggregate_cast = std::move(*cast);
            return item;
        }
        item.kind = SelectItem::Kind::kEmbed;
        item.relation = std::move(name);
        while (cur_.consume("!")) {
            auto bang = cur_.name(kSelectStops);
            if (!bang) return fail("expected a hint or inner/left after '!'");
            if (*bang == "inner") {
                item.join = JoinKind::kInner;
            } else if (*bang == "left") {
                item.join = JoinKind::kLeft;
            } else if (item.hint.empty()) {
                item.hint = std::move(*bang);
            } else {
                return fail("only one hint is allowed per embedded resource");
            }
        }
        if (!cur_.consume("(")) return fail("expected \"(\" after the embedded resource name");
        auto children = list(depth + 1);
        if (!children) return children.error();
        if (!cur_.consume(")")) return fail("expected \")\" to close the embedded resource");
        item.children = std::move(children).value();
        return item;
    }

    Result<SelectItem> field(SelectItem item, std::string name) {
        item.kind = SelectItem::Kind::kField;
        item.field.name = std::move(name);
        if (!cur_.json_path(item.field.path, kSelectStops)) return fail("invalid JSON path");
        auto cast = read_cast(cur_);
        if (!cast) return fail("invalid cast");
        item.cast = std::move(*cast);
        if (cur_.peek() == '.') {
            cur_.advance();
            auto agg_name = cur_.name(kSelectStops);
            if (!agg_name || !cur_.consume("()")) return fail("expected an aggregate like sum()");
            auto agg = aggregate_named(*agg_name);
            if (!agg) return fail("unknown aggregate \"" + *agg_name + "\"");
            item.aggregate = *agg;
            auto after = read_cast(cur_);
            if (!after) return fail("invalid cast");
            item.aggregate_cast = std::move(*after);
        }
        return item;
    }

    static constexpr int kMaxItems = 1000;
    Cursor cur_;
    std::string_view text_;
    int items_ = 0;
};

}  // namespace

Error query_param_error(std::string message, std::string details) {
    Error e = Error::bad_request("PGRST100", std::move(message));
    if (!details.empty()) e.details = std::move(details);
    return e;
}

Result<std::vector<SelectItem>> parse_select(std::string_view text) {
    return SelectParser(text).run();
}

}  // namespace basalt::rest
