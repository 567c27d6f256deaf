// One error type for the whole codebase: a stable wire code, an HTTP status, a client-safe
// message, optional details/hint, and an internal cause that only ever reaches the log.
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

namespace basalt {

struct Error {
    int status = 500;        // HTTP status the error maps to
    std::string code;        // stable wire code: "rest.unknown_column", "PGRST116", "23505", ...
    std::string message;     // safe to show to clients
    nlohmann::json details;  // null when absent
    nlohmann::json hint;     // null when absent
    std::string internal;    // log only (SQL text, libpq message); never sent to clients

    // Body as PostgREST and Supabase clients parse it.
    [[nodiscard]] nlohmann::json to_json() const;

    static Error bad_request(std::string code, std::string message);
    static Error unauthorized(std::string code, std::string message);
    static Error forbidden(std::string code, std::string message);
    static Error not_found(std::string code, std::string message);
    static Error conflict(std::string code, std::string message);
    static Error too_large(std::string message);
    static Error unavailable(std::string code, std::string message);
    // Anything unclassified: generic client message, cause kept for the log.
    static Error internal_error(std::string cause);
};

// I/O code and handlers may throw this; the HTTP session catches it in one place.
class ErrorException : public std::exception {
public:
    explicit ErrorException(Error error) : error_(std::move(error)) {}
    [[nodiscard]] const Error& error() const noexcept { return error_; }
    [[nodiscard]] const char* what() const noexcept override { return error_.message.c_str(); }

private:
    Error error_;
};

// Result<T> for pure stages: failures show in signatures (std::expected is C++23).
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}          // NOLINT(implicit)
    Result(Error error) : v_(std::move(error)) {}      // NOLINT(implicit)

    [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    T& value() & { return check(), std::get<0>(v_); }
    const T& value() const& { return check(), std::get<0>(v_); }
    T&& value() && { return check(), std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    [[nodiscard]] const Error& error() const& { return std::get<1>(v_); }
    Error&& error() && { return std::get<1>(std::move(v_)); }
    // Throws ErrorException on failure; for handlers where exceptions are the error path.
    T unwrap() && {
        if (!ok()) throw ErrorException(std::get<1>(std::move(v_)));
        return std::get<0>(std::move(v_));
    }

private:
    void check() const {
        if (!ok()) throw ErrorException(std::get<1>(v_));
    }
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}  // NOLINT(implicit)
    [[nodiscard]] bool ok() const noexcept { return !error_.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] const Error& error() const& { return *error_; }
    void unwrap() && {
        if (error_) throw ErrorException(std::move(*error_));
    }

private:
    std::optional<Error> error_;
};

}  // namespace basalt
