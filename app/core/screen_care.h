#pragma once
// Care for a screen that is on day and night (issue 14, part 8). The idle screens (the invitation,
// its results slide, "temporarily closed") move their content a little every minute, so that no
// line of text sits on the same pixels for months (burn-in), and are darkened in the night hours
// the kiosk's config names. A touch brightens the screen at once. No ImGui here: KioskUi applies it.
#include <chrono>
#include <optional>
#include <string>

namespace lkp {

// "22:00-06:00": from 22:00 to 06:00 the next morning, the kiosk's local time.
struct NightHours {
    int from_minute = 0, to_minute = 0;  // minutes after midnight; from > to spans midnight
    bool contains(int minute_of_day) const;
};
// Parses "HH:MM-HH:MM"; nullopt with `why` set when it is not that.
std::optional<NightHours> parse_night_hours(const std::string& text, std::string& why);

struct ScreenCare {
    std::optional<NightHours> night;  // none: never darkened
    int dim_percent = 60;             // how much darker the idle screens are at night
};

// Where the idle screens' content sits at `now`, in layout units from its place: one of eight
// points on a small circle, the next each minute, so the whole round takes eight minutes.
struct Drift {
    float x = 0, y = 0;
};
inline constexpr float kDriftRadius = 0.25f;  // about 10 px on a 1080p screen: unseen by a passer-by
Drift burn_in_drift(std::chrono::system_clock::time_point now);

// After a touch the screen stays bright this long, also when the resident went straight back.
inline constexpr std::chrono::seconds kBrightAfterTouch{60};

// The kiosk's local minute of the day (0..1439) at `now`.
int local_minute_of_day(std::chrono::system_clock::time_point now);

}  // namespace lkp
