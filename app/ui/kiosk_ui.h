#pragma once
// Picks the screen for the session's state and draws it in one full-window ImGui window.
#include <string>
#include <vector>

#include "core/screen_care.h"
#include "screen_table.h"

namespace lkp {

class KioskUi {
  public:
    KioskUi(const Translations& translations, UiTree& tree) : translations_(translations), tree_(tree) {}

    // Draws one frame's screens (between ImGui::NewFrame and ImGui::Render) and returns
    // what the resident did. `save_failed` shows the apology instead of the thanks text.
    std::vector<Event> draw(const Session& session, const FontSets& fonts, float width, float height, Instant now,
                            bool save_failed);
    const Accessibility& accessibility() const { return access_; }
    ImU32 background() const { return background_; }  // the colour behind the last screen drawn
    // When the current press happened; a press begun within the tap guard of a screen change is
    // dropped even if a slow frame handles it later.
    void set_last_press(SteadyClock::time_point t) { last_press_ = t; }
    // Languages that have a read-aloud voice; the speaker button shows only for them.
    void set_voiced_languages(std::vector<std::string> languages) { voiced_ = std::move(languages); }
    // What to read aloud after the last draw(), each in its language, in order: the first
    // interrupts what is being read, the others follow it.
    std::vector<Utterance> take_speech() { return std::move(speech_); }
    // When a frame must be drawn though nothing else happens: a finger held on the attract
    // screen becomes a long press at this time. nullopt: not needed.
    std::optional<SteadyClock::time_point> next_wake() const { return wake_at_; }
    bool wake_due(SteadyClock::time_point now) const { return wake_at_ && now >= *wake_at_; }

    // While answers cannot be stored (Recorder::closed_to_residents), the invitation gives way to
    // "temporarily closed"; a resident already answering finishes first.
    void set_closed(bool closed) { screens_.closed = closed; }
    // Night hours and how dark (kiosk.conf); the drift against burn-in is always on.
    void set_screen_care(ScreenCare care) { care_ = care; }

    // Staff mode's state, drawn over everything while open (nullptr: none).
    void set_staff(const staff::StaffMode* staff) { screens_.staff = staff; }
    // What staff did in the last draw(), in order.
    std::vector<staff::StaffEvent> take_staff_events() { return std::move(staff_events_); }

    // Name of what is shown, e.g. "question.trygghet"; also the UI tree's "screen".
    std::string screen_name(const Session& session) const { return screen_for(session, screens_).name_for(session); }

  private:
    void start_audio_mode();
    // Draws an idle screen moved by the minute's drift, then staff's corner in its fixed place,
    // then the night's shade unless a finger woke it.
    void draw_idle_screen(const ScreenSpec& screen, DrawContext& dc, Instant now);

    const Translations& translations_;
    UiTree& tree_;
    ScreenState screens_;
    Screen last_screen_ = Screen::Attract;
    Accessibility access_;
    ImU32 background_ = IM_COL32(0, 0, 0, 255);
    std::vector<std::string> voiced_;
    std::vector<Utterance> speech_;
    std::vector<staff::StaffEvent> staff_events_;
    std::optional<SteadyClock::time_point> wake_at_;
    std::string armed_;         // audio mode: spoken once, a second tap activates
    std::string shown_screen_;  // screen_name() of the last frame
    SteadyClock::time_point shown_since_{};
    std::optional<SteadyClock::time_point> last_press_;
    ScreenCare care_;
    std::optional<SteadyClock::time_point> last_touch_;  // for waking a darkened screen
};

}  // namespace lkp
