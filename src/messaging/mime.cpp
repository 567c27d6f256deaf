// MIME building. Bodies are quoted-printable so the message is 7-bit and short-lined whatever
// the template holds; headers use RFC 2047 only when they must, so ASCII mail stays readable.
#include "messaging/mime.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

#include "common/crypto.hpp"

namespace basalt::messaging {

namespace {

constexpr std::size_t kMaxLine = 78;        // RFC 5322 2.1.1 recommended line length
constexpr std::size_t kMaxEncodedLine = 76;  // RFC 2047 2: lines holding encoded-words

bool is_printable_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c > 0x7e) return false;
    return s.find("=?") == std::string_view::npos;  // would be read as an encoded-word
}

std::string hex_escape(unsigned char c) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    return std::string{'=', kHex[c >> 4], kHex[c & 15]};
}

// Longest prefix of `s` with at most `max_bytes` bytes that does not split a UTF-8 sequence.
std::size_t utf8_prefix(std::string_view s, std::size_t max_bytes) {
    if (s.size() <= max_bytes) return s.size();
    std::size_t n = max_bytes;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return n == 0 ? max_bytes : n;  // malformed input: cut anyway rather than loop
}

std::string fold_ascii(std::string_view text, std::size_t used) {
    std::string out;
    std::size_t line = used;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto space = text.find(' ', pos);
        if (space == std::string_view::npos) space = text.size();
        std::string_view word = text.substr(pos, space - pos);
        if (pos > 0) {
            if (line + 1 + word.size() > kMaxLine && line > 1) {
                out += "\r\n";
                line = 0;
            }
            out += ' ';
            ++line;
        }
        out += word;
        line += word.size();
        pos = space + 1;
    }
    return out;
}

// Drops CR/LF so no value can start a header of its own (header injection).
std::string one_line(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c == '\r' || c == '\n') c = ' ';
    return out;
}

bool is_atext_phrase(std::string_view s) {
    for (unsigned char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
                        std::string_view("!#$%&'*+-/=?^_`{|}~").find(char(c)) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

std::string random_boundary() { return "=_basalt_" + crypto::hex(crypto::random_bytes(12)); }

}  // namespace

std::string encode_header_text(std::string_view text, std::size_t used) {
    if (is_printable_ascii(text)) return fold_ascii(text, used);
    std::string out;
    std::size_t budget_line = used;
    while (!text.empty()) {
        // Each word costs 12 characters of "=?UTF-8?B??=" plus 4 per 3 bytes of payload.
        const std::size_t room = kMaxEncodedLine > budget_line + 12 ? kMaxEncodedLine - budget_line - 12 : 4;
        const std::size_t max_bytes = std::max<std::size_t>(3, room / 4 * 3);
        const std::size_t n = utf8_prefix(text, max_bytes);
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + crypto::base64_encode(text.substr(0, n)) + "?=";
        text.remove_prefix(n);
        budget_line = 1;  // continuation lines start with one space
    }
    return out;
}

std::string format_mailbox(std::string_view name, std::string_view address) {
    const std::string clean = one_line(name);
    if (clean.empty()) return std::string(address);
    std::string display;
    if (!is_printable_ascii(clean)) {
        display = encode_header_text(clean, 6);  // after "From: "
    } else if (is_atext_phrase(clean)) {
        display = clean;
    } else {
        display = "\"";
        for (char c : clean) {
            if (c == '"' || c == '\\') display += '\\';
            display += c;
        }
        display += "\"";
    }
    return display + " <" + std::string(address) + ">";
}

std::string quoted_printable(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    std::size_t start = 0;
    while (start <= text.size()) {
        auto nl = text.find('\n', start);
        const bool last_line = nl == std::string_view::npos;
        std::string_view line = text.substr(start, (last_line ? text.size() : nl) - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::size_t col = 0;
        const bool from_line = line.substr(0, 5) == "From ";
        for (std::size_t i = 0; i < line.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(line[i]);
            const bool end_of_line = i + 1 == line.size();
            auto token = [&](std::size_t column) -> std::string {
                if (c == ' ' || c == '\t') return end_of_line ? hex_escape(c) : std::string(1, char(c));
                if (c == '=' || c < 33 || c > 126) return hex_escape(c);
                if (column == 0 && c == '.') return hex_escape(c);  // SMTP end-of-data lookalike
                if (i == 0 && from_line) return hex_escape(c);      // mbox "From " quoting
                return std::string(1, char(c));
            };
            std::string t = token(col);
            // 75 characters + the soft break's '=' keeps every line within 76.
            if (col + t.size() > 75) {
                out += "=\r\n";
                col = 0;
                t = token(col);
            }
            out += t;
            col += t.size();
        }
        if (last_line) break;
        out += "\r\n";
        start = nl + 1;
    }
    return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point t) {
    static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                  kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string make_message_id(std::int64_t outbox_id, std::int64_t created_us, std::string_view sender_address) {
    std::string domain;
    if (auto at = sender_address.rfind('@'); at != std::string_view::npos) {
        for (char c : sender_address.substr(at + 1))
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-')
                domain += c;
    }
    if (domain.empty()) domain = "localhost";
    return "basalt." + std::to_string(outbox_id) + "." + std::to_string(created_us) + "@" + domain;
}

std::string build_mime(const MimeMessage& m) {
    std::string out;
    out += "From: " + format_mailbox(m.from_name, m.from_address) + "\r\n";
    out += "To: " + one_line(m.to) + "\r\n";
    out += "Subject: " + encode_header_text(one_line(m.subject), 9) + "\r\n";
    out += "Date: " + rfc5322_date(m.date) + "\r\n";
    out += "Message-ID: <" + one_line(m.message_id) + ">\r\n";
    out += "MIME-Version: 1.0\r\n";
    // Transactional mail: ask auto-responders not to answer (RFC 3834).
    out += "Auto-Submitted: auto-generated\r\n";

    const std::string text_part_headers =
        "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n";
    if (m.html.empty()) {
        out += text_part_headers + "\r\n";
        out += quoted_printable(m.text);
        out += "\r\n";
        return out;
    }
    const std::string boundary = m.boundary.empty() ? random_boundary() : m.boundary;
    out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    out += "This is a multi-part message in MIME format.\r\n";
    out += "--" + boundary + "\r\n" + text_part_headers + "\r\n";
    out += quoted_printable(m.text);
    out += "\r\n--" + boundary + "\r\n";
    out += "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += quoted_printable(m.html);
    out += "\r\n--" + boundary + "--\r\n";
    return out;
}

}  // namespace basalt::messaging
