// JWT secret persistence and API key minting.
#include "app/secrets.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.hpp"
#include "common/jwt.hpp"

namespace basalt::app {

namespace fs = std::filesystem;

Result<std::string> resolve_jwt_secret(const std::string& configured, const std::string& data_dir) {
    if (!configured.empty()) return configured;
    const fs::path path = fs::path(data_dir) / "jwt_secret";
    std::error_code ec;
    if (fs::exists(path, ec)) {
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        std::string secret = ss.str();
        while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
        if (secret.size() < 32)
            return Error::internal_error("stored JWT secret in " + path.string() + " is too short");
        return secret;
    }
    fs::create_directories(data_dir, ec);
    if (ec) return Error::bad_request("app.data_dir", "cannot create data dir " + data_dir + ": " + ec.message());
    std::string secret = crypto::random_token(48);
    const std::string tmp = path.string() + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return Error::bad_request("app.data_dir", "cannot write " + tmp + ": " + std::strerror(errno));
    std::string line = secret + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == ssize_t(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return Error::bad_request("app.data_dir", "cannot store JWT secret in " + path.string());
    }
    return secret;
}

ApiKeys mint_api_keys(const std::string& secret, const std::string& issuer) {
    // iat is fixed per secret so `basalt keys` prints the same keys on every call.
    const std::int64_t iat = 1700000000;
    const std::int64_t exp = iat + 20LL * 365 * 24 * 3600;
    auto key = [&](const char* role) {
        return jwt::sign_hs256({{"iss", issuer}, {"role", role}, {"iat", iat}, {"exp", exp}}, secret);
    };
    return {key("anon"), key("service_role")};
}

}  // namespace basalt::app
