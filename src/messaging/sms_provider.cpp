// Arkesel and webhook SMS providers: request shapes, reply classification, and the providers
// that perform them with libcurl.
#include "messaging/sms_provider.hpp"

#include "common/json.hpp"
#include "messaging/detail/curl.hpp"

namespace basalt::messaging {

namespace {

using Kind = DeliveryOutcome::Kind;

DeliveryOutcome outcome(Kind kind, std::string provider, std::string error = {}, std::string id = {}) {
    return DeliveryOutcome::of(kind, std::move(provider), std::move(error), std::move(id));
}

std::string trim_slash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

// The reply's own explanation when it has one ({"message": "..."}), else the raw text.
std::string reply_message(const Json& j, std::string_view body) {
    if (j.is_object() && j.contains("message") && j["message"].is_string())
        return detail::short_text(j["message"].get<std::string>());
    return detail::short_text(body, 200);
}

DeliveryOutcome perform(const detail::HttpCall& call, long timeout_ms, const std::atomic<bool>& cancel,
                        std::string_view provider, DeliveryOutcome (*classify)(long, std::string_view)) {
    const detail::HttpReply reply = detail::http_post(call, timeout_ms, cancel);
    if (reply.code == CURLE_ABORTED_BY_CALLBACK) return outcome(Kind::kInterrupted, std::string(provider), "interrupted by shutdown");
    if (reply.code != CURLE_OK)
        return outcome(Kind::kRetry, std::string(provider), std::string(provider) + ": " + detail::short_text(reply.error));
    return classify(reply.status, reply.body);
}

class ArkeselProvider final : public SmsProvider {
public:
    explicit ArkeselProvider(SmsSettings s) : s_(std::move(s)) {}
    [[nodiscard]] std::string_view name() const override { return "arkesel"; }
    DeliveryOutcome send(const OutboxItem& item, const std::atomic<bool>& cancel) const override {
        return perform(arkesel_request(s_, item.to, item.text), static_cast<long>(s_.timeout_ms), cancel, name(),
                       &arkesel_outcome);
    }

private:
    SmsSettings s_;
};

class WebhookProvider final : public SmsProvider {
public:
    explicit WebhookProvider(SmsSettings s) : s_(std::move(s)) {}
    [[nodiscard]] std::string_view name() const override { return "webhook"; }
    DeliveryOutcome send(const OutboxItem& item, const std::atomic<bool>& cancel) const override {
        return perform(webhook_request(s_, item.to, item.text, item.kind), static_cast<long>(s_.timeout_ms), cancel,
                       name(), &webhook_outcome);
    }

private:
    SmsSettings s_;
};

}  // namespace

detail::HttpCall arkesel_request(const SmsSettings& s, std::string_view to_e164, std::string_view text) {
    std::string recipient(to_e164);
    if (!recipient.empty() && recipient.front() == '+') recipient.erase(0, 1);
    const Json body{{"sender", s.arkesel_sender_id}, {"message", text}, {"recipients", Json::array({recipient})}};
    return detail::HttpCall{
        .url = trim_slash(s.arkesel_base_url) + "/api/v2/sms/send",
        .headers = {{"api-key", s.arkesel_api_key},
                    {"Content-Type", "application/json"},
                    {"Accept", "application/json"}},
        .body = body.dump(),
    };
}

DeliveryOutcome arkesel_outcome(long status, std::string_view body) {
    const Json j = parse_json_or_discarded(body);
    if (status >= 200 && status < 300) {
        if (j.is_object() && j.value("status", "") == "success") {
            std::string id;
            if (j.contains("data") && j["data"].is_array()) {
                for (const auto& entry : j["data"]) {
                    if (!entry.is_object()) continue;
                    if (entry.contains("invalid numbers"))
                        return outcome(Kind::kFailed, "arkesel", "arkesel: recipient rejected as an invalid number");
                    if (id.empty() && entry.contains("id") && entry["id"].is_string()) id = entry["id"].get<std::string>();
                }
            }
            return outcome(Kind::kSent, "arkesel", {}, id);
        }
        return outcome(Kind::kRetry, "arkesel", "arkesel: unexpected reply: " + reply_message(j, body));
    }
    const std::string error = "arkesel: HTTP " + std::to_string(status) + ": " + reply_message(j, body);
    const bool permanent = status == 400 || status == 404 || status == 422;
    return outcome(permanent ? Kind::kFailed : Kind::kRetry, "arkesel", error);
}

detail::HttpCall webhook_request(const SmsSettings& s, std::string_view to_e164, std::string_view text,
                                 std::string_view kind) {
    detail::HttpCall call{
        .url = s.webhook_url,
        .headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
        .body = Json{{"to", to_e164}, {"message", text}, {"type", kind}}.dump(),
    };
    if (!s.webhook_secret.empty()) call.headers.emplace_back("Authorization", "Bearer " + s.webhook_secret);
    return call;
}

DeliveryOutcome webhook_outcome(long status, std::string_view body) {
    if (status >= 200 && status < 300) {
        const Json j = parse_json_or_discarded(body);
        std::string id;
        if (j.is_object() && j.contains("id") && j["id"].is_string()) id = j["id"].get<std::string>();
        return outcome(Kind::kSent, "webhook", {}, id);
    }
    const Json j = parse_json_or_discarded(body);
    const std::string error = "webhook: HTTP " + std::to_string(status) + ": " + reply_message(j, body);
    const bool permanent = status == 400 || status == 404 || status == 410 || status == 422;
    return outcome(permanent ? Kind::kFailed : Kind::kRetry, "webhook", error);
}

std::unique_ptr<SmsProvider> make_sms_provider(const SmsSettings& settings) {
    if (settings.provider == "arkesel") return std::make_unique<ArkeselProvider>(settings);
    if (settings.provider == "webhook") return std::make_unique<WebhookProvider>(settings);
    return nullptr;
}

}  // namespace basalt::messaging
