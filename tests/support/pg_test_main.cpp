// main() of basalt_pg_tests: GoogleTest plus the environment that removes the temp cluster.
#include <cstdlib>

#include <gtest/gtest.h>

#include "common/log.hpp"
#include "support/temp_postgres.hpp"

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    basalt::log::init(std::getenv("BASALT_TEST_LOG") ? std::getenv("BASALT_TEST_LOG") : "warn",
                      basalt::log::Format::kText);
    ::testing::AddGlobalTestEnvironment(basalt::test::make_postgres_environment());
    return RUN_ALL_TESTS();
}
