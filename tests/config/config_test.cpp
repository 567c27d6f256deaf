// Config: defaults, YAML file, BASALT_* env overrides, validation messages, masking.
#include "config/config.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace basalt::config {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
    auto path = std::filesystem::temp_directory_path() / name;
    std::ofstream(path) << text;
    return path.string();
}

TEST(Config, DefaultsAreSafe) {
    auto c = load({});
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->server.port, 8080);
    EXPECT_EQ(c->server.host, "127.0.0.1");
    EXPECT_TRUE(c->rate_limits.enabled);
    EXPECT_EQ(c->rest.schemas, std::vector<std::string>{"public"});
    EXPECT_TRUE(c->migrations.auto_apply);
}

TEST(Config, EnvOverridesResolveAgainstKnownKeys) {
    auto c = load({.env = {{"BASALT_SERVER_PORT", "9000"},
                           {"BASALT_RATE_LIMITS_ENABLED", "false"},
                           {"BASALT_DATABASE_URL", "postgres://x"},
                           {"BASALT_REST_SCHEMAS", "public,api"},
                           {"PATH", "/bin"}}});
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->server.port, 9000);
    EXPECT_FALSE(c->rate_limits.enabled);
    EXPECT_EQ(c->database.url, "postgres://x");
    EXPECT_EQ(c->rest.schemas, (std::vector<std::string>{"public", "api"}));
}

TEST(Config, UnknownEnvNameIsAnErrorNamingIt) {
    auto c = load({.env = {{"BASALT_SERVER_PROT", "1"}}});
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("BASALT_SERVER_PROT"), std::string::npos);
}

TEST(Config, ValidationNamesKeyAndReason) {
    auto c = load({.env = {{"BASALT_SERVER_PORT", "abc"}}});
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("server.port: must be 1..65535, got \"abc\""), std::string::npos)
        << c.error().message;
    auto d = load({.env = {{"BASALT_SERVER_PORT", "70000"}}});
    ASSERT_FALSE(d.ok());
    EXPECT_NE(d.error().message.find("server.port: must be 1..65535, got \"70000\""), std::string::npos);
    auto e = load({.env = {{"BASALT_LOG_LEVEL", "loud"}}});
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().message.find("log.level: must be one of"), std::string::npos);
}

TEST(Config, YamlFileThenEnv) {
    auto path = write_temp("basalt_cfg_test.yaml",
                           "server:\n  port: 7000\n  host: 0.0.0.0\ncors:\n  allowed_origins: [https://a.test, https://b.test]\n"
                           "rate_limits:\n  enabled: false\n");
    auto c = load({.file = path, .env = {{"BASALT_SERVER_PORT", "7001"}}});
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->server.port, 7001);
    EXPECT_EQ(c->server.host, "0.0.0.0");
    EXPECT_EQ(c->cors.allowed_origins.size(), 2u);
    EXPECT_FALSE(c->rate_limits.enabled);
}

TEST(Config, UnknownYamlKeyIsAnError) {
    auto path = write_temp("basalt_cfg_bad.yaml", "server:\n  prot: 1\n");
    auto c = load({.file = path});
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("server.prot: unknown configuration key"), std::string::npos);
}

TEST(Config, MissingFileIsAnError) {
    auto c = load({.file = std::string("/nonexistent/basalt.yaml")});
    ASSERT_FALSE(c.ok());
}

TEST(Config, DescribeMasksSecrets) {
    auto c = load({.env = {{"BASALT_AUTH_JWT_SECRET", std::string(40, 'x')}}});
    ASSERT_TRUE(c.ok());
    std::string text = describe(*c);
    EXPECT_EQ(text.find(std::string(40, 'x')), std::string::npos);
    EXPECT_NE(text.find("auth.jwt_secret: \"********\""), std::string::npos);
    EXPECT_NE(text.find("server.port: 8080"), std::string::npos);
}

TEST(Config, EnvNameMapping) {
    EXPECT_EQ(env_name("rate_limits.enabled"), "BASALT_RATE_LIMITS_ENABLED");
    EXPECT_EQ(env_name("server.port"), "BASALT_SERVER_PORT");
}

}  // namespace
}  // namespace basalt::config

namespace basalt::config {
namespace {
// The committed example is exactly what the code generates, and it loads back cleanly.
TEST(Config, ExampleFileIsCurrentAndValid) {
    std::ifstream in(std::string(BASALT_SOURCE_DIR) + "/basalt.example.yaml");
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), example_yaml()) << "regenerate with: build/basalt config example > basalt.example.yaml";
    auto c = load({.file = std::string(BASALT_SOURCE_DIR) + "/basalt.example.yaml"});
    EXPECT_TRUE(c.ok()) << c.error().message;
}
}  // namespace
}  // namespace basalt::config
