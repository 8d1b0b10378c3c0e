#include "heartbeat.h"

#include "batch.h"
#include "record/utc.h"

namespace lkp::sync {

namespace {

// A heartbeat is one flat object of 8 fields: anything nested or much longer is refused while
// parsing, before a tree is built.
Json parse_flat_object(std::string_view body) {
    std::size_t values = 0;
    auto check = [&](int depth, Json::parse_event_t event, Json&) {
        using Event = Json::parse_event_t;
        if ((event == Event::object_start || event == Event::array_start) && depth >= 2)
            throw BatchError(400, "Malformed heartbeat", "a heartbeat is one object of numbers and strings");
        if (event != Event::key && event != Event::object_end && event != Event::array_end && ++values > 64)
            throw BatchError(400, "Malformed heartbeat", "a heartbeat has 8 fields");
        return true;
    };
    try {
        return Json::parse(body.begin(), body.end(), check);
    } catch (const Json::exception&) {
        throw BatchError(400, "Malformed heartbeat", "the body must be a JSON object");
    }
}

// PostgreSQL cannot store NUL (it cut the text off there) and SQLite could: the same text on both.
std::string without_nul(std::string s) {
    for (std::size_t at = s.find('\0'); at != std::string::npos; at = s.find('\0', at + 3)) s.replace(at, 1, "\uFFFD");
    return s;
}

}  // namespace

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
    Json j = parse_flat_object(body);
    if (!j.is_object()) throw BatchError(400, "Malformed heartbeat", "the body must be a JSON object");
    auto text = [&](const char* key, std::size_t max_len) {
        auto it = j.find(key);
        if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().size() > max_len)
            throw BatchError(
                400, "Malformed heartbeat",
                std::string("\"") + key + "\" must be a string of at most " + std::to_string(max_len) + " bytes");
        return without_nul(it->get<std::string>());
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
    if (!parse_utc(h.sent_at))
        throw BatchError(400, "Malformed heartbeat", "\"sent_at\" must be a UTC time like 2026-11-22T10:15:00.000Z");
    return h;
}

}  // namespace lkp::sync
