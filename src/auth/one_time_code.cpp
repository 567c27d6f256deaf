// Code generation, hashing and the /verify type table.
#include "auth/one_time_code.hpp"

#include "common/crypto.hpp"

namespace basalt::auth {

std::string_view purpose_name(CodePurpose purpose) {
    switch (purpose) {
        case CodePurpose::kConfirmation: return "confirmation";
        case CodePurpose::kMagicLink: return "magiclink";
        case CodePurpose::kSms: return "sms";
        case CodePurpose::kRecovery: return "recovery";
        case CodePurpose::kInvite: return "invite";
        case CodePurpose::kEmailChange: return "email_change";
        case CodePurpose::kPhoneChange: return "phone_change";
    }
    return "confirmation";
}

std::string_view link_type(CodePurpose purpose) {
    return purpose == CodePurpose::kConfirmation ? "signup" : purpose_name(purpose);
}

std::optional<VerifyType> parse_verify_type(std::string_view type) {
    using messaging::Channel;
    VerifyType out;
    out.name = std::string(type);
    if (type == "email" || type == "signup" || type == "magiclink") {
        out.purposes = {CodePurpose::kConfirmation, CodePurpose::kMagicLink};
    } else if (type == "recovery") {
        out.purposes = {CodePurpose::kRecovery};
    } else if (type == "invite") {
        out.purposes = {CodePurpose::kInvite};
    } else if (type == "email_change") {
        out.purposes = {CodePurpose::kEmailChange};
    } else if (type == "sms") {
        out.channel = Channel::kSms;
        out.purposes = {CodePurpose::kSms, CodePurpose::kConfirmation};
    } else if (type == "phone_change") {
        out.channel = Channel::kSms;
        out.purposes = {CodePurpose::kPhoneChange};
    } else {
        return std::nullopt;
    }
    return out;
}

std::string generate_code(std::size_t length) {
    std::string out;
    out.reserve(length);
    while (out.size() < length) {
        // 250 is the largest multiple of 10 below 256: bytes from 250 up are discarded so each
        // digit is exactly uniform.
        for (unsigned char b : crypto::random_bytes(length * 2)) {
            if (b >= 250) continue;
            out.push_back(char('0' + b % 10));
            if (out.size() == length) break;
        }
    }
    return out;
}

std::string new_link_token() { return crypto::hex(crypto::random_bytes(32)); }

std::string new_code_salt() { return crypto::hex(crypto::random_bytes(16)); }

std::string hash_link_token(std::string_view token) { return crypto::hex(crypto::sha256(token)); }

std::string code_key(std::string_view server_secret) {
    // Domain separation: the same secret also signs tokens and derives refresh tokens.
    return crypto::hmac_sha256(server_secret, "basalt one-time codes v1");
}

std::string hash_code(std::string_view key, std::string_view salt, std::string_view code) {
    std::string data(salt);
    data += ':';
    data += code;
    return crypto::hex(crypto::hmac_sha256(key, data));
}

bool code_matches(std::string_view key, std::string_view salt, std::string_view code, std::string_view stored_hash) {
    return crypto::constant_time_equal(hash_code(key, salt, code), stored_hash);
}

std::string clean_code(std::string_view typed) {
    std::string out;
    out.reserve(typed.size());
    for (char c : typed)
        if (c != ' ' && c != '-' && c != '\t') out.push_back(c);
    return out;
}

}  // namespace basalt::auth
