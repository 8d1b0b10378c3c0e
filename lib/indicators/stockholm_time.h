#pragma once
// Indicator periods are Swedish calendar periods: an answer given at 00:30 on 1 January in
// Helsingborg belongs to the new year even though it is still 31 December in UTC. Sweden keeps
// the EU's rule (CET, UTC+1; CEST, UTC+2 from 01:00 UTC on the last Sunday of March to 01:00 UTC
// on the last Sunday of October), so it is computed here rather than read from a tz database:
// libstdc++ 12 has no std::chrono::zoned_time, and TZ in the environment is process-wide.
#include <chrono>
#include <string>

namespace lkp::indicators {

// The date on the wall in Stockholm at this UTC instant.
std::chrono::year_month_day stockholm_date(std::chrono::system_clock::time_point utc);

// "YYYY-MM-DD".
std::string date_text(std::chrono::year_month_day date);

// The time on the wall in Stockholm at this UTC instant, "YYYY-MM-DD HH:MM:SS".
std::string stockholm_wall_time(std::chrono::system_clock::time_point utc);

// The UTC instant of 00:00 in Stockholm on this date (midnight is never in a DST gap: Sweden
// changes its clocks at 02:00 and 03:00).
std::chrono::system_clock::time_point stockholm_midnight(std::chrono::year_month_day date);

enum class Period { Year, Half, Quarter, Month };

// The period a local date belongs to, as a label that sorts in time order:
// "2026", "2026-H2", "2026-Q3", "2026-07".
std::string period_label(Period period, std::chrono::year_month_day date);

}  // namespace lkp::indicators
