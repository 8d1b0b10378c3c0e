#include "kiosk_ui.h"

#include <algorithm>

namespace lkp {

// Taps this soon after a new screen appears are dropped: nobody reads a screen that fast, but a
// double tap would otherwise answer the next question with the same spot on the glass.
constexpr auto kTapGuard = std::chrono::milliseconds(300);

std::vector<Event> KioskUi::draw(const Session& session, const FontSets& font_sets, float width, float height,
                                 Instant now, bool save_failed) {
    if (session.screen() != last_screen_) {
        if (session.screen() != Screen::District) screens_.district.reset();
        if (session.screen() == Screen::Attract) access_ = Accessibility{};
        screens_.picker_open = false;
    }
    const Fonts& fonts = access_.large_text ? font_sets.large : font_sets.normal;
    Layout layout = Layout::for_window(width, height, access_.large_text ? kLargeTextScale : 1.0f);
    const Theme& theme = access_.high_contrast ? high_contrast_theme() : default_theme();
    last_screen_ = session.screen();
    const ScreenSpec& screen = screen_for(session, screens_);
    std::string name = screen.name_for(session);
    if (name != shown_screen_) {
        shown_screen_ = name;
        shown_since_ = now.mono;
        armed_.clear();
    }

    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(layout.width, layout.height));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    // The background is the frame's clear colour, not a window-sized quad: with a software
    // renderer (llvmpipe) that quad was most of a frame's cost on the idle attract screen.
    background_ = theme.background;
    ImGui::Begin("kiosk", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse |
                     ImGuiWindowFlags_NoBackground);

    tree_.begin(name, session.language());
    DrawContext dc{session, translations_, theme, fonts, layout, tree_, now, {}};
    dc.access = &access_;
    dc.armed = &armed_;
    dc.can_speak = std::find(voiced_.begin(), voiced_.end(), session.language()) != voiced_.end();
    dc.voices = &voiced_;
    const Catalog* catalog = translations_.find(session.language());
    dc.rtl = dc.mirror = catalog && catalog->rtl;
    dc.save_failed = save_failed;
    dc.staff = screens_.staff;
    if (screens_.staff && screens_.staff->open()) {
        dc.rtl = dc.mirror = staff_catalog(translations_, session).rtl;
    }
    if (screen.idle && !(screens_.staff && screens_.staff->open()))
        draw_idle_screen(screen, dc, now);
    else
        screen.draw(dc, screens_);
    if (session.test_mode()) draw_test_mode_banner(dc);
    ImGui::End();
    ImGui::PopStyleVar(2);
    speech_.clear();
    for (std::string& text : dc.speech) speech_.push_back({session.language(), std::move(text)});
    for (Utterance& u : dc.speech_in) speech_.push_back(std::move(u));
    // A finger held on the attract screen: draw again when it has been held long enough (for
    // audio mode, or in the staff corner for staff mode).
    wake_at_.reset();
    bool staff_open = screens_.staff && screens_.staff->open();
    if (session.screen() == Screen::Attract && !staff_open && ImGui::IsMouseDown(0)) {
        auto held = std::chrono::duration_cast<SteadyClock::duration>(
            std::chrono::duration<float>(std::max(ImGui::GetIO().MouseDownDuration[0], 0.0f)));
        SteadyClock::duration mark = press_began_in_staff_corner(layout) ? SteadyClock::duration(staff::kCornerHold)
                                                                         : SteadyClock::duration(kLongPress);
        if (held < mark) wake_at_ = now.mono + (mark - held) + std::chrono::milliseconds(10);
    }
    // Staff mode counts down (the lock, its own closing) once a second while it shows.
    if (staff_open) {
        auto next = now.mono + std::chrono::seconds(1);
        if (!wake_at_ || next < *wake_at_) wake_at_ = next;
    }
    // The tap guard drops taps, not the corner's 3 s hold, which may span a slide change.
    staff_events_.clear();
    bool guarded = now.mono - shown_since_ < kTapGuard || (last_press_ && *last_press_ < shown_since_ + kTapGuard);
    for (staff::StaffEvent& e : dc.staff_events)
        if (!guarded || std::holds_alternative<staff::event::CornerHeld>(e)) staff_events_.push_back(std::move(e));
    if (guarded) return {};
    for (const Event& e : dc.events)
        if (std::holds_alternative<event::StartAudio>(e)) start_audio_mode();
    return std::move(dc.events);
}

void KioskUi::draw_idle_screen(const ScreenSpec& screen, DrawContext& dc, Instant now) {
    const Layout& l = dc.layout;
    Drift drift = burn_in_drift(now.wall);
    ImVec2 shift(drift.x * l.unit, drift.y * l.unit);
    // The screen is drawn where it would be, then moved; the finger is moved back to match.
    ImGuiIO& io = ImGui::GetIO();
    ImVec2 finger = io.MousePos;
    if (ImGui::IsMousePosValid(&finger)) io.MousePos = ImVec2(finger.x - shift.x, finger.y - shift.y);
    ImDrawList* list = ImGui::GetWindowDrawList();
    int first_vertex = list->VtxBuffer.Size;
    std::size_t first_element = tree_.elements().size();
    screen.draw(dc, screens_);
    for (int i = first_vertex; i < list->VtxBuffer.Size; ++i) {
        list->VtxBuffer[i].pos.x += shift.x;
        list->VtxBuffer[i].pos.y += shift.y;
    }
    tree_.shift(first_element, shift.x, shift.y);
    io.MousePos = finger;
    staff_corner(dc);

    if (ImGui::IsMouseDown(0) || ImGui::IsMouseReleased(0)) last_touch_ = now.mono;
    bool awake = last_touch_ && now.mono - *last_touch_ < kBrightAfterTouch;
    if (care_.night && care_.night->contains(local_minute_of_day(now.wall)) && !awake) {
        auto alpha = static_cast<int>(care_.dim_percent * 255 / 100);
        list->AddRectFilled(ImVec2(0, 0), ImVec2(l.width, l.height), IM_COL32(0, 0, 0, alpha));
        tree_.set_dimmed(true);
    }
}

// The long press on the attract screen: audio mode on, and the languages read out, each in its
// own voice with how audio mode works, until the resident touches something.
void KioskUi::start_audio_mode() {
    access_.audio_mode = true;
    speech_.clear();
    for (const Catalog& c : translations_.languages()) {
        if (std::find(voiced_.begin(), voiced_.end(), c.language) == voiced_.end()) continue;
        speech_.push_back({c.language, c.native_name + ". " + translations_.text(c.language, "ui.a11y.audio_hint")});
    }
}

}  // namespace lkp
