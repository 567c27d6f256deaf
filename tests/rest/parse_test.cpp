// rest::parse grammar: select trees, every filter operator, logic trees, order, Prefer,
// Accept, Range, and request-level checks (method, schema profile, body). Tables of named
// cases; hostile input must come back as a 4xx Error, never a crash.
#include <gtest/gtest.h>

#include "rest/parse/parse.hpp"

namespace basalt::rest {
namespace {

TEST(ParseSelect, CapturedSupabaseSelect) {
    // select=id,title:name,price::text,owner:users!owner_id(id,email),cats(*),data->a->>b,count()
    auto r = parse_select("id,title:name,price::text,owner:users!owner_id(id,email),cats(*),data->a->>b,count()");
    ASSERT_TRUE(r.ok()) << r.error().message;
    const auto& items = *r;
    ASSERT_EQ(items.size(), 7u);
    EXPECT_EQ(items[0].field.name, "id");
    EXPECT_EQ(items[1].alias, "title");
    EXPECT_EQ(items[1].field.name, "name");
    EXPECT_EQ(items[2].cast, "text");
    EXPECT_EQ(items[3].kind, SelectItem::Kind::kEmbed);
    EXPECT_EQ(items[3].alias, "owner");
    EXPECT_EQ(items[3].relation, "users");
    EXPECT_EQ(items[3].hint, "owner_id");
    ASSERT_EQ(items[3].children.size(), 2u);
    EXPECT_EQ(items[4].children[0].kind, SelectItem::Kind::kStar);
    ASSERT_EQ(items[5].field.path.size(), 2u);
    EXPECT_EQ(items[5].field.path[0].key, "a");
    EXPECT_FALSE(items[5].field.path[0].as_text);
    EXPECT_TRUE(items[5].field.path[1].as_text);
    EXPECT_EQ(items[6].kind, SelectItem::Kind::kCountAll);
}

TEST(ParseSelect, EmbedForms) {
    auto r = parse_select("*,authors!inner(name,profiles(*)),...editor:authors!editor_id(editor_name:name),tags!book_tags()");
    ASSERT_TRUE(r.ok()) << r.error().message;
    const auto& items = *r;
    ASSERT_EQ(items.size(), 4u);
    EXPECT_EQ(items[1].join, JoinKind::kInner);
    EXPECT_EQ(items[1].children[1].relation, "profiles");
    EXPECT_TRUE(items[2].spread);
    EXPECT_EQ(items[2].hint, "editor_id");
    EXPECT_TRUE(items[3].children.empty());
    EXPECT_EQ(items[3].hint, "book_tags");
}

TEST(ParseSelect, QuotedNamesAggregatesAndIndexes) {
    auto r = parse_select(R"("Col ;--","my col":"naïve",data->0->>-1,price.sum()::int,id::int.max())");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ((*r)[0].field.name, "Col ;--");
    EXPECT_EQ((*r)[1].alias, "my col");
    EXPECT_EQ((*r)[1].field.name, "naïve");
    EXPECT_TRUE((*r)[2].field.path[0].index);
    EXPECT_TRUE((*r)[2].field.path[1].index);
    EXPECT_EQ((*r)[3].aggregate, Aggregate::kSum);
    EXPECT_EQ((*r)[3].aggregate_cast, "int");
    EXPECT_EQ((*r)[4].cast, "int");
    EXPECT_EQ((*r)[4].aggregate, Aggregate::kMax);
}

TEST(ParseSelect, Rejections) {
    const char* bad[] = {
        "id,(",                     // stray paren
        "authors(name",             // unclosed embed
        "price::text;drop",         // cast must be a bare type name
        "price::\"text\"",          // quoted cast
        "price::timestamp with time zone",
        "\"unterminated",
        "id,,name",
        "x.nosuchagg()",
        "...id",                    // spread of a plain column
        "a:...b(c)",
    };
    for (const char* s : bad) {
        auto r = parse_select(s);
        EXPECT_FALSE(r.ok()) << s;
        if (!r.ok()) {
            EXPECT_EQ(r.error().status, 400) << s;
            EXPECT_EQ(r.error().code, "PGRST100") << s;
        }
    }
    std::string deep;
    for (int i = 0; i < 100; ++i) deep += "a(";
    deep += "id";
    for (int i = 0; i < 100; ++i) deep += ")";
    EXPECT_FALSE(parse_select(deep).ok());
    std::string wide = "id";
    for (int i = 0; i < 2000; ++i) wide += ",id";
    EXPECT_FALSE(parse_select(wide).ok());
}

struct FilterCase {
    const char* name;
    const char* key;
    const char* value;
    Op op;
    bool negated;
    Quantifier quantifier;
    const char* stored_value;
};

TEST(ParseFilter, EveryOperator) {
    const FilterCase cases[] = {
        {"eq", "a", "eq.1", Op::kEq, false, Quantifier::kNone, "1"},
        {"neq", "b", "neq.x", Op::kNeq, false, Quantifier::kNone, "x"},
        {"gt", "c", "gt.2", Op::kGt, false, Quantifier::kNone, "2"},
        {"gte", "c", "gte.2", Op::kGte, false, Quantifier::kNone, "2"},
        {"lt", "c", "lt.2", Op::kLt, false, Quantifier::kNone, "2"},
        {"lte", "c", "lte.2", Op::kLte, false, Quantifier::kNone, "2"},
        {"like", "g", "like.%a%", Op::kLike, false, Quantifier::kNone, "%a%"},
        {"ilike", "g", "ilike.*A*", Op::kIlike, false, Quantifier::kNone, "*A*"},
        {"like_all", "o", "like(all).{a%,%b}", Op::kLike, false, Quantifier::kAll, "{a%,%b}"},
        {"ilike_any", "o", "ilike(any).{a%,%b}", Op::kIlike, false, Quantifier::kAny, "{a%,%b}"},
        {"eq_any", "o", "eq(any).{1,2}", Op::kEq, false, Quantifier::kAny, "{1,2}"},
        {"match", "m", "match.^a", Op::kMatch, false, Quantifier::kNone, "^a"},
        {"imatch", "n", "imatch.^b", Op::kImatch, false, Quantifier::kNone, "^b"},
        {"isdistinct", "k", "isdistinct.1", Op::kIsDistinct, false, Quantifier::kNone, "1"},
        {"cs_array", "t", "cs.{a,b}", Op::kContains, false, Quantifier::kNone, "{a,b}"},
        {"cs_json", "j", R"(cs.{"k":1})", Op::kContains, false, Quantifier::kNone, R"({"k":1})"},
        {"cd", "t", "cd.{1}", Op::kContained, false, Quantifier::kNone, "{1}"},
        {"ov_range", "r", "ov.[1,5)", Op::kOverlaps, false, Quantifier::kNone, "[1,5)"},
        {"sr", "r", "sr.[1,5)", Op::kStrictlyRight, false, Quantifier::kNone, "[1,5)"},
        {"sl", "r", "sl.[1,5)", Op::kStrictlyLeft, false, Quantifier::kNone, "[1,5)"},
        {"nxr", "r", "nxr.[1,5)", Op::kNotExtendRight, false, Quantifier::kNone, "[1,5)"},
        {"nxl", "r", "nxl.[1,5)", Op::kNotExtendLeft, false, Quantifier::kNone, "[1,5)"},
        {"adj", "r", "adj.[1,5)", Op::kAdjacent, false, Quantifier::kNone, "[1,5)"},
        {"fts", "s", "fts.cat & dog", Op::kFts, false, Quantifier::kNone, "cat & dog"},
        {"plfts", "s", "plfts.cat dog", Op::kPlfts, false, Quantifier::kNone, "cat dog"},
        {"phfts", "s", "phfts.cat dog", Op::kPhfts, false, Quantifier::kNone, "cat dog"},
        {"wfts", "s", "wfts.\"cat dog\" -mouse", Op::kWfts, false, Quantifier::kNone, "\"cat dog\" -mouse"},
        {"not_eq", "c", "not.eq.1", Op::kEq, true, Quantifier::kNone, "1"},
        {"value_with_dots", "v", "eq.a.b.c", Op::kEq, false, Quantifier::kNone, "a.b.c"},
        {"empty_value", "v", "eq.", Op::kEq, false, Quantifier::kNone, ""},
        {"hostile_value", "v", "eq.'; DROP TABLE x;--", Op::kEq, false, Quantifier::kNone, "'; DROP TABLE x;--"},
    };
    for (const auto& c : cases) {
        auto r = parse_filter(c.key, c.value);
        ASSERT_TRUE(r.ok()) << c.name << ": " << r.error().message;
        const auto& leaf = r->tree.leaf;
        EXPECT_EQ(leaf.op, c.op) << c.name;
        EXPECT_EQ(leaf.negated, c.negated) << c.name;
        EXPECT_EQ(leaf.quantifier, c.quantifier) << c.name;
        EXPECT_EQ(leaf.value, c.stored_value) << c.name;
        EXPECT_EQ(leaf.field.name, c.key) << c.name;
    }
}

TEST(ParseFilter, InListsIsAndFtsConfig) {
    auto in = parse_filter("a", R"x(in.(1,2,"x,y","p(q)","say \"hi\""))x");
    ASSERT_TRUE(in.ok()) << in.error().message;
    EXPECT_EQ(in->tree.leaf.list, (std::vector<std::string>{"1", "2", "x,y", "p(q)", "say \"hi\""}));
    auto not_in = parse_filter("b", "not.in.(u)");
    ASSERT_TRUE(not_in.ok());
    EXPECT_TRUE(not_in->tree.leaf.negated);
    EXPECT_EQ(not_in->tree.leaf.list, std::vector<std::string>{"u"});
    auto empty = parse_filter("b", "in.()");
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->tree.leaf.list.empty());

    EXPECT_EQ(parse_filter("i", "is.null")->tree.leaf.is_value, IsValue::kNull);
    EXPECT_EQ(parse_filter("i", "IS.NULL").ok(), false);  // the operator is lower-case
    EXPECT_EQ(parse_filter("i", "is.TRUE")->tree.leaf.is_value, IsValue::kTrue);
    EXPECT_EQ(parse_filter("i", "is.unknown")->tree.leaf.is_value, IsValue::kUnknown);
    EXPECT_EQ(parse_filter("i", "not.is.null")->tree.leaf.negated, true);

    auto fts = parse_filter("s", "plfts(english).the cat");
    ASSERT_TRUE(fts.ok());
    EXPECT_EQ(fts->tree.leaf.fts_config, std::optional<std::string>("english"));
    auto dotted = parse_filter("s", "fts(pg_catalog.english).x");
    ASSERT_TRUE(dotted.ok()) << dotted.error().message;
    EXPECT_EQ(dotted->tree.leaf.fts_config, std::optional<std::string>("pg_catalog.english"));
}

TEST(ParseFilter, KeysWithEmbedsAndJsonPaths) {
    auto f = parse_filter("authors.profiles.website", "eq.x");
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->path, (std::vector<std::string>{"authors", "profiles"}));
    EXPECT_EQ(f->tree.leaf.field.name, "website");
    auto j = parse_filter("meta->>lang", "eq.en");
    ASSERT_TRUE(j.ok());
    EXPECT_EQ(j->tree.leaf.field.name, "meta");
    EXPECT_EQ(j->tree.leaf.field.path.size(), 1u);
    auto jd = parse_filter("meta->a.b", "eq.1");  // the dot stays in the JSON key
    ASSERT_TRUE(jd.ok());
    EXPECT_TRUE(jd->path.empty());
    EXPECT_EQ(jd->tree.leaf.field.path[0].key, "a.b");
}

TEST(ParseFilter, Rejections) {
    const std::pair<const char*, const char*> bad[] = {
        {"a", "1"},                 // no operator
        {"a", "equals.1"},          // unknown operator
        {"a", "is.maybe"},
        {"a", "in.1,2"},            // in without parentheses
        {"a", "in.(\"open"},
        {"a", "eq(some).{1}"},      // bad quantifier
        {"a", "is(any).null"},      // quantifier on is
        {"a", "fts().x"},
        {"", "eq.1"},
    };
    for (const auto& [k, v] : bad) {
        auto r = parse_filter(k, v);
        EXPECT_FALSE(r.ok()) << k << "=" << v;
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, "PGRST100");
        }
    }
}

TEST(ParseLogic, TreesNegationAndQuoting) {
    auto r = parse_logic("or", "(a.eq.1,and(b.gt.2,c.lt.3),not.and(d.is.null,e.in.(1,2)),f.not.eq.\"x,y)\")");
    ASSERT_TRUE(r.ok()) << r.error().message;
    const auto& t = r->tree;
    EXPECT_EQ(t.kind, LogicTree::Kind::kOr);
    ASSERT_EQ(t.children.size(), 4u);
    EXPECT_EQ(t.children[1].kind, LogicTree::Kind::kAnd);
    EXPECT_TRUE(t.children[2].negated);
    EXPECT_EQ(t.children[2].children[1].leaf.list, (std::vector<std::string>{"1", "2"}));
    EXPECT_TRUE(t.children[3].leaf.negated);
    EXPECT_EQ(t.children[3].leaf.value, "x,y)");

    auto neg = parse_logic("not.or", "(a.eq.1,b.eq.2)");
    ASSERT_TRUE(neg.ok());
    EXPECT_TRUE(neg->tree.negated);
    auto embedded = parse_logic("authors.or", "(name.eq.x,country.is.null)");
    ASSERT_TRUE(embedded.ok());
    EXPECT_EQ(embedded->path, std::vector<std::string>{"authors"});
    auto arr = parse_logic("and", "(tags.cs.{a,b},meta->>lang.eq.en)");
    ASSERT_TRUE(arr.ok()) << arr.error().message;
    EXPECT_EQ(arr->tree.children[0].leaf.value, "{a,b}");
    EXPECT_EQ(arr->tree.children[1].leaf.field.path[0].key, "lang");
}

TEST(ParseLogic, Rejections) {
    const char* bad[] = {"a.eq.1", "(a.eq.1", "(a.eq.1))", "(a.zz.1)", "()", "(and(a.eq.1)", "(a.eq.\"x)"};
    for (const char* v : bad) EXPECT_FALSE(parse_logic("or", v).ok()) << v;
    std::string deep = "(";
    for (int i = 0; i < 200; ++i) deep += "or(";
    deep += "a.eq.1";
    for (int i = 0; i < 200; ++i) deep += ")";
    deep += ")";
    auto r = parse_logic("or", deep);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 400);
}

TEST(ParseOrder, Terms) {
    auto r = parse_order("a.asc,b.desc.nullsfirst,c.nullslast,data->>k.desc,authors(name).desc");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->size(), 5u);
    EXPECT_FALSE((*r)[0].descending);
    EXPECT_TRUE((*r)[1].descending);
    EXPECT_EQ((*r)[1].nulls_first, std::optional<bool>(true));
    EXPECT_EQ((*r)[2].nulls_first, std::optional<bool>(false));
    EXPECT_EQ((*r)[3].field.path[0].key, "k");
    EXPECT_EQ((*r)[4].relation, "authors");
    EXPECT_EQ((*r)[4].field.name, "name");
    for (const char* bad : {"a.up", "a.asc.desc", "", "a,", "rel(x"}) {
        EXPECT_FALSE(parse_order(bad).ok()) << bad;
    }
}

TEST(ParseHeaders, PreferAcceptRange) {
    auto p = parse_prefer({"count=exact, missing=default, return=representation", "tx=rollback"});
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->count, CountPref::kExact);
    EXPECT_TRUE(p->missing_default);
    EXPECT_EQ(p->return_pref, std::optional<ReturnPref>(ReturnPref::kRepresentation));
    EXPECT_EQ(p->tx_rollback, std::optional<bool>(true));
    EXPECT_EQ(p->applied.size(), 4u);
    auto lenient = parse_prefer({"bogus=1, return=minimal"});
    ASSERT_TRUE(lenient.ok());
    auto strict = parse_prefer({"handling=strict, bogus=1"});
    ASSERT_FALSE(strict.ok());
    EXPECT_EQ(strict.error().code, "PGRST122");
    auto max = parse_prefer({"handling=strict, max-affected=5"});
    ASSERT_TRUE(max.ok());
    EXPECT_EQ(max->max_affected, std::optional<std::int64_t>(5));

    bool strip = false;
    EXPECT_EQ(*parse_accept("*/*", false, &strip), MediaType::kJson);
    EXPECT_EQ(*parse_accept("application/vnd.pgrst.object+json", false, &strip), MediaType::kSingleObject);
    EXPECT_EQ(*parse_accept("application/vnd.pgrst.object+json;nulls=stripped", false, &strip),
              MediaType::kSingleObject);
    EXPECT_TRUE(strip);
    EXPECT_EQ(*parse_accept("text/csv", false, nullptr), MediaType::kCsv);
    EXPECT_EQ(*parse_accept("text/html, application/json;q=0.5", false, nullptr), MediaType::kJson);
    EXPECT_EQ(*parse_accept("application/openapi+json", true, nullptr), MediaType::kOpenApi);
    auto bad = parse_accept("application/geo+json", false, nullptr);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().status, 406);
    EXPECT_EQ(bad.error().code, "PGRST107");

    auto range = parse_range_header("0-9");
    ASSERT_TRUE(range.ok());
    EXPECT_EQ(range->offset, 0);
    EXPECT_EQ(range->limit, std::optional<std::int64_t>(10));
    auto open = parse_range_header("items=5-");
    ASSERT_TRUE(open.ok());
    EXPECT_EQ(open->offset, 5);
    EXPECT_FALSE(open->limit.has_value());
    auto inverted = parse_range_header("9-2");
    ASSERT_FALSE(inverted.ok());
    EXPECT_EQ(inverted.error().status, 416);
    EXPECT_EQ(inverted.error().code, "PGRST103");
}

// --- whole requests ---------------------------------------------------------------------

struct Req {
    std::string method = "GET";
    std::string resource = "books";
    bool rpc = false;
    Pairs query;
    Pairs headers;
    std::string body;
};

Result<ApiRequest> run(const Req& r, std::vector<std::string> schemas = {"public", "api"}) {
    RawRequest raw{.method = r.method, .resource = r.resource, .rpc = r.rpc, .query = &r.query,
                   .headers = &r.headers, .body = r.body};
    return parse(raw, ParseOptions{.schemas = std::move(schemas)});
}

TEST(ParseRequest, MethodsToActions) {
    EXPECT_EQ(run({.method = "GET"})->action, Action::kRead);
    EXPECT_TRUE(run({.method = "HEAD"})->head);
    EXPECT_EQ(run({.method = "POST", .body = "{\"a\":1}"})->action, Action::kInsert);
    EXPECT_EQ(run({.method = "PATCH", .body = "{\"a\":1}"})->action, Action::kUpdate);
    EXPECT_EQ(run({.method = "PUT", .body = "{\"a\":1}"})->action, Action::kUpsertPut);
    EXPECT_EQ(run({.method = "DELETE"})->action, Action::kDelete);
    EXPECT_EQ(run({.method = "GET", .resource = ""})->action, Action::kSchemaRoot);
    auto call = run({.method = "GET", .resource = "add", .rpc = true, .query = {{"a", "1"}}});
    ASSERT_TRUE(call.ok());
    EXPECT_TRUE(call->get_rpc);
    EXPECT_FALSE(call->filter_params[0].parsed.ok());  // "1" is an argument, not a filter
    auto patch_rpc = run({.method = "PATCH", .resource = "add", .rpc = true});
    ASSERT_FALSE(patch_rpc.ok());
    EXPECT_EQ(patch_rpc.error().code, "PGRST101");
    auto trace = run({.method = "TRACE"});
    ASSERT_FALSE(trace.ok());
    EXPECT_EQ(trace.error().status, 405);
}

TEST(ParseRequest, SchemaProfiles) {
    auto ok = run({.headers = {{"accept-profile", "api"}}});
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->schema, "api");
    EXPECT_EQ(run({})->schema, "public");
    auto bad = run({.headers = {{"accept-profile", "auth"}}});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().status, 406);
    EXPECT_EQ(bad.error().code, "PGRST106");
    EXPECT_EQ(bad.error().message, "Invalid schema: auth");
    // writes use Content-Profile
    auto post = run({.method = "POST", .headers = {{"content-profile", "nope"}}, .body = "{}"});
    ASSERT_FALSE(post.ok());
    EXPECT_EQ(post.error().code, "PGRST106");
}

TEST(ParseRequest, QueryParameters) {
    auto r = run({.query = {{"select", "id,authors(name)"},
                            {"id", "gt.1"},
                            {"authors.name", "eq.x"},
                            {"or", "(a.eq.1,b.eq.2)"},
                            {"order", "id.desc"},
                            {"authors.order", "name"},
                            {"limit", "10"},
                            {"offset", "20"},
                            {"authors.limit", "1"}}});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->select_given);
    EXPECT_EQ(r->filter_params.size(), 2u);
    EXPECT_EQ(r->logic_filters.size(), 1u);
    EXPECT_EQ(r->orders.size(), 2u);
    EXPECT_EQ(r->ranges[{}].limit, std::optional<std::int64_t>(10));
    EXPECT_EQ(r->ranges[{}].offset, 20);
    EXPECT_EQ((r->ranges[{"authors"}].limit), std::optional<std::int64_t>(1));

    for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
             {"limit", "-1"}, {"limit", "ten"}, {"offset", "1e3"}, {"id", "nope"},
             {"select", "a,("}, {"order", "a.sideways"}, {"or", "(a.eq.1"}}) {
        auto bad = run({.query = {{k, v}}});
        EXPECT_FALSE(bad.ok()) << k << "=" << v;
        if (!bad.ok()) {
            EXPECT_EQ(bad.error().status, 400) << k << "=" << v;
        }
    }
    auto nul = run({.query = {{"id", std::string("eq.a\0b", 6)}}});
    ASSERT_FALSE(nul.ok());
    EXPECT_EQ(nul.error().status, 400);
}

TEST(ParseRequest, RangeHeaderCombinesWithLimitOffset) {
    auto r = run({.query = {{"offset", "2"}}, .headers = {{"range", "0-9"}}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->ranges[{}].offset, 2);
    EXPECT_EQ(r->ranges[{}].limit, std::optional<std::int64_t>(8));
    auto bad = run({.headers = {{"range", "5-1"}}});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().status, 416);
}

TEST(ParseRequest, Bodies) {
    auto obj = run({.method = "POST", .body = R"({"title":"x","price":1})"});
    ASSERT_TRUE(obj.ok());
    EXPECT_FALSE(obj->payload_is_array);
    EXPECT_EQ(obj->payload_keys, (std::vector<std::string>{"price", "title"}));  // sorted: stable SQL text
    auto arr = run({.method = "POST", .body = R"([{"a":1},{"b":2,"a":3}])"});
    ASSERT_TRUE(arr.ok());
    EXPECT_TRUE(arr->payload_is_array);
    EXPECT_EQ(arr->payload_keys, (std::vector<std::string>{"a", "b"}));
    auto cols = run({.method = "POST", .query = {{"columns", "\"a\",\"b\""}}, .body = "[{\"a\":1}]"});
    ASSERT_TRUE(cols.ok());
    EXPECT_EQ(cols->payload_keys, (std::vector<std::string>{"a", "b"}));
    for (const char* bad : {"", "nope", "[1,2]", "42", "{\"a\":"}) {
        auto r = run({.method = "POST", .body = bad});
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, "PGRST102") << bad;
        }
    }
    auto rpc_empty = run({.method = "POST", .resource = "noop", .rpc = true});
    ASSERT_TRUE(rpc_empty.ok());
    EXPECT_TRUE(rpc_empty->payload.is_object());
    auto form = run({.method = "POST", .headers = {{"content-type", "application/x-www-form-urlencoded"}},
                     .body = "a=1"});
    ASSERT_FALSE(form.ok());
    EXPECT_EQ(form.error().status, 415);
}

}  // namespace
}  // namespace basalt::rest
