// MIME building: headers, RFC 2047 words, quoted-printable round trips and line limits.
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "common/crypto.hpp"
#include "messaging/mime.hpp"

namespace basalt::messaging {
namespace {

using namespace std::chrono_literals;

// Decoders written independently of the encoder, following RFC 2045 / RFC 2047.
std::string qp_decode(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '=' && i + 2 < in.size() && in[i + 1] == '\r' && in[i + 2] == '\n') {
            i += 2;  // soft line break
        } else if (in[i] == '=' && i + 2 < in.size()) {
            out.push_back(static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else if (in[i] == '\r' && i + 1 < in.size() && in[i + 1] == '\n') {
            out.push_back('\n');
            ++i;
        } else {
            out.push_back(in[i]);
        }
    }
    return out;
}

std::string decode_words(std::string_view header) {
    std::string out;
    std::size_t pos = 0;
    while ((pos = header.find("=?UTF-8?B?", pos)) != std::string_view::npos) {
        auto end = header.find("?=", pos + 10);
        out += crypto::base64_decode(header.substr(pos + 10, end - pos - 10)).value();
        pos = end + 2;
    }
    return out;
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0, nl;
    while ((nl = s.find("\r\n", start)) != std::string::npos) {
        out.push_back(s.substr(start, nl - start));
        start = nl + 2;
    }
    out.push_back(s.substr(start));
    return out;
}

MimeMessage sample() {
    return MimeMessage{.from_address = "noreply@app.test",
                       .from_name = "Basalt App",
                       .to = "user@example.com",
                       .subject = "Your sign-in link",
                       .text = "Hello,\nyour code is 123456\n",
                       .html = "<p>Hello, your code is <b>123456</b></p>\n",
                       .message_id = "basalt.1.2@app.test",
                       .date = std::chrono::system_clock::time_point(1700000000s),
                       .boundary = "=_basalt_test"};
}

TEST(QuotedPrintable, RoundTripsAndKeepsLinesShort) {
    std::string text = "plain ascii\n";
    text += "caf\xc3\xa9 \xe2\x82\xac and = sign\n";
    text += std::string(200, 'x') + "\n";
    text += "trailing space \n.leading dot\nFrom the start\n\ttab\n";
    for (int i = 0; i < 40; ++i) text += "\xc3\xa9";
    const std::string qp = quoted_printable(text);
    EXPECT_EQ(qp_decode(qp), text);
    for (const auto& l : lines(qp)) {
        EXPECT_LE(l.size(), 76u) << l;
        for (unsigned char c : l) EXPECT_TRUE((c >= 32 && c < 127) || c == '\t') << l;
        if (!l.empty()) {
            EXPECT_NE(l.front(), '.') << "line starts with a dot: " << l;
        }
        EXPECT_NE(l.rfind("From ", 0), 0u) << l;
    }
    EXPECT_NE(qp.find("space=20\r\n"), std::string::npos);
    EXPECT_NE(qp.find("caf=C3=A9"), std::string::npos);
    EXPECT_NE(qp.find("=3D sign"), std::string::npos);
}

TEST(QuotedPrintable, CrLfInputIsNotDoubled) {
    EXPECT_EQ(quoted_printable("a\r\nb\r\n"), "a\r\nb\r\n");
    EXPECT_EQ(quoted_printable("a\nb"), "a\r\nb");
}

TEST(HeaderEncoding, AsciiStaysReadable) {
    EXPECT_EQ(encode_header_text("Your sign-in link", 9), "Your sign-in link");
}

TEST(HeaderEncoding, NonAsciiBecomesUtf8Words) {
    const std::string subject = "Vérifiez votre adresse — 確認してください — ₵ 100";
    const std::string enc = encode_header_text(subject, 9);
    EXPECT_EQ(enc.rfind("=?UTF-8?B?", 0), 0u);
    EXPECT_EQ(decode_words(enc), subject);
    auto ls = lines(enc);
    EXPECT_GT(ls.size(), 1u);
    EXPECT_LE(ls[0].size() + 9, 76u);
    for (std::size_t i = 1; i < ls.size(); ++i) {
        EXPECT_EQ(ls[i].front(), ' ');  // folded continuation
        EXPECT_LE(ls[i].size(), 76u);
    }
}

TEST(HeaderEncoding, EncodedWordLookalikeIsEncoded) {
    const std::string enc = encode_header_text("=?UTF-8?B?QQ==?=", 9);
    EXPECT_EQ(decode_words(enc), "=?UTF-8?B?QQ==?=");
}

TEST(HeaderEncoding, LongAsciiIsFolded) {
    std::string subject;
    for (int i = 0; i < 30; ++i) subject += "word" + std::to_string(i) + " ";
    subject.pop_back();
    const std::string enc = encode_header_text(subject, 9);
    auto ls = lines(enc);
    EXPECT_GT(ls.size(), 1u);
    EXPECT_LE(ls[0].size() + 9, 78u);
    std::string unfolded;
    for (const auto& l : ls) unfolded += l;
    EXPECT_EQ(unfolded, subject);
}

TEST(Mailbox, QuotesOrEncodesTheDisplayName) {
    EXPECT_EQ(format_mailbox("", "a@b.test"), "a@b.test");
    EXPECT_EQ(format_mailbox("Basalt App", "a@b.test"), "Basalt App <a@b.test>");
    EXPECT_EQ(format_mailbox("Acme, Inc. \"HQ\"", "a@b.test"), "\"Acme, Inc. \\\"HQ\\\"\" <a@b.test>");
    const std::string enc = format_mailbox("Société Générale", "a@b.test");
    EXPECT_EQ(decode_words(enc), "Société Générale");
    EXPECT_NE(enc.find(" <a@b.test>"), std::string::npos);
    EXPECT_EQ(format_mailbox("Evil\r\nBcc: x@y", "a@b.test"), "\"Evil  Bcc: x@y\" <a@b.test>");
}

TEST(Date, Rfc5322InUtc) {
    EXPECT_EQ(rfc5322_date(std::chrono::system_clock::time_point(1700000000s)), "Tue, 14 Nov 2023 22:13:20 +0000");
    EXPECT_EQ(rfc5322_date(std::chrono::system_clock::time_point(0s)), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(MessageId, StablePerRowAndDomainFromSender) {
    EXPECT_EQ(make_message_id(42, 1700000000123456, "noreply@app.test"), "basalt.42.1700000000123456@app.test");
    EXPECT_EQ(make_message_id(1, 2, "weird"), "basalt.1.2@localhost");
    EXPECT_EQ(make_message_id(1, 2, "a@b.test>\r\nX: y"), "basalt.1.2@b.testXy");
}

TEST(BuildMime, MultipartAlternativeWithAllHeaders) {
    const std::string mime = build_mime(sample());
    const auto header_end = mime.find("\r\n\r\n");
    ASSERT_NE(header_end, std::string::npos);
    const std::string headers = mime.substr(0, header_end + 2);
    EXPECT_NE(headers.find("From: Basalt App <noreply@app.test>\r\n"), std::string::npos);
    EXPECT_NE(headers.find("To: user@example.com\r\n"), std::string::npos);
    EXPECT_NE(headers.find("Subject: Your sign-in link\r\n"), std::string::npos);
    EXPECT_NE(headers.find("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"), std::string::npos);
    EXPECT_NE(headers.find("Message-ID: <basalt.1.2@app.test>\r\n"), std::string::npos);
    EXPECT_NE(headers.find("MIME-Version: 1.0\r\n"), std::string::npos);
    EXPECT_NE(headers.find("Content-Type: multipart/alternative; boundary=\"=_basalt_test\"\r\n"), std::string::npos);

    const auto text_at = mime.find("--=_basalt_test\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    const auto html_at = mime.find("--=_basalt_test\r\nContent-Type: text/html; charset=UTF-8\r\n"
                                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    ASSERT_NE(text_at, std::string::npos);
    ASSERT_NE(html_at, std::string::npos);
    EXPECT_LT(text_at, html_at);  // the preferred (richest) alternative comes last
    EXPECT_EQ(mime.substr(mime.size() - 19), "--=_basalt_test--\r\n");
    EXPECT_NE(mime.find("your code is 123456"), std::string::npos);
    EXPECT_NE(mime.find("<p>Hello, your code is <b>123456</b></p>"), std::string::npos);
    // Bare LF never appears: every line ends in CRLF.
    for (std::size_t i = 0; i < mime.size(); ++i)
        if (mime[i] == '\n') {
            ASSERT_TRUE(i > 0 && mime[i - 1] == '\r') << "bare LF at " << i;
        }
}

TEST(BuildMime, TextOnlyAndNonAsciiSubject) {
    MimeMessage m = sample();
    m.html.clear();
    m.subject = "Código de verificación";
    m.boundary.clear();
    const std::string mime = build_mime(m);
    EXPECT_EQ(mime.find("multipart"), std::string::npos);
    EXPECT_NE(mime.find("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"),
              std::string::npos);
    const auto s = mime.find("Subject: ");
    const auto e = mime.find("\r\nDate:");
    EXPECT_EQ(decode_words(mime.substr(s, e - s)), "Código de verificación");
}

TEST(BuildMime, RandomBoundaryWhenNotGiven) {
    MimeMessage m = sample();
    m.boundary.clear();
    const std::string a = build_mime(m), b = build_mime(m);
    EXPECT_NE(a.find("boundary=\"=_basalt_"), std::string::npos);
    EXPECT_NE(a, b);
}

TEST(BuildMime, HeaderInjectionIsNeutralised) {
    MimeMessage m = sample();
    m.subject = "hi\r\nBcc: victim@example.com";
    m.to = "user@example.com\r\nBcc: victim@example.com";
    const std::string mime = build_mime(m);
    EXPECT_EQ(mime.find("\r\nBcc:"), std::string::npos);
}

}  // namespace
}  // namespace basalt::messaging
