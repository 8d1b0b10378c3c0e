// When the loop draws and how long it sleeps: nothing is drawn while nothing happens, a few
// frames after input, and the sleep ends at the earliest timer. Time is made up; nothing sleeps.
#include "shell/frame_pacer.h"

#include <gtest/gtest.h>

namespace lkp {
namespace {

using namespace std::chrono_literals;
using Clock = FramePacer::Clock;

int frames_drawn_until_idle(FramePacer& pacer) {
    int n = 0;
    for (; pacer.frame_due() && n < 100; ++n) pacer.frame_drawn();
    return n;
}

TEST(FramePacer, DrawsTwoFramesAtStartThenSleepsUntilInput) {
    FramePacer pacer;
    const Clock::time_point now{};
    EXPECT_EQ(pacer.sleep_seconds(now, {}), 0) << "frames are owed: do not sleep";
    EXPECT_EQ(frames_drawn_until_idle(pacer), 2);
    EXPECT_EQ(pacer.sleep_seconds(now, {std::nullopt, std::nullopt}), -1) << "no timer: sleep until input";
}

TEST(FramePacer, InputAndItsEventsOweThreeFrames) {
    FramePacer pacer;
    frames_drawn_until_idle(pacer);
    pacer.after_input();
    EXPECT_EQ(frames_drawn_until_idle(pacer), 3);
    pacer.after_input();
    pacer.frame_drawn();
    pacer.after_input();  // a tap's event in the middle: three from here, not more
    EXPECT_EQ(frames_drawn_until_idle(pacer), 3);
}

TEST(FramePacer, WantNeverLowersWhatIsOwed) {
    FramePacer pacer;
    frames_drawn_until_idle(pacer);
    pacer.want(1);
    EXPECT_EQ(frames_drawn_until_idle(pacer), 1);
    pacer.after_input();
    pacer.want(1);
    pacer.want(2);
    EXPECT_EQ(frames_drawn_until_idle(pacer), 3);
    pacer.frame_drawn();  // one too many does not go negative
    EXPECT_FALSE(pacer.frame_due());
}

TEST(FramePacer, SleepsUntilTheEarliestTimerAndAMillisecondPast) {
    FramePacer pacer;
    frames_drawn_until_idle(pacer);
    const Clock::time_point now = Clock::time_point{} + 100h;
    EXPECT_DOUBLE_EQ(pacer.sleep_seconds(now, {now + 2500ms, std::nullopt}), 2.501);
    EXPECT_DOUBLE_EQ(pacer.sleep_seconds(now, {now + 45s, now + 30s}), 30.001);
    EXPECT_DOUBLE_EQ(pacer.sleep_seconds(now, {std::nullopt, now + 30s}), 30.001);
    EXPECT_DOUBLE_EQ(pacer.sleep_seconds(now, {now - 5s, now + 30s}), 0.001) << "a timer already due";
}

}  // namespace
}  // namespace lkp
