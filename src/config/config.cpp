// Config loading: walks every Settings::visit to learn the keys, applies the YAML file and
// BASALT_* env overrides as typed values, and validates bounds from each field's FieldInfo.
#include "config/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <functional>
#include <sstream>
#include <type_traits>

#include <yaml-cpp/yaml.h>

extern char** environ;

namespace basalt::config {

namespace {

// One key of the config, type-erased: set from text (env) or YAML node, print.
struct Field {
    std::string key;
    FieldInfo info;
    std::function<Result<void>(const std::string&)> set_text;
    std::function<Result<void>(const YAML::Node&)> set_yaml;
    std::function<std::string()> show;
};

Error invalid(const std::string& key, const std::string& reason) {
    return Error::bad_request("config.invalid", key + ": " + reason);
}

std::string quote(const std::string& s) { return "\"" + s + "\""; }

std::string format_number(double v) {
    if (std::floor(v) == v && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    std::ostringstream os;
    os << v;
    return os.str();
}

Result<void> check_bounds(const std::string& key, const FieldInfo& info, double v, const std::string& raw) {
    if ((info.min && v < *info.min) || (info.max && v > *info.max)) {
        std::string range = (info.min ? format_number(*info.min) : "") + ".." + (info.max ? format_number(*info.max) : "");
        return invalid(key, "must be " + range + ", got " + quote(raw));
    }
    return {};
}

Result<bool> parse_bool(const std::string& key, std::string raw) {
    std::transform(raw.begin(), raw.end(), raw.begin(), [](unsigned char c) { return std::tolower(c); });
    if (raw == "true" || raw == "1" || raw == "yes" || raw == "on") return true;
    if (raw == "false" || raw == "0" || raw == "no" || raw == "off") return false;
    return invalid(key, "must be true or false, got " + quote(raw));
}

template <typename T>
Result<T> parse_scalar(const std::string& key, const FieldInfo& info, const std::string& raw) {
    if constexpr (std::is_same_v<T, bool>) {
        return parse_bool(key, raw);
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!info.one_of.empty() && std::find(info.one_of.begin(), info.one_of.end(), raw) == info.one_of.end()) {
            std::string list;
            for (const auto& o : info.one_of) list += (list.empty() ? "" : "|") + o;
            return invalid(key, "must be one of " + list + ", got " + quote(raw));
        }
        return raw;
    } else if constexpr (std::is_integral_v<T>) {
        T v{};
        auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
        if (ec != std::errc{} || p != raw.data() + raw.size()) {
            std::string range = info.min || info.max
                                    ? "must be " + (info.min ? format_number(*info.min) : "") + ".." + (info.max ? format_number(*info.max) : "")
                                    : "must be an integer";
            return invalid(key, range + ", got " + quote(raw));
        }
        if (auto r = check_bounds(key, info, double(v), raw); !r) return r.error();
        return v;
    } else {
        double v = 0;
        auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
        if (ec != std::errc{} || p != raw.data() + raw.size() || !std::isfinite(v))
            return invalid(key, "must be a number, got " + quote(raw));
        if (auto r = check_bounds(key, info, v, raw); !r) return r.error();
        return v;
    }
}

// Lists from env: comma-separated ("a,b") or a JSON/YAML flow list ("[a, b]").
Result<std::vector<std::string>> parse_list_text(const std::string& key, const std::string& raw) {
    std::vector<std::string> out;
    std::string s = raw;
    if (!s.empty() && s.front() == '[') {
        try {
            YAML::Node n = YAML::Load(s);
            for (const auto& item : n) out.push_back(item.as<std::string>());
            return out;
        } catch (const std::exception&) {
            return invalid(key, "must be a list like [a, b] or a,b, got " + quote(raw));
        }
    }
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        auto b = item.find_first_not_of(' ');
        auto e = item.find_last_not_of(' ');
        if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    }
    return out;
}

struct Collector {
    std::string prefix;
    std::vector<Field>* fields;

    template <typename T>
    void operator()(const char* name, T& target, const FieldInfo& info) {
        Field f;
        f.key = prefix + "." + name;
        f.info = info;
        const std::string key = f.key;
        if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            f.set_text = [key, &target](const std::string& raw) -> Result<void> {
                auto v = parse_list_text(key, raw);
                if (!v) return v.error();
                target = std::move(*v);
                return {};
            };
            f.set_yaml = [key, &target](const YAML::Node& n) -> Result<void> {
                if (n.IsScalar()) {
                    auto v = parse_list_text(key, n.Scalar());
                    if (!v) return v.error();
                    target = std::move(*v);
                    return {};
                }
                if (!n.IsSequence()) return invalid(key, "must be a list");
                std::vector<std::string> out;
                for (const auto& item : n) {
                    if (!item.IsScalar()) return invalid(key, "list items must be strings");
                    out.push_back(item.Scalar());
                }
                target = std::move(out);
                return {};
            };
            f.show = [&target] {
                std::string s = "[";
                for (std::size_t i = 0; i < target.size(); ++i) s += (i ? ", " : "") + quote(target[i]);
                return s + "]";
            };
        } else {
            f.set_text = [key, info, &target](const std::string& raw) -> Result<void> {
                auto v = parse_scalar<T>(key, info, raw);
                if (!v) return v.error();
                target = std::move(*v);
                return {};
            };
            f.set_yaml = [key, info, &target](const YAML::Node& n) -> Result<void> {
                if (!n.IsScalar()) return invalid(key, "must be a single value");
                auto v = parse_scalar<T>(key, info, n.Scalar());
                if (!v) return v.error();
                target = std::move(*v);
                return {};
            };
            f.show = [&target] {
                if constexpr (std::is_same_v<T, bool>) return std::string(target ? "true" : "false");
                else if constexpr (std::is_same_v<T, std::string>) return quote(target);
                else if constexpr (std::is_integral_v<T>) return std::to_string(target);
                else return format_number(target);
            };
        }
        fields->push_back(std::move(f));
    }
};

std::vector<Field> fields_of(Config& c) {
    std::vector<Field> fields;
    auto section = [&](const char* prefix, auto& settings) {
        using S = std::remove_reference_t<decltype(settings)>;
        S::visit(settings, Collector{prefix, &fields});
    };
    section("log", c.log);
    section("server", c.server);
    section("cors", c.cors);
    section("rate_limits", c.rate_limits);
    section("database", c.database);
    section("auth", c.auth);
    section("rest", c.rest);
    section("migrations", c.migrations);
    section("smtp", c.smtp);
    section("sms", c.sms);
    section("outbox", c.outbox);
    return fields;
}

// Flattens a YAML mapping into dotted keys; a known list key stops the descent.
Result<void> apply_yaml(const YAML::Node& node, const std::string& prefix, std::vector<Field>& fields) {
    if (!node.IsMap()) return invalid(prefix.empty() ? "basalt.yaml" : prefix, "must be a mapping");
    for (const auto& kv : node) {
        const std::string key = (prefix.empty() ? "" : prefix + ".") + kv.first.as<std::string>();
        auto it = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.key == key; });
        if (it != fields.end()) {
            if (kv.second.IsNull()) continue;
            if (auto r = it->set_yaml(kv.second); !r) return r;
            continue;
        }
        const bool is_prefix = std::any_of(fields.begin(), fields.end(),
                                           [&](const Field& f) { return f.key.rfind(key + ".", 0) == 0; });
        if (!is_prefix) return invalid(key, "unknown configuration key");
        if (kv.second.IsNull()) continue;
        if (auto r = apply_yaml(kv.second, key, fields); !r) return r;
    }
    return {};
}

}  // namespace

std::string env_name(std::string_view key) {
    std::string out = "BASALT_";
    for (char c : key) out.push_back(c == '.' ? '_' : char(std::toupper(static_cast<unsigned char>(c))));
    return out;
}

std::vector<std::pair<std::string, std::string>> process_environment() {
    std::vector<std::pair<std::string, std::string>> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        env.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
    return env;
}

Result<Config> load(const LoadOptions& options) {
    Config config;
    auto fields = fields_of(config);

    std::optional<std::string> path = options.file;
    if (!path && std::filesystem::exists("basalt.yaml")) path = "basalt.yaml";
    if (path) {
        if (!std::filesystem::exists(*path))
            return Error::bad_request("config.not_found", "config file not found: " + *path);
        try {
            YAML::Node root = YAML::LoadFile(*path);
            if (!root.IsNull())
                if (auto r = apply_yaml(root, "", fields); !r) return r.error();
        } catch (const YAML::Exception& e) {
            return Error::bad_request("config.parse", *path + ": " + e.what());
        }
    }

    // Names are resolved against known keys, so underscores inside keys are not ambiguous.
    for (const auto& [name, value] : options.env) {
        if (name.rfind("BASALT_", 0) != 0) continue;
        auto it = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return env_name(f.key) == name; });
        if (it == fields.end())
            return Error::bad_request("config.unknown_env", name + ": unknown configuration variable (no such key)");
        if (auto r = it->set_text(value); !r) {
            Error e = r.error();
            e.message = name + " (" + e.message + ")";
            return e;
        }
    }

    // Cross-field checks.
    if (!config.auth.jwt_secret.empty() && config.auth.jwt_secret.size() < 32)
        return invalid("auth.jwt_secret", "must be at least 32 characters");
    if (config.rest.schemas.empty()) return invalid("rest.schemas", "must list at least one schema");
    return config;
}

std::string describe(Config& config) {
    std::string out;
    for (const auto& f : fields_of(config)) {
        std::string value = f.show();
        if (f.info.secret && value != "\"\"") value = "\"********\"";
        out += f.key + ": " + value + "\n";
    }
    return out;
}

namespace {
struct Node {
    std::vector<std::pair<std::string, Node>> children;  // insertion order kept
    const Field* field = nullptr;
    Node& child(const std::string& name) {
        for (auto& [k, n] : children)
            if (k == name) return n;
        children.emplace_back(name, Node{});
        return children.back().second;
    }
};

void emit(const Node& node, int depth, std::string& out) {
    const std::string indent(std::size_t(depth) * 2, ' ');
    for (const auto& [name, child] : node.children) {
        if (child.field) {
            const Field& f = *child.field;
            std::string help = f.info.help;
            if (!f.info.one_of.empty()) {
                help += " (";
                for (std::size_t i = 0; i < f.info.one_of.size(); ++i) help += (i ? "|" : "") + f.info.one_of[i];
                help += ")";
            }
            if (f.info.secret) help += " [secret]";
            out += indent + "# " + help + "  (env " + env_name(f.key) + ")\n";
            out += indent + name + ": " + f.show() + "\n";
        } else {
            if (depth == 0) out += "\n";
            out += indent + name + ":\n";
            emit(child, depth + 1, out);
        }
    }
}
}  // namespace

std::string example_yaml() {
    Config c;
    auto fields = fields_of(c);
    Node root;
    for (const auto& f : fields) {
        Node* n = &root;
        std::stringstream ss(f.key);
        std::string part;
        std::vector<std::string> parts;
        while (std::getline(ss, part, '.')) parts.push_back(part);
        for (std::size_t i = 0; i + 1 < parts.size(); ++i) n = &n->child(parts[i]);
        n->child(parts.back()).field = &f;
    }
    std::string out =
        "# Basalt configuration: every key with its default. Generated by `basalt config example`.\n"
        "# Each key can be overridden by the environment variable shown next to it.\n";
    emit(root, 0, out);
    return out;
}

std::vector<std::string> known_keys() {
    Config c;
    std::vector<std::string> keys;
    for (const auto& f : fields_of(c)) keys.push_back(f.key);
    return keys;
}

}  // namespace basalt::config
