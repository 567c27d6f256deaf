// SQLSTATE -> HTTP status table (PostgREST's mapping) and server error -> basalt::Error.
#include <gtest/gtest.h>

#include "db/sqlstate.hpp"

namespace basalt::db {
namespace {

struct Case {
    const char* sqlstate;
    const char* message;
    bool authenticated;
    int status;
};

TEST(SqlState, MapsLikePostgrest) {
    const Case cases[] = {
        {"08006", "", true, 503},  {"09000", "", true, 500},  {"0L000", "", true, 403},
        {"0P000", "", true, 403},  {"23503", "", true, 409},  {"23505", "", true, 409},
        {"23502", "", true, 400},  {"23514", "", true, 400},  {"22P02", "", true, 400},
        {"25006", "", true, 405},  {"25P02", "", true, 500},  {"28P01", "", true, 403},
        {"2D000", "", true, 500},  {"38000", "", true, 500},  {"39000", "", true, 500},
        {"3B000", "", true, 500},  {"40001", "", true, 500},  {"40P01", "", true, 500},
        {"53400", "", true, 500},  {"53300", "", true, 503},  {"54000", "", true, 500},
        {"55P03", "", true, 500},  {"57014", "", true, 504},  {"57P01", "", true, 503},
        {"57P02", "", true, 500},  {"58030", "", true, 500},  {"F0000", "", true, 500},
        {"HV000", "", true, 500},  {"P0001", "", true, 400},  {"P0002", "", true, 500},
        {"XX000", "", true, 500},  {"42883", "function f() does not exist", true, 404},
        {"42883", "function xmlagg(integer) does not exist", true, 406},
        {"42P01", "", true, 404},  {"42P17", "", true, 500},  {"42501", "", true, 403},
        {"42501", "", false, 401}, {"42601", "", true, 400},  {"42703", "", true, 400},
        {"21000", "DELETE requires a WHERE clause", true, 400},
        {"21000", "more than one row returned by a subquery", true, 500},
        {"22023", "role \"x\" does not exist", true, 401},
        {"22023", "invalid value", true, 400},
        {"PT404", "", true, 404},  {"PT999", "", true, 500},  {"PTabc", "", true, 500},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(http_status_for_sqlstate(c.sqlstate, c.message, c.authenticated), c.status)
            << c.sqlstate << " " << c.message;
    }
}

TEST(SqlState, BuildsTheClientError) {
    ServerError se{"23505", "duplicate key", "Key (id)=(1) already exists.", std::nullopt,
                   "ERROR:  duplicate key ..."};
    Error e = to_error(se, true);
    EXPECT_EQ(e.status, 409);
    EXPECT_EQ(e.code, "23505");
    EXPECT_EQ(e.message, "duplicate key");
    EXPECT_EQ(e.details, "Key (id)=(1) already exists.");
    EXPECT_TRUE(e.hint.is_null());
    EXPECT_EQ(e.internal, "ERROR:  duplicate key ...");
}

TEST(SqlState, HonoursPgrstRaise) {
    ServerError se{"PGRST", R"({"code":"X1","message":"m","hint":"h"})",
                   R"({"status":402,"headers":{}})", std::nullopt, ""};
    Error e = to_error(se, true);
    EXPECT_EQ(e.status, 402);
    EXPECT_EQ(e.code, "X1");
    EXPECT_EQ(e.message, "m");
    EXPECT_EQ(e.hint, "h");
    EXPECT_TRUE(e.details.is_null());

    ServerError bad{"PGRST", "not json", std::nullopt, std::nullopt, ""};
    Error b = to_error(bad, true);
    EXPECT_EQ(b.status, 500);
    EXPECT_EQ(b.code, "PGRST121");
}

TEST(SqlState, UnavailableIs503) {
    Error e = unavailable_error("could not connect");
    EXPECT_EQ(e.status, 503);
    EXPECT_EQ(e.code, "db.unavailable");
    EXPECT_EQ(e.internal, "could not connect");
}

}  // namespace
}  // namespace basalt::db
