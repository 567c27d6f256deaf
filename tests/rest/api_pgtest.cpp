// The /rest/v1 handlers end to end on PostgreSQL (requests built in memory, no sockets):
// statuses, Content-Range and counts, single objects, CSV, embeds, mutations with their
// Prefer variants, RPC, and PostgreSQL errors mapped like PostgREST.
#include "rest/rest_pg_fixture.hpp"

namespace basalt::test {
namespace {

class ApiPg : public RestPgTest {
protected:
    rest::Settings settings() const override {
        rest::Settings s;
        s.aggregates_enabled = true;
        return s;
    }
};

Call get(std::string target) { return Call{.method = "GET", .target = std::move(target)}; }

Call with_header(Call c, std::string_view name, std::string_view value) {
    c.headers.add(name, value);
    return c;
}

Call send(std::string method, std::string target, std::string body) {
    Call c{.method = std::move(method), .target = std::move(target), .body = std::move(body)};
    c.headers.add("Content-Type", "application/json");
    return c;
}

TEST_F(ApiPg, ReadsWithRangesAndCounts) {
    auto all = call(as_service(get("/rest/v1/books?select=id&order=id")));
    ASSERT_EQ(all.status, 200) << all.body;
    EXPECT_EQ(body_json(all), Json::parse(R"([{"id":1},{"id":2},{"id":3},{"id":4},{"id":5}])"));
    EXPECT_EQ(all.headers.get("Content-Range"), "0-4/*");
    EXPECT_EQ(all.headers.get("Content-Type"), "application/json; charset=utf-8");

    auto page = call(with_header(get("/rest/v1/books?select=id&order=id&limit=2&offset=1"), "Prefer", "count=exact"));
    ASSERT_EQ(page.status, 206) << page.body;
    EXPECT_EQ(page.headers.get("Content-Range"), "1-2/5");
    EXPECT_EQ(page.headers.get("Preference-Applied"), "count=exact");

    auto range = call(with_header(with_header(get("/rest/v1/books?select=id&order=id"), "Range", "0-1"),
                                  "Prefer", "count=exact"));
    EXPECT_EQ(range.status, 206);
    EXPECT_EQ(range.headers.get("Content-Range"), "0-1/5");

    auto empty = call(with_header(get("/rest/v1/books?id=eq.999"), "Prefer", "count=exact"));
    EXPECT_EQ(empty.status, 200);
    EXPECT_EQ(empty.body, "[]");
    EXPECT_EQ(empty.headers.get("Content-Range"), "*/0");

    auto beyond = call(with_header(get("/rest/v1/books?offset=10"), "Prefer", "count=exact"));
    EXPECT_EQ(beyond.status, 416);
    EXPECT_EQ(body_json(beyond)["code"], "PGRST103");

    auto planned = call(with_header(get("/rest/v1/books?select=id"), "Prefer", "count=planned"));
    EXPECT_EQ(planned.status, 200);
    ASSERT_TRUE(planned.headers.get("Content-Range").has_value());

    auto head = call(with_header(Call{.method = "HEAD", .target = "/rest/v1/books"}, "Prefer", "count=exact"));
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    EXPECT_EQ(head.headers.get("Content-Range"), "0-4/5");
}

TEST_F(ApiPg, SingleObjectCsvAndStrippedNulls) {
    auto one = call(with_header(get("/rest/v1/authors?id=eq.4&select=id,name"), "Accept",
                                "application/vnd.pgrst.object+json"));
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(body_json(one), Json::parse(R"({"id":4,"name":"Nobody O'Brien"})"));

    auto none = call(with_header(get("/rest/v1/authors?id=eq.99"), "Accept", "application/vnd.pgrst.object+json"));
    EXPECT_EQ(none.status, 406);
    EXPECT_EQ(body_json(none)["code"], "PGRST116");
    EXPECT_EQ(body_json(none)["details"], "The result contains 0 rows");
    auto many = call(with_header(get("/rest/v1/authors"), "Accept", "application/vnd.pgrst.object+json"));
    EXPECT_EQ(many.status, 406);
    EXPECT_EQ(body_json(many)["details"], "The result contains 4 rows");

    auto csv = call(with_header(get("/rest/v1/tags?select=id,name&order=id"), "Accept", "text/csv"));
    EXPECT_EQ(csv.status, 200);
    EXPECT_EQ(csv.headers.get("Content-Type"), "text/csv; charset=utf-8");
    EXPECT_EQ(csv.body, "id,name\n1,award\n2,translated\n3,favourite");

    auto stripped = call(with_header(get("/rest/v1/authors?select=id,country&id=eq.4"), "Accept",
                                     "application/vnd.pgrst.array+json;nulls=stripped"));
    EXPECT_EQ(body_json(stripped), Json::parse(R"([{"id":4}])"));

    auto geo = call(with_header(get("/rest/v1/authors"), "Accept", "application/geo+json"));
    EXPECT_EQ(geo.status, 406);
}

TEST_F(ApiPg, EmbeddingAllRelationshipKinds) {
    auto m2o = call(get("/rest/v1/books?select=title,author:authors!author_id(name)&id=eq.3"));
    ASSERT_EQ(m2o.status, 200) << m2o.body;
    EXPECT_EQ(body_json(m2o), Json::parse(R"([{"title":"Solaris","author":{"name":"Stanisław Lem"}}])"));

    auto null_parent = call(get("/rest/v1/books?select=id,authors!author_id(name)&id=eq.5"));
    EXPECT_EQ(body_json(null_parent), Json::parse(R"([{"id":5,"authors":null}])"));

    auto o2m = call(get("/rest/v1/authors?select=name,books!author_id(id)&id=eq.1&books.order=id.desc"));
    EXPECT_EQ(body_json(o2m), Json::parse(R"([{"name":"Ursula K. Le Guin","books":[{"id":2},{"id":1}]}])"));

    auto o2m_empty = call(get("/rest/v1/authors?select=id,books!author_id(id)&id=eq.4"));
    EXPECT_EQ(body_json(o2m_empty), Json::parse(R"([{"id":4,"books":[]}])"));

    auto m2m = call(get("/rest/v1/books?select=id,tags(name)&id=eq.1&tags.order=name"));
    EXPECT_EQ(body_json(m2m), Json::parse(R"([{"id":1,"tags":[{"name":"award"},{"name":"favourite"}]}])"));

    auto o2o = call(get("/rest/v1/authors?select=id,profiles(website)&id=in.(1,3)&order=id"));
    EXPECT_EQ(body_json(o2o),
              Json::parse(R"([{"id":1,"profiles":{"website":"https://ursulakleguin.com"}},{"id":3,"profiles":null}])"));

    auto inner = call(with_header(get("/rest/v1/books?select=id,authors!author_id!inner(country)&authors.country=eq.US&order=id"),
                                  "Prefer", "count=exact"));
    EXPECT_EQ(body_json(inner), Json::parse(
        R"([{"id":1,"authors":{"country":"US"}},{"id":2,"authors":{"country":"US"}},{"id":4,"authors":{"country":"US"}}])"));
    EXPECT_EQ(inner.headers.get("Content-Range"), "0-2/3");

    auto presence = call(get("/rest/v1/authors?select=id,profiles()&profiles=not.is.null&order=id"));
    EXPECT_EQ(body_json(presence), Json::parse(R"([{"id":1},{"id":2}])"));
    auto absence = call(get("/rest/v1/authors?select=id,profiles()&profiles=is.null&order=id"));
    EXPECT_EQ(body_json(absence), Json::parse(R"([{"id":3},{"id":4}])"));
    auto inner_empty = call(get("/rest/v1/books?select=id,tags!inner()&order=id"));
    EXPECT_EQ(body_json(inner_empty), Json::parse(R"([{"id":1},{"id":2},{"id":3}])"));

    auto nested = call(get("/rest/v1/authors?select=id,books!author_id(id,tags(name))&id=eq.2"));
    EXPECT_EQ(body_json(nested), Json::parse(R"([{"id":2,"books":[{"id":3,"tags":[{"name":"translated"}]}]}])"));

    auto spread = call(get("/rest/v1/books?select=id,...authors!author_id(author:name)&id=eq.4"));
    EXPECT_EQ(body_json(spread), Json::parse(R"([{"id":4,"author":"Octavia E. Butler"}])"));

    auto ordered = call(get("/rest/v1/books?select=id,authors!author_id(name)&author_id=not.is.null&order=authors(name).desc,id"));
    ASSERT_EQ(ordered.status, 200) << ordered.body;
    EXPECT_EQ(body_json(ordered)[0]["id"], 1);  // Ursula first in descending name order

    auto limited = call(get("/rest/v1/authors?select=id,books!author_id(id)&id=eq.1&books.limit=1&books.order=id"));
    EXPECT_EQ(body_json(limited), Json::parse(R"([{"id":1,"books":[{"id":1}]}])"));

    auto self = call(get("/rest/v1/categories?select=name,parent:parent_id(name),children:categories(id)&id=in.(1,2)&order=id&children.order=id"));
    EXPECT_EQ(body_json(self), Json::parse(
        R"([{"name":"fiction","parent":null,"children":[{"id":2},{"id":3}]},{"name":"scifi","parent":{"name":"fiction"},"children":[]}])"));

    // views embed through their base tables' foreign keys
    auto view_m2o = call(get("/rest/v1/novels?select=name,authors!author_id(name)&id=eq.3"));
    ASSERT_EQ(view_m2o.status, 200) << view_m2o.body;
    EXPECT_EQ(body_json(view_m2o), Json::parse(R"([{"name":"Solaris","authors":{"name":"Stanisław Lem"}}])"));
    auto view_o2m = call(get("/rest/v1/authors?select=id,novels(name)&id=eq.2"));
    EXPECT_EQ(body_json(view_o2m), Json::parse(R"([{"id":2,"novels":[{"name":"Solaris"}]}])"));
    auto view_m2m = call(get("/rest/v1/novels?select=id,tags(name)&id=eq.3"));
    EXPECT_EQ(body_json(view_m2m), Json::parse(R"([{"id":3,"tags":[{"name":"translated"}]}])"));

    auto ambiguous = call(get("/rest/v1/books?select=*,authors(*)"));
    EXPECT_EQ(ambiguous.status, 300);
    EXPECT_EQ(body_json(ambiguous)["code"], "PGRST201");
}

TEST_F(ApiPg, AggregatesWhenEnabled) {
    auto r = call(get("/rest/v1/books?select=author_id,total:price.sum(),count()&author_id=not.is.null&order=author_id"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(body_json(r), Json::parse(
        R"([{"author_id":1,"total":22.49,"count":2},{"author_id":2,"total":7.00,"count":1},{"author_id":3,"total":null,"count":1}])"));
}

TEST_F(ApiPg, InsertVariants) {
    auto minimal = call(as_service(send("POST", "/rest/v1/authors", R"({"id":10,"name":"Ten"})")));
    EXPECT_EQ(minimal.status, 201) << minimal.body;
    EXPECT_TRUE(minimal.body.empty());
    EXPECT_EQ(minimal.headers.get("Content-Range"), "*/*");

    auto rep = call(with_header(as_service(send("POST", "/rest/v1/authors?columns=%22id%22,%22name%22,%22country%22&select=id,name,country",
                                                R"([{"id":11,"name":"A"},{"id":12,"name":"B","country":"FR"}])")),
                                "Prefer", "return=representation,count=exact"));
    ASSERT_EQ(rep.status, 201) << rep.body;
    EXPECT_EQ(body_json(rep), Json::parse(R"([{"id":11,"name":"A","country":null},{"id":12,"name":"B","country":"FR"}])"));
    EXPECT_EQ(rep.headers.get("Content-Range"), "*/2");

    auto defaults = call(with_header(as_service(send("POST", "/rest/v1/books?columns=%22title%22,%22tags%22&select=title,tags",
                                                     R"([{"title":"D1"},{"title":"D2","tags":["x"]}])")),
                                     "Prefer", "missing=default,return=representation"));
    ASSERT_EQ(defaults.status, 201) << defaults.body;
    EXPECT_EQ(body_json(defaults), Json::parse(R"([{"title":"D1","tags":[]},{"title":"D2","tags":["x"]}])"));
    auto nulls = call(with_header(as_service(send("POST", "/rest/v1/moods?columns=%22id%22,%22note%22",
                                                  R"([{"id":5}])")),
                                  "Prefer", "return=representation"));
    EXPECT_EQ(body_json(nulls)[0]["note"], nullptr);

    auto embed = call(with_header(as_service(send("POST", "/rest/v1/books?select=title,authors!author_id(name)",
                                                  R"({"title":"Embedded","author_id":2})")),
                                  "Prefer", "return=representation"));
    ASSERT_EQ(embed.status, 201) << embed.body;
    EXPECT_EQ(body_json(embed), Json::parse(R"([{"title":"Embedded","authors":{"name":"Stanisław Lem"}}])"));

    auto loc = call(with_header(as_service(send("POST", "/rest/v1/tags", R"({"id":9,"name":"nine"})")),
                                "Prefer", "return=headers-only"));
    EXPECT_EQ(loc.status, 201);
    EXPECT_EQ(loc.headers.get("Location"), "/tags?id=eq.9");
    EXPECT_TRUE(loc.body.empty());

    auto dup = call(as_service(send("POST", "/rest/v1/tags", R"({"id":1,"name":"again"})")));
    EXPECT_EQ(dup.status, 409);
    EXPECT_EQ(body_json(dup)["code"], "23505");

    auto notnull = call(as_service(send("POST", "/rest/v1/authors", R"({"id":20})")));
    EXPECT_EQ(notnull.status, 400);
    EXPECT_EQ(body_json(notnull)["code"], "23502");

    auto fk = call(as_service(send("POST", "/rest/v1/books", R"({"title":"x","author_id":999})")));
    EXPECT_EQ(fk.status, 409);
    EXPECT_EQ(body_json(fk)["code"], "23503");

    auto badtype = call(as_service(send("POST", "/rest/v1/authors", R"({"id":"abc","name":"x"})")));
    EXPECT_EQ(badtype.status, 400);
    EXPECT_EQ(body_json(badtype)["code"], "22P02");

    auto unknown = call(as_service(send("POST", "/rest/v1/authors", R"({"id":30,"nope":1})")));
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(body_json(unknown)["code"], "PGRST204");

    auto empty_obj = call(with_header(as_service(send("POST", "/rest/v1/categories", "{}")), "Prefer", "return=representation"));
    EXPECT_EQ(empty_obj.status, 400);  // id has no default: a not-null violation, not a crash
}

TEST_F(ApiPg, Upserts) {
    auto merge = call(with_header(as_service(send("POST", "/rest/v1/tags?on_conflict=id",
                                                  R"([{"id":1,"name":"awarded"},{"id":7,"name":"seven"}])")),
                                  "Prefer", "resolution=merge-duplicates,return=representation"));
    ASSERT_EQ(merge.status, 201) << merge.body;
    EXPECT_EQ(scalar("select name from public.tags where id = 1"), "awarded");
    EXPECT_EQ(scalar("select name from public.tags where id = 7"), "seven");
    EXPECT_NE(merge.headers.get("Preference-Applied")->find("resolution=merge-duplicates"), std::string::npos);

    auto ignore = call(with_header(as_service(send("POST", "/rest/v1/tags", R"({"id":2,"name":"ignored"})")),
                                   "Prefer", "resolution=ignore-duplicates,return=representation"));
    EXPECT_EQ(ignore.status, 201);
    EXPECT_EQ(ignore.body, "[]");
    EXPECT_EQ(scalar("select name from public.tags where id = 2"), "translated");

    auto put = call(as_service(send("PUT", "/rest/v1/tags?id=eq.3", R"({"id":3,"name":"fav"})")));
    EXPECT_EQ(put.status, 204) << put.body;
    EXPECT_EQ(scalar("select name from public.tags where id = 3"), "fav");
    auto put_new = call(with_header(as_service(send("PUT", "/rest/v1/tags?id=eq.8", R"({"id":8,"name":"eight"})")),
                                    "Prefer", "return=representation"));
    EXPECT_EQ(put_new.status, 200);
    EXPECT_EQ(body_json(put_new), Json::parse(R"([{"id":8,"name":"eight"}])"));
    auto put_bad = call(as_service(send("PUT", "/rest/v1/tags?id=eq.8", R"({"id":9,"name":"x"})")));
    EXPECT_EQ(put_bad.status, 400);
    EXPECT_EQ(body_json(put_bad)["code"], "PGRST115");
}

TEST_F(ApiPg, UpdatesAndDeletes) {
    auto upd = call(with_header(as_service(send("PATCH", "/rest/v1/books?id=eq.1&select=id,price",
                                                R"({"price":11})")),
                                "Prefer", "return=representation"));
    ASSERT_EQ(upd.status, 200) << upd.body;
    EXPECT_EQ(body_json(upd), Json::parse(R"([{"id":1,"price":11.00}])"));
    EXPECT_EQ(upd.headers.get("Content-Range"), "0-0/*");

    auto minimal = call(as_service(send("PATCH", "/rest/v1/books?author_id=eq.1", R"({"published":"2000-01-01"})")));
    EXPECT_EQ(minimal.status, 204);
    EXPECT_EQ(scalar("select count(*) from public.books where published = '2000-01-01'"), "2");

    auto limited = call(as_service(send("PATCH", "/rest/v1/books?order=id.desc&limit=1", R"({"price":0})")));
    EXPECT_EQ(limited.status, 204);
    EXPECT_EQ(scalar("select string_agg(id::text, ',') from public.books where price = 0"), "5");

    auto view_limited = call(with_header(as_service(send("PATCH", "/rest/v1/novels?order=id&limit=1&select=id",
                                                          R"({"published":"1900-01-01"})")),
                                         "Prefer", "return=representation"));
    ASSERT_EQ(view_limited.status, 200) << view_limited.body;
    EXPECT_EQ(body_json(view_limited), Json::parse(R"([{"id":1}])"));

    auto nothing = call(as_service(send("PATCH", "/rest/v1/books?id=eq.1", "{}")));
    EXPECT_EQ(nothing.status, 204);

    auto del = call(with_header(as_service(Call{.method = "DELETE", .target = "/rest/v1/book_tags?book_id=eq.1&tag_id=in.(1,3)"}),
                                "Prefer", "return=representation,count=exact"));
    ASSERT_EQ(del.status, 200) << del.body;
    EXPECT_EQ(body_json(del).size(), 2u);
    EXPECT_EQ(del.headers.get("Content-Range"), "0-1/2");

    // A singular mutation that would touch several rows is refused and rolled back.
    auto single = call(with_header(as_service(send("PATCH", "/rest/v1/books?author_id=eq.1", R"({"title":"same"})")),
                                   "Accept", "application/vnd.pgrst.object+json"));
    EXPECT_EQ(single.status, 406);
    EXPECT_EQ(scalar("select count(*) from public.books where title = 'same'"), "0");

    auto strict = call(with_header(as_service(Call{.method = "DELETE", .target = "/rest/v1/books?id=lt.5"}),
                                   "Prefer", "handling=strict, max-affected=1"));
    EXPECT_EQ(strict.status, 400);
    EXPECT_EQ(body_json(strict)["code"], "PGRST124");
    EXPECT_EQ(scalar("select count(*) from public.books"), "5");

    auto rolled = call(with_header(as_service(Call{.method = "DELETE", .target = "/rest/v1/book_tags"}),
                                   "Prefer", "tx=rollback"));
    EXPECT_EQ(rolled.status, 204);
    EXPECT_EQ(scalar("select count(*) from public.book_tags"), "2");
}

TEST_F(ApiPg, Rpc) {
    auto add = call(send("POST", "/rest/v1/rpc/add", R"({"a":40,"b":2})"));
    ASSERT_EQ(add.status, 200) << add.body;
    EXPECT_EQ(add.body, "42");
    auto add_get = call(get("/rest/v1/rpc/add?a=1&b=2"));
    EXPECT_EQ(add_get.body, "3");
    auto greet = call(get("/rest/v1/rpc/greet"));
    EXPECT_EQ(greet.body, "\"hello world\"");
    auto table = call(get("/rest/v1/rpc/books_by?author=1&select=id&order=id.desc"));
    EXPECT_EQ(body_json(table), Json::parse(R"([{"id":2},{"id":1}])"));
    auto filtered = call(get("/rest/v1/rpc/books_by?author=1&select=id&id=gt.1"));
    EXPECT_EQ(body_json(filtered), Json::parse(R"([{"id":2}])"));
    auto stats = call(send("POST", "/rest/v1/rpc/author_stats", ""));
    EXPECT_EQ(body_json(stats), Json::parse(
        R"([{"author_id":1,"book_count":2},{"author_id":2,"book_count":1},{"author_id":3,"book_count":1}])"));
    auto single = call(with_header(get("/rest/v1/rpc/books_by?author=2&select=id"), "Accept",
                                   "application/vnd.pgrst.object+json"));
    EXPECT_EQ(body_json(single), Json::parse(R"({"id":3})"));
    auto echo = call(send("POST", "/rest/v1/rpc/echo", R"([1,"two"])"));
    EXPECT_EQ(body_json(echo), Json::parse(R"([1,"two"])"));
    auto noop = call(send("POST", "/rest/v1/rpc/noop", "{}"));
    EXPECT_EQ(noop.status, 204);
    auto renamed = call(as_service(send("POST", "/rest/v1/rpc/rename_author", R"({"author":4,"new_name":"Somebody"})")));
    EXPECT_EQ(body_json(renamed)["name"], "Somebody");
    auto volatile_get = call(as_service(get("/rest/v1/rpc/rename_author?author=4&new_name=x")));
    EXPECT_EQ(volatile_get.status, 405);  // read-only transaction, like PostgREST
    auto custom = call(send("POST", "/rest/v1/rpc/not_found_please", "{}"));
    EXPECT_EQ(custom.status, 404);
    EXPECT_EQ(body_json(custom)["message"], "nothing here");
    auto missing = call(send("POST", "/rest/v1/rpc/nope", "{}"));
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(body_json(missing)["code"], "PGRST202");
    auto series = call(with_header(get("/rest/v1/rpc/series?n=5&limit=2&offset=1"), "Prefer", "count=exact"));
    EXPECT_EQ(body_json(series), Json::parse("[2,3]"));
}

TEST_F(ApiPg, ErrorsLookLikePostgrest) {
    auto unknown = call(get("/rest/v1/nope"));
    EXPECT_EQ(unknown.status, 404);
    auto body = body_json(unknown);
    EXPECT_EQ(body["code"], "PGRST205");
    EXPECT_TRUE(body.contains("details"));
    EXPECT_TRUE(body.contains("hint"));

    auto col = call(get("/rest/v1/books?select=nope"));
    EXPECT_EQ(col.status, 400);
    EXPECT_EQ(body_json(col)["code"], "42703");

    auto schema = call(with_header(get("/rest/v1/books"), "Accept-Profile", "auth"));
    EXPECT_EQ(schema.status, 406);
    EXPECT_EQ(body_json(schema)["code"], "PGRST106");

    auto cast = call(get("/rest/v1/books?id=eq.notanumber"));
    EXPECT_EQ(cast.status, 400);
    EXPECT_EQ(body_json(cast)["code"], "22P02");

    auto op = call(get("/rest/v1/books?title=gt.1&id=like.x"));  // LIKE on an integer
    EXPECT_GE(op.status, 400);
    EXPECT_LT(op.status, 500);
}

TEST_F(ApiPg, OpenApiRoot) {
    auto doc = call(with_header(get("/rest/v1/"), "Accept", "application/openapi+json"));
    ASSERT_EQ(doc.status, 200) << doc.body;
    auto j = body_json(doc);
    EXPECT_EQ(j["swagger"], "2.0");
    EXPECT_TRUE(j["paths"].contains("/books"));
    EXPECT_TRUE(j["paths"].contains("/rpc/add"));
    EXPECT_EQ(j["definitions"]["books"]["properties"]["id"]["type"], "integer");
    EXPECT_NE(j["definitions"]["books"]["properties"]["author_id"]["description"].get<std::string>().find(
                  "Foreign Key to `authors.id`"),
              std::string::npos);
    // follow-privileges: a table anon may not touch is not listed
    sql("CREATE TABLE public.secret (id int); REVOKE ALL ON public.secret FROM anon, authenticated");
    run_async(io_, service_->schema_cache().reload());
    auto anon = body_json(call(get("/rest/v1/")));
    EXPECT_FALSE(anon["paths"].contains("/secret"));
    auto service = body_json(call(as_service(get("/rest/v1/"))));
    EXPECT_TRUE(service["paths"].contains("/secret"));
}

}  // namespace
}  // namespace basalt::test
