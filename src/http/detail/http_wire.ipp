// HTTP/1.1 wire helpers for session.cpp: the response head serialiser (cached Date header), the
// request parser that fills our Request directly, and small predicates. Included only by
// session.cpp, inside its anonymous namespace (keeps Beast in one translation unit).

// --- Response head ---------------------------------------------------------------------------

// "Date" changes once per second: format it once per second per thread, not per response.
std::string_view http_date() {
    thread_local std::time_t cached_second = 0;
    thread_local std::array<char, 64> buf{};
    thread_local std::size_t len = 0;
    const std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        std::tm tm{};
        gmtime_r(&now, &tm);
        len = std::strftime(buf.data(), buf.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
        cached_second = now;
    }
    return {buf.data(), len};
}

void append_number(std::string& out, std::uint64_t n) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, end);
}

// Header names are stored lower-cased; send them in the conventional Title-Case.
void append_header_name(std::string& out, std::string_view name) {
    bool upper = true;
    for (char c : name) {
        out.push_back(upper && c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c);
        upper = c == '-';
    }
}

bool is_managed_header(std::string_view lower_name) {
    return lower_name == "content-length" || lower_name == "connection" || lower_name == "transfer-encoding" ||
           lower_name == "date" || lower_name == "server" || lower_name == "keep-alive";
}

bool has_crlf(std::string_view s) {
    for (char c : s)
        if (c == '\r' || c == '\n') return true;
    return false;
}

// Serialises the status line and headers. The body goes out as a second buffer (no copy).
void serialize_head(std::string& out, Response& response, std::string_view request_id, bool keep_alive, int version,
                    bool& send_body) {
    int status = response.status;
    if (status < 100 || status > 999) status = 500;
    std::string_view reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
    if (reason.starts_with("<")) reason = "Unknown";
    // 1xx, 204 and 304 never carry a body; 1xx and 204 never carry Content-Length (RFC 9110 §8.6).
    const bool no_body = status < 200 || status == 204 || status == 304;
    if (no_body) response.body.clear();
    send_body = send_body && !no_body;

    out.clear();
    out += "HTTP/1.1 ";
    append_number(out, std::uint64_t(status));
    out += ' ';
    out += reason;
    out += "\r\nServer: basalt\r\nDate: ";
    out += http_date();
    out += "\r\n";
    if (status >= 200 && status != 204) {
        out += "Content-Length: ";
        // A HEAD handler may state the size of the body it did not produce (e.g. a stored object).
        auto declared = response.headers.get("content-length");
        if (!send_body && response.body.empty() && declared && !declared->empty() &&
            declared->find_first_not_of("0123456789") == std::string_view::npos) {
            out += *declared;
        } else {
            append_number(out, response.body.size());
        }
        out += "\r\n";
    }
    // Written here rather than stored in response.headers: saves two allocations per request.
    if (!request_id.empty() && !response.headers.has("x-request-id")) {
        out += "X-Request-Id: ";
        out += request_id;
        out += "\r\n";
    }
    if (!keep_alive) out += "Connection: close\r\n";
    else if (version == 10) out += "Connection: keep-alive\r\n";
    for (const auto& [name, value] : response.headers.items()) {
        // Handlers may echo client data into headers; a CR/LF there would split the response.
        if (is_managed_header(name) || has_crlf(name) || has_crlf(value)) continue;
        append_header_name(out, name);
        out += ": ";
        out += value;
        out += "\r\n";
    }
    out += "\r\n";
}

// --- Request parser --------------------------------------------------------------------------

// Parses straight into our Request (no intermediate beast::http::fields copy).
class RequestParser final : public bhttp::basic_parser<true> {
public:
    explicit RequestParser(Request& request) : request_(request) {}
    [[nodiscard]] int version() const { return version_; }

private:
    void on_request_impl(bhttp::verb, beast::string_view method, beast::string_view target, int version,
                         beast::error_code&) override {
        request_.method.assign(method.data(), method.size());
        request_.target.assign(target.data(), target.size());
        version_ = version;
    }
    void on_response_impl(int, beast::string_view, int, beast::error_code&) override {}
    void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value, beast::error_code&) override {
        request_.headers.add(std::string_view(name), std::string_view(value));
    }
    void on_header_impl(beast::error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>& length, beast::error_code&) override {
        // Content-Length was checked against the route's limit before we get here. Reserve at
        // most 1 MiB up front: a client must send bytes, not just announce them, to use memory.
        if (length) request_.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*length, 1u << 20)));
    }
    std::size_t on_body_impl(beast::string_view body, beast::error_code&) override {
        request_.body.append(body.data(), body.size());
        return body.size();
    }
    void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override {
        request_.body.append(body.data(), body.size());
        return body.size();
    }
    void on_finish_impl(beast::error_code&) override {}

    Request& request_;
    int version_ = 11;
};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

Error make_error(int status, std::string code, std::string message) {
    Error e;
    e.status = status;
    e.code = std::move(code);
    e.message = std::move(message);
    return e;
}

bool is_syntax_error(const beast::error_code& ec) {
    return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
           ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

std::string client_ip_of(const tcp::socket& socket) {
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (ec) return "unknown";
    auto address = ep.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    }
    return address.to_string();
}

