// Migration files: name grammar, loading a folder (Basalt pairs and Supabase single files),
// embedded system migrations, and creating a new timestamped pair.
#include "migrate/migration.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

#include "common/crypto.hpp"
#include "migrate/detail/embedded_sql.hpp"
#include "migrate/sql_text.hpp"

namespace basalt::migrate {

namespace fs = std::filesystem;

namespace {

Error invalid(std::string message) { return Error::bad_request("migrate.invalid_file", std::move(message)); }

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

int num(std::string_view s, std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
}

Result<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return invalid("cannot read " + path.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

std::string Migration::checksum() const { return crypto::hex(crypto::sha256(up_sql)); }

bool is_timestamp_version(std::string_view v) {
    if (v.size() != 14 || !all_digits(v)) return false;
    int year = num(v, 0, 4), month = num(v, 4, 2), day = num(v, 6, 2);
    int hour = num(v, 8, 2), minute = num(v, 10, 2), second = num(v, 12, 2);
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1970 || month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap) return false;
    return hour < 24 && minute < 60 && second < 60;
}

Result<ParsedFilename> parse_migration_filename(std::string_view file) {
    ParsedFilename out;
    std::string_view stem;
    if (ends_with(file, ".up.sql")) {
        out.kind = FileKind::kUp;
        stem = file.substr(0, file.size() - 7);
    } else if (ends_with(file, ".down.sql")) {
        out.kind = FileKind::kDown;
        stem = file.substr(0, file.size() - 9);
    } else if (ends_with(file, ".sql")) {
        out.kind = FileKind::kSingle;
        stem = file.substr(0, file.size() - 4);
    } else {
        return invalid(std::string(file) + ": not a .sql file");
    }
    auto underscore = stem.find('_');
    std::string_view version = stem.substr(0, underscore);
    std::string_view name = underscore == std::string_view::npos ? std::string_view() : stem.substr(underscore + 1);
    if (out.kind == FileKind::kSingle) {
        // Supabase CLI's rule: ^([0-9]+)_(.*)\.sql$ (any digits, name may be empty).
        if (!all_digits(version) || underscore == std::string_view::npos) {
            return invalid(std::string(file) +
                           ": expected <version>_<name>.up.sql, <version>_<name>.down.sql or "
                           "<digits>_<name>.sql");
        }
    } else {
        if (!is_timestamp_version(version)) {
            return invalid(std::string(file) + ": version '" + std::string(version) +
                           "' must be a UTC timestamp YYYYMMDDHHMMSS");
        }
        if (name.empty()) return invalid(std::string(file) + ": missing name after the version");
    }
    out.version = std::string(version);
    out.name = std::string(name);
    return out;
}

fs::path resolve_migrations_dir(const fs::path& dir) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return dir;
    fs::path supabase = dir.parent_path() / "supabase" / "migrations";
    if (fs::is_directory(supabase, ec)) return supabase;
    return dir;
}

Result<std::vector<Migration>> load_user_migrations(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return std::vector<Migration>{};
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        auto name = entry.path().filename().string();
        if (entry.is_regular_file() && ends_with(name, ".sql") && name.front() != '.') files.push_back(entry.path());
    }
    if (ec) return invalid("cannot list " + dir.string() + ": " + ec.message());
    std::sort(files.begin(), files.end());

    std::map<std::string, Migration> by_version;
    std::map<std::string, fs::path> downs;  // version -> down file
    for (const auto& path : files) {
        auto parsed = parse_migration_filename(path.filename().string());
        if (!parsed) return invalid(dir.string() + "/" + parsed.error().message);
        auto text = read_file(path);
        if (!text) return text.error();
        if (parsed->kind == FileKind::kDown) {
            if (!downs.emplace(parsed->version, path).second) {
                return invalid("two down files for version " + parsed->version + " in " + dir.string());
            }
            continue;
        }
        Migration m;
        m.version = parsed->version;
        m.name = parsed->name;
        m.up_sql = std::move(*text);
        m.source_path = path.string();
        m.no_transaction = has_no_transaction_marker(m.up_sql);
        auto [it, inserted] = by_version.emplace(m.version, std::move(m));
        if (!inserted) {
            return invalid("two migrations with version " + parsed->version + ": " + it->second.source_path +
                           " and " + path.string());
        }
    }
    for (const auto& [version, path] : downs) {
        auto it = by_version.find(version);
        if (it == by_version.end()) return invalid(path.string() + ": down file without its .up.sql");
        if (it->second.name + ".down.sql" != path.filename().string().substr(version.size() + 1)) {
            return invalid(path.string() + ": name differs from " + it->second.source_path);
        }
        auto text = read_file(path);
        if (!text) return text.error();
        it->second.down_sql = std::move(*text);
        it->second.down_path = path.string();
    }
    std::vector<Migration> out;
    out.reserve(by_version.size());
    for (auto& [_, m] : by_version) out.push_back(std::move(m));
    return out;
}

const std::vector<Migration>& system_migrations() {
    static const std::vector<Migration> all = [] {
        std::vector<Migration> out;
        for (const auto& file : detail::embedded_system_files()) {
            // NNNN_name.sql; a malformed name is a build mistake, caught by the unit tests.
            std::string_view n = file.name;
            auto underscore = n.find('_');
            if (underscore == std::string_view::npos || !all_digits(n.substr(0, underscore)) || !ends_with(n, ".sql")) {
                throw ErrorException(Error::internal_error("bad system migration file name: " + std::string(n)));
            }
            Migration m;
            m.version = std::string(n.substr(0, underscore));
            m.name = std::string(n.substr(underscore + 1, n.size() - underscore - 5));
            m.up_sql = std::string(file.content);
            m.source_path = "system/" + std::string(n);
            m.no_transaction = has_no_transaction_marker(m.up_sql);
            out.push_back(std::move(m));
        }
        std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
        return out;
    }();
    return all;
}

namespace {

Result<std::string> sanitize_name(std::string_view raw) {
    std::string out;
    for (char c : raw) {
        if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c + 32);
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
            out += c;
        } else if (c == ' ' || c == '-') {
            out += '_';
        } else {
            return Error::bad_request("migrate.invalid_name",
                                      "migration name may hold letters, digits, '_', '-' and spaces only");
        }
    }
    while (!out.empty() && out.front() == '_') out.erase(out.begin());
    while (!out.empty() && out.back() == '_') out.pop_back();
    if (out.empty()) return Error::bad_request("migrate.invalid_name", "migration name is empty");
    return out;
}

Result<void> write_new_file(const fs::path& path, const std::string& content) {
    std::error_code ec;
    if (fs::exists(path, ec)) return invalid(path.string() + " already exists");
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out) return invalid("cannot write " + path.string());
    return {};
}

}  // namespace

Result<NewMigration> create_migration(const fs::path& dir, std::string_view raw_name,
                                      std::chrono::system_clock::time_point now) {
    auto name = sanitize_name(raw_name);
    if (!name) return name.error();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return invalid("cannot create " + dir.string() + ": " + ec.message());

    // Versions already taken, and whether the folder is a Supabase one (single files only).
    std::vector<std::string> taken;
    bool has_pairs = false, has_singles = false;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        auto parsed = parse_migration_filename(entry.path().filename().string());
        if (!parsed) continue;
        taken.push_back(parsed->version);
        (parsed->kind == FileKind::kSingle ? has_singles : has_pairs) = true;
    }
    std::string version = format_version(now);
    while (std::find(taken.begin(), taken.end(), version) != taken.end()) {
        now += std::chrono::seconds(1);
        version = format_version(now);
    }

    std::string stem = version + "_" + *name;
    std::string header = "-- Migration " + stem + " (created " + version + " UTC)\n";
    NewMigration out;
    if (has_singles && !has_pairs) {
        out.up_path = dir / (stem + ".sql");
        auto ok = write_new_file(out.up_path, header + "-- Supabase-style single file: applied by `basalt migrate up`, no down.\n\n");
        if (!ok) return ok.error();
        return out;
    }
    out.up_path = dir / (stem + ".up.sql");
    out.down_path = dir / (stem + ".down.sql");
    auto up = write_new_file(out.up_path, header +
        "-- Runs in one transaction together with its history row; any error rolls it all back.\n"
        "-- To run outside a transaction (CREATE INDEX CONCURRENTLY), add this line:\n"
        "--   -- basalt:no-transaction\n\n");
    if (!up) return up.error();
    auto down = write_new_file(*out.down_path, "-- Reverts " + stem + ".up.sql (`basalt migrate down`).\n"
        "-- Delete this file if the migration cannot be reverted; down will then refuse clearly.\n\n");
    if (!down) return down.error();
    return out;
}

std::string format_version(std::chrono::system_clock::time_point t) {
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
    return buf;
}

}  // namespace basalt::migrate
