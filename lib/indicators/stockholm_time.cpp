#include "stockholm_time.h"

#include <cstdio>

namespace lkp::indicators {

namespace {

using namespace std::chrono;

// 01:00 UTC on the last Sunday of the month: when EU summer time starts (March) or ends (October).
sys_seconds switch_instant(year y, month m) {
    sys_days last_day = sys_days{y / m / std::chrono::last};
    sys_days sunday = last_day - (weekday{last_day} - Sunday);
    return sunday + hours{1};
}

// UTC as Stockholm's wall clock shows it, still counted in sys_seconds.
sys_seconds on_the_wall(system_clock::time_point utc) {
    auto t = floor<seconds>(utc);
    year y = year_month_day{floor<days>(t)}.year();
    bool summer = t >= switch_instant(y, March) && t < switch_instant(y, October);
    return t + hours{summer ? 2 : 1};
}

}  // namespace

year_month_day stockholm_date(system_clock::time_point utc) { return year_month_day{floor<days>(on_the_wall(utc))}; }

std::string date_text(std::chrono::year_month_day d) {
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return text;
}

std::string stockholm_wall_time(system_clock::time_point utc) {
    sys_seconds wall = on_the_wall(utc);
    year_month_day d{floor<days>(wall)};
    hh_mm_ss<seconds> time{wall - floor<days>(wall)};
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return text;
}

system_clock::time_point stockholm_midnight(year_month_day date) {
    sys_seconds wall = sys_days{date};
    for (int offset : {1, 2}) {  // CET, then CEST
        sys_seconds t = wall - hours{offset};
        if (stockholm_date(t) == date && stockholm_date(t - seconds{1}) != date) return t;
    }
    return wall - hours{1};  // not reached for a valid date
}

std::string period_label(Period period, year_month_day date) {
    int y = static_cast<int>(date.year());
    unsigned m = static_cast<unsigned>(date.month());
    char text[32];
    switch (period) {
        case Period::Year:
            std::snprintf(text, sizeof text, "%04d", y);
            break;
        case Period::Half:
            std::snprintf(text, sizeof text, "%04d-H%u", y, m <= 6 ? 1u : 2u);
            break;
        case Period::Quarter:
            std::snprintf(text, sizeof text, "%04d-Q%u", y, (m - 1) / 3 + 1);
            break;
        case Period::Month:
            std::snprintf(text, sizeof text, "%04d-%02u", y, m);
            break;
    }
    return text;
}

}  // namespace lkp::indicators
