#include "screen_care.h"

#include <cmath>
#include <ctime>

namespace lkp {

bool NightHours::contains(int minute) const {
    if (from_minute == to_minute) return false;
    if (from_minute < to_minute) return minute >= from_minute && minute < to_minute;
    return minute >= from_minute || minute < to_minute;  // across midnight
}

std::optional<NightHours> parse_night_hours(const std::string& text, std::string& why) {
    auto clock = [](const std::string& t, int& minute) {
        if (t.size() != 5 || t[2] != ':') return false;
        for (int i : {0, 1, 3, 4})
            if (t[static_cast<std::size_t>(i)] < '0' || t[static_cast<std::size_t>(i)] > '9') return false;
        int h = std::stoi(t.substr(0, 2)), m = std::stoi(t.substr(3, 2));
        if (h > 23 || m > 59) return false;
        minute = h * 60 + m;
        return true;
    };
    NightHours n;
    auto dash = text.find('-');
    if (dash == std::string::npos || !clock(text.substr(0, dash), n.from_minute) ||
        !clock(text.substr(dash + 1), n.to_minute)) {
        why = "\"" + text + "\" is not HH:MM-HH:MM (e.g. 22:00-06:00)";
        return std::nullopt;
    }
    if (n.from_minute == n.to_minute) {
        why = "\"" + text + "\" starts and ends at the same time";
        return std::nullopt;
    }
    return n;
}

Drift burn_in_drift(std::chrono::system_clock::time_point now) {
    auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now.time_since_epoch()).count();
    double angle = static_cast<double>(minutes % 8) * (2 * M_PI / 8);
    return {kDriftRadius * static_cast<float>(std::cos(angle)), kDriftRadius * static_cast<float>(std::sin(angle))};
}

int local_minute_of_day(std::chrono::system_clock::time_point now) {
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm local{};
    localtime_r(&t, &local);
    return local.tm_hour * 60 + local.tm_min;
}

}  // namespace lkp
