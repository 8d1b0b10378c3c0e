#include "response.h"

#include <sys/random.h>

#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace lkp {

Json Response::to_json() const {
    Json a = Json::object();
    for (const auto& [q, v] : answers) a[q] = v;
    return Json{{"id", id},
                {"kiosk_id", kiosk_id},
                {"seq", seq},
                {"survey_id", survey_id},
                {"survey_version", survey_version},
                {"location", location.empty() ? Json(nullptr) : Json(location)},
                {"language", language},
                {"district", district ? Json(*district) : Json(nullptr)},
                {"answers", a},
                {"started_at", started_at},
                {"submitted_at", submitted_at},
                {"flags", flags}};
}

std::string new_uuid_v4() {
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != static_cast<ssize_t>(sizeof b))
        throw std::runtime_error("getrandom failed: cannot make a response id");
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
    char s[37];
    std::snprintf(s, sizeof s, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return s;
}

std::string format_utc(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char s[64];
    std::snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return s;
}

}  // namespace lkp
