#pragma once
// When the loop draws and how long it may sleep. An idle kiosk draws nothing: after input it
// draws a few frames, because ImGui settles hover and active state over a couple of them, then
// sleeps until the next input or timer.
#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <optional>

namespace lkp {

class FramePacer {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr int kFramesAfterInput = 3;

    // How long Window::wait may sleep, in seconds: 0 while frames are owed; else until the
    // earliest deadline, plus 1 ms so its timer has fired when the loop looks; else -1, which
    // means until input arrives.
    double sleep_seconds(Clock::time_point now,
                         std::initializer_list<std::optional<Clock::time_point>> deadlines) const;

    void after_input() { want(kFramesAfterInput); }  // a touch, or the events a frame produced
    void want(int frames) { owed_ = std::max(owed_, frames); }
    bool frame_due() const { return owed_ > 0; }
    void frame_drawn() { owed_ = std::max(owed_ - 1, 0); }

  private:
    int owed_ = 2;  // the first frames, before any input
};

}  // namespace lkp
