// Horizontal filtering: `col=[not.]op[(mod)].value`, in-lists, and the or=/and= logic trees
// with nesting, negation and quoted values (PostgREST docs "Operators", "Logical operators").
#include <array>

#include "rest/parse/cursor.hpp"
#include "rest/parse/parse.hpp"

namespace basalt::rest {

namespace {

using detail::Cursor;

struct OpName {
    std::string_view name;
    Op op;
};

constexpr std::array kOps = {
    OpName{"eq", Op::kEq},           OpName{"neq", Op::kNeq},
    OpName{"gt", Op::kGt},           OpName{"gte", Op::kGte},
    OpName{"lt", Op::kLt},           OpName{"lte", Op::kLte},
    OpName{"like", Op::kLike},       OpName{"ilike", Op::kIlike},
    OpName{"match", Op::kMatch},     OpName{"imatch", Op::kImatch},
    OpName{"is", Op::kIs},           OpName{"isdistinct", Op::kIsDistinct},
    OpName{"in", Op::kIn},           OpName{"cs", Op::kContains},
    OpName{"cd", Op::kContained},    OpName{"ov", Op::kOverlaps},
    OpName{"sl", Op::kStrictlyLeft}, OpName{"sr", Op::kStrictlyRight},
    OpName{"nxr", Op::kNotExtendRight}, OpName{"nxl", Op::kNotExtendLeft},
    OpName{"adj", Op::kAdjacent},    OpName{"fts", Op::kFts},
    OpName{"plfts", Op::kPlfts},     OpName{"phfts", Op::kPhfts},
    OpName{"wfts", Op::kWfts},
};

std::optional<Op> op_named(std::string_view name) {
    for (const auto& o : kOps) {
        if (o.name == name) return o.op;
    }
    return std::nullopt;
}

bool quantifiable(Op op) {
    switch (op) {
        case Op::kEq: case Op::kNeq: case Op::kGt: case Op::kGte: case Op::kLt: case Op::kLte:
        case Op::kLike: case Op::kIlike: case Op::kMatch: case Op::kImatch:
            return true;
        default:
            return false;
    }
}

bool is_fts(Op op) {
    return op == Op::kFts || op == Op::kPlfts || op == Op::kPhfts || op == Op::kWfts;
}

Error filter_error(std::string_view text, std::string details) {
    return query_param_error("failed to parse filter (" + std::string(text) + ")",
                             std::move(details));
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// in.(a,"b,c",d): elements split on top-level commas; "quoted" elements lose their quotes and
// backslash escapes; duplicates are kept (the SQL = ANY() makes them harmless).
std::optional<std::vector<std::string>> parse_in_list(std::string_view v) {
    if (v.size() < 2 || v.front() != '(' || v.back() != ')') return std::nullopt;
    v = v.substr(1, v.size() - 2);
    std::vector<std::string> out;
    if (v.empty()) return out;
    std::size_t i = 0;
    while (true) {
        std::string elem;
        if (i < v.size() && v[i] == '"') {
            ++i;
            bool closed = false;
            while (i < v.size()) {
                char c = v[i];
                if (c == '\\' && i + 1 < v.size()) {
                    elem += v[i + 1];
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    closed = true;
                    ++i;
                    break;
                }
                elem += c;
                ++i;
            }
            if (!closed) return std::nullopt;
            if (i < v.size() && v[i] != ',') return std::nullopt;
        } else {
            while (i < v.size() && v[i] != ',') elem += v[i++];
        }
        out.push_back(std::move(elem));
        if (i >= v.size()) break;
        ++i;  // ','
        if (i >= v.size()) {
            out.emplace_back();  // trailing comma: one more empty element
            break;
        }
    }
    return out;
}

// "[not.]op[(mod)].value" -> Condition (field filled by the caller).
Result<Condition> parse_operation(std::string_view text, std::string_view whole) {
    Condition cond;
    std::string_view s = text;
    if (s.starts_with("not.")) {
        cond.negated = true;
        s.remove_prefix(4);
    }
    // The operator ends at the first '.' outside its (modifier): fts(pg_catalog.english).x
    auto dot = s.find('.');
    if (auto paren = s.find('('); paren != std::string_view::npos && paren < dot) {
        auto close = s.find(')', paren);
        dot = close == std::string_view::npos ? std::string_view::npos : s.find('.', close);
    }
    if (dot == std::string_view::npos) return filter_error(whole, "expected an operator and a value: op.value");
    std::string_view op_part = s.substr(0, dot);
    std::string_view value = s.substr(dot + 1);
    std::string_view modifier;
    bool has_modifier = false;
    if (auto paren = op_part.find('('); paren != std::string_view::npos) {
        if (op_part.back() != ')') return filter_error(whole, "unbalanced operator modifier");
        modifier = op_part.substr(paren + 1, op_part.size() - paren - 2);
        op_part = op_part.substr(0, paren);
        has_modifier = true;
    }
    auto op = op_named(op_part);
    if (!op) {
        return filter_error(whole, "unknown operator \"" + std::string(op_part) +
                                       "\"; expected eq, neq, gt, gte, lt, lte, like, ilike, "
                                       "match, imatch, is, isdistinct, in, cs, cd, ov, sl, sr, "
                                       "nxr, nxl, adj, fts, plfts, phfts or wfts");
    }
    cond.op = *op;
    if (has_modifier) {
        if (is_fts(cond.op)) {
            if (modifier.empty()) return filter_error(whole, "empty text search configuration");
            cond.fts_config = std::string(modifier);
        } else if (quantifiable(cond.op) && (modifier == "any" || modifier == "all")) {
            cond.quantifier = modifier == "any" ? Quantifier::kAny : Quantifier::kAll;
        } else {
            return filter_error(whole, "invalid modifier \"" + std::string(modifier) + "\"");
        }
    }
    cond.value = std::string(value);
    if (cond.op == Op::kIs) {
        const auto v = lower(value);
        if (v == "null") cond.is_value = IsValue::kNull;
        else if (v == "not_null") cond.is_value = IsValue::kNotNull;
        else if (v == "true") cond.is_value = IsValue::kTrue;
        else if (v == "false") cond.is_value = IsValue::kFalse;
        else if (v == "unknown") cond.is_value = IsValue::kUnknown;
        else return filter_error(whole, "is. accepts null, not_null, true, false or unknown");
    } else if (cond.op == Op::kIn) {
        auto list = parse_in_list(value);
        if (!list) return filter_error(whole, "in. expects a list like (1,2,\"a,b\")");
        cond.list = std::move(*list);
    }
    return cond;
}

Result<Field> parse_field(std::string_view text, std::string_view whole) {
    Cursor cur(text);
    auto name = cur.name("");
    if (!name) return filter_error(whole, "expected a column name");
    Field f{.name = std::move(*name), .path = {}};
    if (!cur.json_path(f.path, "") || !cur.done()) return filter_error(whole, "invalid column or JSON path");
    return f;
}

// ---- logic trees ---------------------------------------------------------------------------

class LogicParser {
public:
    explicit LogicParser(std::string_view whole) : whole_(whole), cur_(whole) {}

    // "(item,item,...)" after the or/and keyword.
    Result<LogicTree> run(LogicTree::Kind kind, bool negated, std::string_view body) {
        cur_ = Cursor(body);
        auto tree = group(kind, negated, 0);
        if (!tree) return tree;
        if (!cur_.done()) return fail("unexpected text after the closing parenthesis");
        return tree;
    }

private:
    Error fail(std::string details) {
        return query_param_error("failed to parse logic tree (" + std::string(whole_) + ")",
                                 std::move(details));
    }

    Result<LogicTree> group(LogicTree::Kind kind, bool negated, int depth) {
        if (depth > detail::kMaxDepth) return fail("logic tree is nested too deeply");
        if (!cur_.consume("(")) return fail("expected \"(\"");
        LogicTree tree;
        tree.kind = kind;
        tree.negated = negated;
        while (true) {
            auto child = item(depth);
            if (!child) return child;
            tree.children.push_back(std::move(child).value());
            if (cur_.consume(",")) continue;
            if (cur_.consume(")")) break;
            return fail("expected \",\" or \")\"");
        }
        return tree;
    }

    Result<LogicTree> item(int depth) {
        bool negated = false;
        auto save = cur_;
        if (cur_.consume("not.")) negated = true;
        if (cur_.starts_with("and(")) {
            cur_.advance(3);
            return group(LogicTree::Kind::kAnd, negated, depth + 1);
        }
        if (cur_.starts_with("or(")) {
            cur_.advance(2);
            return group(LogicTree::Kind::kOr, negated, depth + 1);
        }
        cur_ = save;
        return leaf();
    }

    // field.[not.]op[(mod)].value where value may be "quoted", (a list) or {an,array}.
    Result<LogicTree> leaf() {
        const std::size_t start = cur_.pos();
        auto name = cur_.name(".,()");
        if (!name) return fail("expected a column name");
        Field field{.name = std::move(*name), .path = {}};
        if (!cur_.json_path(field.path, ".,()")) return fail("invalid JSON path");
        if (!cur_.consume(".")) return fail("expected \".\" after the column name");
        std::string op_text;
        if (cur_.consume("not.")) op_text = "not.";
        // operator with optional (modifier)
        while (!cur_.done() && cur_.peek() != '.' && cur_.peek() != '(' && cur_.peek() != ',' &&
               cur_.peek() != ')') {
            op_text += cur_.peek();
            cur_.advance();
        }
        if (cur_.peek() == '(') {
            while (!cur_.done() && cur_.peek() != ')') {
                op_text += cur_.peek();
                cur_.advance();
            }
            if (!cur_.consume(")")) return fail("unbalanced operator modifier");
            op_text += ')';
        }
        if (!cur_.consume(".")) return fail("expected \".\" after the operator");
        auto value = this->value();
        if (!value) return value.error();
        auto whole_item = cur_.text().substr(start, cur_.pos() - start);
        auto cond = parse_operation(op_text + "." + *value, whole_item);
        if (!cond) return cond.error();
        LogicTree tree;
        tree.kind = LogicTree::Kind::kLeaf;
        tree.leaf = std::move(cond).value();
        tree.leaf.field = std::move(field);
        return tree;
    }

    Result<std::string> value() {
        std::string out;
        if (cur_.peek() == '"') {
            // A quoted value: the quotes go, \" and \\ unescape.
            cur_.advance();
            while (!cur_.done()) {
                char c = cur_.peek();
                if (c == '\\' && cur_.peek(1) != '\0') {
                    out += cur_.peek(1);
                    cur_.advance(2);
                    continue;
                }
                if (c == '"') {
                    cur_.advance();
                    return out;
                }
                out += c;
                cur_.advance();
            }
            return fail("unterminated quoted value");
        }
        if (cur_.peek() == '(' || cur_.peek() == '{') {
            // Balanced group kept verbatim: in.(…) lists, {…} arrays. Quotes inside protect
            // parentheses and commas.
            const char open = cur_.peek();
            const char close = open == '(' ? ')' : '}';
            int level = 0;
            bool quoted = false;
            while (!cur_.done()) {
                char c = cur_.peek();
                out += c;
                cur_.advance();
                if (quoted) {
                    if (c == '\\' && !cur_.done()) {
                        out += cur_.peek();
                        cur_.advance();
                    } else if (c == '"') {
                        quoted = false;
                    }
                    continue;
                }
                if (c == '"') quoted = true;
                else if (c == open) ++level;
                else if (c == close && --level == 0) return out;
            }
            return fail("unbalanced parentheses in a value");
        }
        while (!cur_.done() && cur_.peek() != ',' && cur_.peek() != ')') {
            out += cur_.peek();
            cur_.advance();
        }
        return out;
    }

    std::string_view whole_;
    Cursor cur_;
};

}  // namespace

std::string_view to_string(Op op) {
    for (const auto& o : kOps) {
        if (o.op == op) return o.name;
    }
    return "eq";
}

std::pair<std::vector<std::string>, std::string> split_embed_path(std::string_view key) {
    // Dots separate embed names; a "quoted" segment may contain dots; JSON arrows end the
    // path (data->a.b keeps its dot in the key).
    std::vector<std::string> parts;
    std::string current;
    bool quoted = false;
    for (std::size_t i = 0; i < key.size(); ++i) {
        char c = key[i];
        if (c == '"') quoted = !quoted;
        if (!quoted && c == '-' && i + 1 < key.size() && key[i + 1] == '>') {
            current.append(key.substr(i));
            break;
        }
        if (!quoted && c == '.') {
            parts.push_back(std::move(current));
            current.clear();
            continue;
        }
        current += c;
    }
    std::string last = std::move(current);
    return {std::move(parts), std::move(last)};
}

Result<Filter> parse_filter(std::string_view key, std::string_view value) {
    auto [path, column] = split_embed_path(key);
    std::string whole = std::string(key) + "=" + std::string(value);
    for (const auto& p : path) {
        if (p.empty()) return filter_error(whole, "empty embedded resource name");
    }
    auto field = parse_field(column, whole);
    if (!field) return field.error();
    auto cond = parse_operation(value, whole);
    if (!cond) return cond.error();
    Filter f;
    f.path = std::move(path);
    f.tree.kind = LogicTree::Kind::kLeaf;
    f.tree.leaf = std::move(cond).value();
    f.tree.leaf.field = std::move(field).value();
    return f;
}

Result<Filter> parse_logic(std::string_view key, std::string_view value) {
    // key: [path.][not.](or|and)
    auto [path, last] = split_embed_path(key);
    bool negated = false;
    if (last == "or" || last == "and") {
        if (!path.empty() && path.back() == "not") {
            negated = true;
            path.pop_back();
        }
    } else {
        return query_param_error("failed to parse logic tree (" + std::string(key) + ")",
                                 "expected or/and");
    }
    const auto kind = last == "or" ? LogicTree::Kind::kOr : LogicTree::Kind::kAnd;
    std::string whole = std::string(key) + "=" + std::string(value);
    auto tree = LogicParser(whole).run(kind, negated, value);
    if (!tree) return tree.error();
    return Filter{.path = std::move(path), .tree = std::move(tree).value()};
}

}  // namespace basalt::rest
