#pragma once
// The one spelling of a time in a response, on the wire and in both databases:
// "2026-11-22T10:15:00.123Z" (UTC, milliseconds).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace lkp {

std::string format_utc(std::chrono::system_clock::time_point t);
std::string now_utc();
// Also accepts the form without milliseconds; nullopt for anything else, or a year no kiosk's
// clock can show (outside 1970..2199, which would also overflow system_clock).
std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view s);

}  // namespace lkp
