#include "heartbeat.h"

#include "batch.h"

namespace lkp::sync {

std::string encode_heartbeat(const Heartbeat& h) {
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? Json(*v) : Json(nullptr); };
    return Json{{"kiosk_id", h.kiosk_id},
                {"program_version", h.program_version},
                {"unsent", h.unsent},
                {"rejected", h.rejected},
                {"oldest_unsent_age_s", opt(h.oldest_unsent_age_s)},
                {"free_disk_bytes", opt(h.free_disk_bytes)},
                {"last_error", h.last_error},
                {"sent_at", h.sent_at}}
        .dump();
}

Heartbeat parse_heartbeat(std::string_view body) {
    Json j = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) throw BatchError(400, "Malformed heartbeat", "the body must be a JSON object");
    auto text = [&](const char* key, std::size_t max_len) {
        auto it = j.find(key);
        if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().size() > max_len)
            throw BatchError(
                400, "Malformed heartbeat",
                std::string("\"") + key + "\" must be a string of at most " + std::to_string(max_len) + " bytes");
        return it->get<std::string>();
    };
    auto count = [&](const char* key, bool nullable) -> std::optional<std::int64_t> {
        auto it = j.find(key);
        if (it != j.end() && nullable && it->is_null()) return std::nullopt;
        if (it == j.end() || !it->is_number_integer() || it->get<std::int64_t>() < 0)
            throw BatchError(400, "Malformed heartbeat",
                             std::string("\"") + key + "\" must be a whole number >= 0" + (nullable ? " or null" : ""));
        return it->get<std::int64_t>();
    };
    Heartbeat h;
    h.kiosk_id = text("kiosk_id", 64);
    h.program_version = text("program_version", 64);
    h.unsent = *count("unsent", false);
    h.rejected = *count("rejected", false);
    h.oldest_unsent_age_s = count("oldest_unsent_age_s", true);
    h.free_disk_bytes = count("free_disk_bytes", true);
    h.last_error = text("last_error", 1000);
    h.sent_at = text("sent_at", 40);
    return h;
}

}  // namespace lkp::sync
