#pragma once
// The kiosk's screens without a window or GPU: ImGui with its font atlas built on the CPU,
// frames driven by hand. Lets tests look at every screen in every language and size quickly.
#include <memory>
#include <string>

#include "core/kiosk_data.h"
#include "ui/kiosk_ui.h"

namespace lkp::test {

class HeadlessKiosk {
  public:
    HeadlessKiosk(const KioskData& data, float width, float height);
    ~HeadlessKiosk();
    HeadlessKiosk(const HeadlessKiosk&) = delete;

    Session& session() { return session_; }
    const UiTree& tree() const { return tree_; }
    const FontSets& fonts() const { return fonts_; }

    // Draws one frame and feeds what the resident did to the session. Time moves on a second
    // per frame, past the screen-change tap guard.
    const UiTree& frame();
    // Presses and releases the element `id` (by its rectangle in the last frame); false if absent.
    bool tap(const std::string& id);
    void wait(std::chrono::seconds s);  // lets the session's timers run
    // Languages with a voice: their questions show the read-aloud button. None by default.
    void set_voiced(std::vector<std::string> languages) { ui_.set_voiced_languages(std::move(languages)); }
    void set_closed(bool closed) { ui_.set_closed(closed); }  // as while an answer cannot be stored
    void set_screen_care(ScreenCare care) { ui_.set_screen_care(care); }
    // The wall clock the frames see (it moves on a second per frame from here).
    void set_wall_time(std::chrono::system_clock::time_point t) { now_.wall = t; }
    std::chrono::system_clock::time_point wall_time() const { return now_.wall; }  // the last frame's

  private:
    const KioskData& data_;
    float width_, height_;
    ImGuiContext* context_ = nullptr;
    FontSets fonts_;
    Session session_;
    UiTree tree_;
    KioskUi ui_;
    Instant now_ = Instant::now();
    ImVec2 mouse_{-1, -1};
    bool mouse_down_ = false;
};

}  // namespace lkp::test
