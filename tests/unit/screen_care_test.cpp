// Screen care (issue 14, part 8): the idle screens drift against burn-in, darken in the night
// hours of the config, and brighten at a touch. The rules alone, then the real screens headless.
#include "core/screen_care.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/config.h"
#include "core/load_error.h"
#include "support/headless_ui.h"
#include "support/test_support.h"

namespace lkp {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

NightHours night(const std::string& text) {
    std::string why;
    auto n = parse_night_hours(text, why);
    EXPECT_TRUE(n) << why;
    return n.value_or(NightHours{});
}

TEST(ScreenCare, NightHoursMayCrossMidnight) {
    NightHours late = night("22:00-06:00");
    EXPECT_TRUE(late.contains(22 * 60));
    EXPECT_TRUE(late.contains(23 * 60 + 59));
    EXPECT_TRUE(late.contains(0));
    EXPECT_TRUE(late.contains(5 * 60 + 59));
    EXPECT_FALSE(late.contains(6 * 60));
    EXPECT_FALSE(late.contains(12 * 60));
    EXPECT_FALSE(late.contains(21 * 60 + 59));
    NightHours closed = night("18:30-20:00");  // a library's own evening
    EXPECT_TRUE(closed.contains(19 * 60));
    EXPECT_FALSE(closed.contains(20 * 60));
    EXPECT_FALSE(closed.contains(18 * 60 + 29));
}

TEST(ScreenCare, BadNightHoursAreRefusedWithTheLineAndTheReason) {
    for (const char* bad : {"22-06", "25:00-06:00", "22:00-06:60", "22:00", "22:00-22:00", "ten-six"}) {
        try {
            parse_config("kiosk.conf", std::string("\n\nnight_hours = ") + bad + "\n");
            ADD_FAILURE() << bad << " was taken";
        } catch (const LoadError& e) {
            std::string what = e.what();
            EXPECT_NE(what.find("kiosk.conf:3"), std::string::npos) << what;
            EXPECT_NE(what.find(bad), std::string::npos) << what;
        }
    }
    KioskConfig c = parse_config("kiosk.conf", "night_hours = 22:00-06:00\nnight_dim = 70\n");
    ASSERT_TRUE(c.screen_care.night);
    EXPECT_EQ(c.screen_care.night->from_minute, 22 * 60);
    EXPECT_EQ(c.screen_care.dim_percent, 70);
    EXPECT_FALSE(default_config().screen_care.night) << "never darkened unless asked";
    EXPECT_THROW(parse_config("kiosk.conf", "night_dim = 100\n"), LoadError) << "a black screen invites nobody";
}

TEST(ScreenCare, TheDriftVisitsEightPlacesOnASmallCircleAMinuteEach) {
    system_clock::time_point t0{std::chrono::minutes(29'000'000)};  // a whole number of 8-minute rounds
    std::set<std::pair<long, long>> places;
    for (int minute = 0; minute < 8; ++minute) {
        Drift d = burn_in_drift(t0 + std::chrono::minutes(minute));
        EXPECT_NEAR(std::hypot(d.x, d.y), kDriftRadius, 1e-5);
        Drift later = burn_in_drift(t0 + std::chrono::minutes(minute) + 59s);
        EXPECT_EQ(d.x, later.x) << "still within the minute";
        places.insert({std::lround(d.x * 1000), std::lround(d.y * 1000)});
    }
    EXPECT_EQ(places.size(), 8u);
    EXPECT_EQ(burn_in_drift(t0 + 8min).x, burn_in_drift(t0).x) << "and round again";
}

class IdleScreens : public ::testing::Test {
  protected:
    IdleScreens() : data(test::builtin_data()), k(data, 1920, 1080) {}
    const UiElement* element(const std::string& id) {
        for (const auto& e : k.tree().elements())
            if (e.id == id) return &e;
        return nullptr;
    }
    KioskData data;
    test::HeadlessKiosk k;
};

TEST_F(IdleScreens, TheInvitationMovesWithTheDriftButStaffsCornerStaysAndTapsStillLand) {
    system_clock::time_point t0{std::chrono::minutes(29'000'000)};
    k.set_wall_time(t0);
    k.frame();
    ASSERT_NE(element("attract.start"), nullptr);
    float x0 = element("attract.start")->x, y0 = element("attract.start")->y;
    ASSERT_NE(element("staff-corner"), nullptr);
    float corner_x = element("staff-corner")->x;
    k.set_wall_time(t0 + 2min);  // a quarter round on: the drift has turned 90 degrees
    k.frame();
    float unit = Layout::for_window(1920, 1080).unit;
    Drift a = burn_in_drift(t0), b = burn_in_drift(t0 + 2min);
    EXPECT_NEAR(element("attract.start")->x - x0, (b.x - a.x) * unit, 0.5f);
    EXPECT_NEAR(element("attract.start")->y - y0, (b.y - a.y) * unit, 0.5f);
    EXPECT_GT(std::hypot(element("attract.start")->x - x0, element("attract.start")->y - y0), 5.0f) << "it moved";
    ASSERT_NE(element("staff-corner"), nullptr);
    EXPECT_EQ(element("staff-corner")->x, corner_x) << "the unmarked corner stays in the corner";
    ASSERT_TRUE(k.tap("attract.start"));
    EXPECT_EQ(k.session().screen(), Screen::Language) << "a tap on the moved button starts the survey";
}

TEST_F(IdleScreens, TheNightDarkensOnlyTheIdleScreensAndATouchBrightensAtOnce) {
    system_clock::time_point t0 = system_clock::now();
    int m = local_minute_of_day(t0);
    k.set_screen_care({.night = NightHours{(m + 1440 - 60) % 1440, (m + 60) % 1440}, .dim_percent = 60});
    k.set_wall_time(t0);
    k.frame();
    EXPECT_TRUE(k.tree().dimmed()) << "night hours, nobody about";
    EXPECT_NE(k.tree().to_json().find("\"dimmed\": true"), std::string::npos);
    ASSERT_TRUE(k.tap("attract.start"));  // the touch that wakes it also starts, as by day
    EXPECT_EQ(k.session().screen(), Screen::Language);
    EXPECT_FALSE(k.tree().dimmed()) << "the survey is never darkened";
    ASSERT_TRUE(k.tap("nav.back"));
    k.frame();
    EXPECT_EQ(k.tree().screen(), "attract");
    EXPECT_FALSE(k.tree().dimmed()) << "bright for a while after a touch";
    k.wait(kBrightAfterTouch);
    k.frame();
    EXPECT_TRUE(k.tree().dimmed()) << "and dark again once nobody has touched it for a minute";

    test::HeadlessKiosk by_day(data, 1920, 1080);
    by_day.set_screen_care({.night = NightHours{(m + 120) % 1440, (m + 180) % 1440}, .dim_percent = 60});
    by_day.set_wall_time(t0);
    by_day.frame();
    EXPECT_FALSE(by_day.tree().dimmed()) << "outside the night hours";
}

}  // namespace
}  // namespace lkp
