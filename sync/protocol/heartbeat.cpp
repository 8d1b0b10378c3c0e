#include "heartbeat.h"

#include <algorithm>

#include "batch.h"
#include "record/utc.h"

namespace lkp::sync {

namespace {

// A heartbeat is one object of numbers and strings, and in version 2 an object of counts and a
// list of small objects: anything nested deeper or much longer is refused while parsing, before a
// tree is built. Depth counts from 0 for the heartbeat itself.
constexpr int kMaxDepth = 2;
constexpr std::size_t kMaxValues = 256;

Json parse_bounded(std::string_view body) {
    std::size_t values = 0;
    auto check = [&](int depth, Json::parse_event_t event, Json&) {
        using Event = Json::parse_event_t;
        if ((event == Event::object_start || event == Event::array_start) && depth > kMaxDepth)
            throw BatchError(400, "Malformed heartbeat",
                             "a heartbeat nests at most an object of counts or a list of reasons");
        if (event != Event::key && event != Event::object_end && event != Event::array_end && ++values > kMaxValues)
            throw BatchError(400, "Malformed heartbeat",
                             "a heartbeat has at most " + std::to_string(kMaxValues) + " values");
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

[[noreturn]] void bad(const std::string& field, const std::string& must) {
    throw BatchError(400, "Malformed heartbeat", "\"" + field + "\" must be " + must);
}

// The fields of one JSON object, each checked and named by its path ("sessions.started").
class Fields {
  public:
    Fields(const Json& object, std::string prefix) : j_(object), prefix_(std::move(prefix)) {}

    std::string name(const char* key) const { return prefix_ + key; }

    const Json* find(const char* key) const {
        auto it = j_.find(key);
        return it == j_.end() ? nullptr : &*it;
    }

    std::string text(const char* key, std::size_t max_len) const {
        const Json* v = find(key);
        if (!v || !v->is_string() || v->get_ref<const std::string&>().size() > max_len)
            bad(name(key), "a string of at most " + std::to_string(max_len) + " bytes");
        return without_nul(v->get<std::string>());
    }

    // Version 1's counts: any whole number >= 0, as the first stores took them.
    std::optional<std::int64_t> count(const char* key, bool nullable) const {
        const Json* v = find(key);
        if (v && nullable && v->is_null()) return std::nullopt;
        if (!v || !v->is_number_integer() || v->get<std::int64_t>() < 0)
            bad(name(key), std::string("a whole number >= 0") + (nullable ? " or null" : ""));
        return v->get<std::int64_t>();
    }

    // Version 2's counts: bounded too, so sums and differences of them cannot overflow.
    std::int64_t bounded_count(const char* key) const {
        const Json* v = find(key);
        if (!v) bad(name(key), bounded_count_rule());
        return bounded(*v, name(key));
    }

    static std::int64_t bounded(const Json& v, const std::string& field) {
        bool ok = v.is_number_unsigned() ? v.get<std::uint64_t>() <= std::uint64_t(kMaxHeartbeatCount)
                                         : v.is_number_integer() && v.get<std::int64_t>() >= 0 &&
                                               v.get<std::int64_t>() <= kMaxHeartbeatCount;
        if (!ok) bad(field, bounded_count_rule());
        return v.get<std::int64_t>();
    }

    static std::string bounded_count_rule() { return "a whole number from 0 to " + std::to_string(kMaxHeartbeatCount); }

  private:
    const Json& j_;
    std::string prefix_;
};

std::map<std::string, std::int64_t> steps_from(const Json& j, const std::string& field) {
    if (!j.is_object()) bad(field, "an object of step names and counts");
    if (j.size() > kMaxAbandonSteps) bad(field, "an object of at most " + std::to_string(kMaxAbandonSteps) + " steps");
    std::map<std::string, std::int64_t> out;
    for (const auto& [step, n] : j.items()) {
        if (step.empty() || step.size() > kMaxStepBytes)
            bad(field, "an object whose step names are 1 to " + std::to_string(kMaxStepBytes) + " bytes");
        out[without_nul(step)] = Fields::bounded(n, field + "." + step.substr(0, kMaxStepBytes));
    }
    return out;
}

std::vector<RejectedReason> reasons_from(const Json& j, const std::string& field) {
    if (!j.is_array() || j.size() > kMaxRejectedReasons)
        bad(field, "a list of at most " + std::to_string(kMaxRejectedReasons) + " reasons");
    std::vector<RejectedReason> out;
    for (std::size_t i = 0; i < j.size(); ++i) {
        std::string at = field + "[" + std::to_string(i) + "]";
        if (!j[i].is_object()) bad(at, "an object of code, field, reason and count");
        Fields f(j[i], at + ".");
        out.push_back({f.text("code", kMaxRejectedCodeBytes), f.text("field", kMaxRejectedFieldBytes),
                       f.text("reason", kMaxRejectedReasonBytes), f.bounded_count("count")});
    }
    return out;
}

Json reasons_json(const std::vector<RejectedReason>& reasons) {
    Json out = Json::array();
    for (const auto& r : reasons)
        out.push_back({{"code", r.code}, {"field", r.field}, {"reason", r.reason}, {"count", r.count}});
    return out;
}

// At most `max` bytes: cut at a character boundary and marked with "…" when longer.
std::string cut(const std::string& s, std::size_t max) {
    if (s.size() <= max) return s;
    const std::string ellipsis = "\u2026";
    std::size_t end = max >= ellipsis.size() ? max - ellipsis.size() : 0;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return s.substr(0, end) + (max >= ellipsis.size() ? ellipsis : "");
}

}  // namespace

std::string encode_abandoned_at(const std::map<std::string, std::int64_t>& steps) { return Json(steps).dump(); }

std::map<std::string, std::int64_t> parse_abandoned_at(std::string_view json) {
    return steps_from(parse_bounded(json), "sessions.abandoned_at");
}

std::string encode_rejected_reasons(const std::vector<RejectedReason>& reasons) { return reasons_json(reasons).dump(); }

std::vector<RejectedReason> parse_rejected_reasons(std::string_view json) {
    return reasons_from(parse_bounded(json), "rejected_reasons");
}

std::string encode_heartbeat(const Heartbeat& h) {
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? Json(*v) : Json(nullptr); };
    Json j{{"kiosk_id", h.kiosk_id},
           {"program_version", h.program_version},
           {"unsent", h.unsent},
           {"rejected", h.rejected},
           {"oldest_unsent_age_s", opt(h.oldest_unsent_age_s)},
           {"free_disk_bytes", opt(h.free_disk_bytes)},
           {"last_error", h.last_error},
           {"sent_at", h.sent_at}};
    if (h.version >= 2) {
        SessionCounts s = h.sessions.value_or(SessionCounts{});
        j["version"] = h.version;
        j["sessions"] = {{"started", s.started},
                         {"completed", s.completed},
                         {"abandoned", s.abandoned},
                         {"abandoned_at", Json(s.abandoned_at)}};
        j["rejected_reasons"] = reasons_json(h.rejected_reasons);
        // Left out when unknown, as kiosks from before it send it: absent has one spelling.
        if (h.quarantined_databases) j["quarantined_databases"] = *h.quarantined_databases;
    }
    return j.dump();
}

Heartbeat parse_heartbeat(std::string_view body) {
    Json j = parse_bounded(body);
    if (!j.is_object()) throw BatchError(400, "Malformed heartbeat", "the body must be a JSON object");
    Fields f(j, "");
    Heartbeat h;
    h.version = 1;  // a heartbeat without "version" is one of the first kiosks'
    if (const Json* v = f.find("version")) {
        if (!v->is_number_integer() || v->get<std::int64_t>() < 1 || v->get<std::int64_t>() > kHeartbeatVersion)
            bad("version", "1 or 2 (the heartbeat versions this store understands)");
        h.version = static_cast<int>(v->get<std::int64_t>());
    }
    h.kiosk_id = f.text("kiosk_id", kMaxHeartbeatNameBytes);
    h.program_version = f.text("program_version", kMaxHeartbeatNameBytes);
    h.unsent = *f.count("unsent", false);
    h.rejected = *f.count("rejected", false);
    h.oldest_unsent_age_s = f.count("oldest_unsent_age_s", true);
    h.free_disk_bytes = f.count("free_disk_bytes", true);
    h.last_error = f.text("last_error", kMaxLastErrorBytes);
    h.sent_at = f.text("sent_at", 40);
    if (!parse_utc(h.sent_at))
        throw BatchError(400, "Malformed heartbeat", "\"sent_at\" must be a UTC time like 2026-11-22T10:15:00.000Z");
    if (h.version < 2) return h;  // version 1 has no other fields; any others are not looked at

    const Json* sessions = f.find("sessions");
    if (!sessions || !sessions->is_object())
        bad("sessions", "an object of started, completed, abandoned, abandoned_at");
    Fields s(*sessions, "sessions.");
    const Json* steps = s.find("abandoned_at");
    if (!steps) bad("sessions.abandoned_at", "an object of step names and counts");
    h.sessions = SessionCounts{.started = s.bounded_count("started"),
                               .completed = s.bounded_count("completed"),
                               .abandoned = s.bounded_count("abandoned"),
                               .abandoned_at = steps_from(*steps, "sessions.abandoned_at")};
    const Json* reasons = f.find("rejected_reasons");
    if (!reasons) bad("rejected_reasons", "a list of at most " + std::to_string(kMaxRejectedReasons) + " reasons");
    h.rejected_reasons = reasons_from(*reasons, "rejected_reasons");
    if (const Json* moved = f.find("quarantined_databases"))
        h.quarantined_databases = Fields::bounded(*moved, "quarantined_databases");
    return h;
}

void fit_to_limits(Heartbeat& h) {
    h.program_version = cut(h.program_version, kMaxHeartbeatNameBytes);
    h.last_error = cut(h.last_error, kMaxLastErrorBytes);
    auto clamp = [](std::int64_t n) { return std::clamp<std::int64_t>(n, 0, kMaxHeartbeatCount); };
    if (h.sessions) {
        SessionCounts& s = *h.sessions;
        s.started = clamp(s.started);
        s.completed = clamp(s.completed);
        s.abandoned = clamp(s.abandoned);
        // The steps where most people stopped; a step name too long to send is cut (two long
        // names cut alike add up).
        std::vector<std::pair<std::string, std::int64_t>> steps(s.abandoned_at.begin(), s.abandoned_at.end());
        std::stable_sort(steps.begin(), steps.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        s.abandoned_at.clear();
        for (const auto& [step, n] : steps) {
            if (step.empty()) continue;
            std::string name = cut(step, kMaxStepBytes);
            if (s.abandoned_at.size() == kMaxAbandonSteps && !s.abandoned_at.count(name)) continue;
            s.abandoned_at[name] = clamp(s.abandoned_at[name] + clamp(n));
        }
    }
    if (h.quarantined_databases) h.quarantined_databases = clamp(*h.quarantined_databases);
    std::stable_sort(h.rejected_reasons.begin(), h.rejected_reasons.end(),
                     [](const RejectedReason& a, const RejectedReason& b) { return a.count > b.count; });
    if (h.rejected_reasons.size() > kMaxRejectedReasons) h.rejected_reasons.resize(kMaxRejectedReasons);
    for (RejectedReason& r : h.rejected_reasons) {
        r.code = cut(r.code, kMaxRejectedCodeBytes);
        r.field = cut(r.field, kMaxRejectedFieldBytes);
        r.reason = cut(r.reason, kMaxRejectedReasonBytes);
        r.count = clamp(r.count);
    }
}

}  // namespace lkp::sync
