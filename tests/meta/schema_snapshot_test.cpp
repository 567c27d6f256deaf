// SchemaSnapshot from the fixture's catalog document: columns, keys, functions and the
// relationships derived from foreign keys (M2O, O2M, O2O, M2M through a junction).
#include <gtest/gtest.h>

#include "rest/fixture_snapshot.hpp"

namespace basalt::meta {
namespace {

const Relationship* find_rel(const SchemaSnapshot& s, std::string_view from, std::string_view to,
                             Cardinality card) {
    for (const auto& r : s.relationships_from("public", from)) {
        if (r.foreign_table.name == to && r.cardinality == card) return &r;
    }
    return nullptr;
}

TEST(SchemaSnapshot, TablesColumnsAndKeys) {
    const auto& s = test::fixture_snapshot();
    const Table* books = s.find_table("public", "books");
    ASSERT_NE(books, nullptr);
    EXPECT_EQ(books->primary_key, std::vector<std::string>{"id"});
    const Column* price = books->column("price");
    ASSERT_NE(price, nullptr);
    EXPECT_EQ(price->type, "numeric(10,2)");
    EXPECT_EQ(price->base_type, "numeric");
    const Column* search = books->column("search");
    ASSERT_NE(search, nullptr);
    EXPECT_TRUE(search->generated);
    EXPECT_EQ(search->base_type, "tsvector");
    EXPECT_TRUE(books->column("created_at")->default_expr.has_value());

    const Table* moods = s.find_table("public", "moods");
    ASSERT_NE(moods, nullptr);
    EXPECT_EQ(moods->column("mood")->type, "public.mood");
    EXPECT_EQ(moods->column("mood")->enum_values, (std::vector<std::string>{"happy", "sad"}));
    EXPECT_EQ(moods->column("note")->type, "character varying(20)");

    const Table* tags = s.find_table("public", "tags");
    ASSERT_EQ(tags->unique_keys.size(), 1u);
    EXPECT_EQ(tags->unique_keys[0], std::vector<std::string>{"name"});

    const Table* view = s.find_table("public", "book_summaries");
    ASSERT_NE(view, nullptr);
    EXPECT_TRUE(view->is_view());
    EXPECT_NE(s.find_table("public", "Odd \"Table\";--"), nullptr);
    EXPECT_EQ(s.find_table("public", "nope"), nullptr);
    EXPECT_EQ(s.find_table("private", "books"), nullptr);
}

TEST(SchemaSnapshot, Relationships) {
    const auto& s = test::fixture_snapshot();
    // books.author_id -> authors: many-to-one, and its inverse one-to-many
    const auto* m2o = find_rel(s, "books", "authors", Cardinality::kManyToOne);
    ASSERT_NE(m2o, nullptr);
    // author, editor (M2O), book_tags (O2M), tags (M2M)
    EXPECT_EQ(s.relationships_from("public", "books").size(), 4u);
    const auto* o2m = find_rel(s, "authors", "books", Cardinality::kOneToMany);
    ASSERT_NE(o2m, nullptr);
    // profiles.author_id is its primary key: one-to-one both ways
    EXPECT_NE(find_rel(s, "profiles", "authors", Cardinality::kOneToOne), nullptr);
    EXPECT_NE(find_rel(s, "authors", "profiles", Cardinality::kOneToOne), nullptr);
    // books <-> tags through book_tags
    const auto* m2m = find_rel(s, "books", "tags", Cardinality::kManyToMany);
    ASSERT_NE(m2m, nullptr);
    ASSERT_TRUE(m2m->junction.has_value());
    EXPECT_EQ(m2m->junction->table.name, "book_tags");
    EXPECT_EQ(m2m->junction->source_columns.front(), (std::pair<std::string, std::string>{"book_id", "id"}));
    EXPECT_NE(find_rel(s, "tags", "books", Cardinality::kManyToMany), nullptr);
    // categories.parent_id: self reference in both directions
    const auto* parent = find_rel(s, "categories", "categories", Cardinality::kManyToOne);
    ASSERT_NE(parent, nullptr);
    EXPECT_TRUE(parent->is_self);
    EXPECT_NE(find_rel(s, "categories", "categories", Cardinality::kOneToMany), nullptr);
}

TEST(SchemaSnapshot, ViewsInheritRelationshipsAndKeys) {
    const auto& s = test::fixture_snapshot();
    const Table* novels = s.find_table("public", "novels");
    ASSERT_NE(novels, nullptr);
    EXPECT_EQ(novels->primary_key, std::vector<std::string>{"id"});  // from books.id
    ASSERT_EQ(novels->sources.size(), 4u);
    const auto* m2o = find_rel(s, "novels", "authors", Cardinality::kManyToOne);
    ASSERT_NE(m2o, nullptr);
    EXPECT_EQ(m2o->constraint, "books_author_id_fkey");
    EXPECT_EQ(m2o->columns.front(), (std::pair<std::string, std::string>{"author_id", "id"}));
    EXPECT_NE(find_rel(s, "authors", "novels", Cardinality::kOneToMany), nullptr);
    EXPECT_NE(find_rel(s, "novels", "book_tags", Cardinality::kOneToMany), nullptr);
    EXPECT_NE(find_rel(s, "novels", "tags", Cardinality::kManyToMany), nullptr);
    // "name" is books.title renamed: lineage follows the rename
    bool renamed = false;
    for (const auto& src : novels->sources) {
        renamed = renamed || (src.column == "name" && src.table_column == "title");
    }
    EXPECT_TRUE(renamed);
}

TEST(SchemaSnapshot, Functions) {
    const auto& s = test::fixture_snapshot();
    auto add = s.find_functions("public", "add");
    ASSERT_EQ(add.size(), 1u);
    EXPECT_EQ(add[0]->params.size(), 2u);
    EXPECT_EQ(add[0]->volatility, Volatility::kImmutable);
    EXPECT_FALSE(add[0]->returns_composite);

    auto greet = s.find_functions("public", "greet");
    ASSERT_EQ(greet.size(), 1u);
    EXPECT_TRUE(greet[0]->params[0].has_default);

    auto books_by = s.find_functions("public", "books_by");
    ASSERT_EQ(books_by.size(), 1u);
    EXPECT_TRUE(books_by[0]->returns_set);
    EXPECT_TRUE(books_by[0]->returns_composite);
    ASSERT_TRUE(books_by[0]->return_table.has_value());
    EXPECT_EQ(books_by[0]->return_table->name, "books");

    auto stats = s.find_functions("public", "author_stats");
    ASSERT_EQ(stats.size(), 1u);
    EXPECT_TRUE(stats[0]->returns_composite);
    ASSERT_EQ(stats[0]->return_columns.size(), 2u);
    EXPECT_EQ(stats[0]->return_columns[1].name, "book_count");
    EXPECT_TRUE(stats[0]->params.empty());

    auto echo = s.find_functions("public", "echo");
    ASSERT_EQ(echo.size(), 1u);
    EXPECT_EQ(echo[0]->params[0].name, "");
    EXPECT_EQ(echo[0]->params[0].base_type, "json");

    EXPECT_TRUE(s.find_functions("public", "noop")[0]->returns_void());
    EXPECT_EQ(s.find_functions("public", "overloaded").size(), 2u);
}

TEST(SchemaSnapshot, MalformedDocumentIsAnError) {
    EXPECT_FALSE(snapshot_from_json(Json::array(), {"public"}).ok());
    auto empty = snapshot_from_json(Json::object(), {"public"});
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->tables().empty());
}

TEST(SchemaSnapshot, SchemasParamQuotesEveryElement) {
    EXPECT_EQ(schemas_param({"public", "a\"b", "c\\d"}), R"({"public","a\"b","c\\d"})");
}

}  // namespace
}  // namespace basalt::meta
