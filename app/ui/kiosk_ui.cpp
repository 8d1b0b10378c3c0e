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
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(theme.background));
    ImGui::Begin("kiosk", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);

    tree_.begin(name, session.language());
    DrawContext dc{session, translations_, theme, fonts, layout, tree_, now, {}};
    dc.access = &access_;
    dc.armed = &armed_;
    dc.can_speak = std::find(voiced_.begin(), voiced_.end(), session.language()) != voiced_.end();
    const Catalog* catalog = translations_.find(session.language());
    dc.rtl = dc.mirror = catalog && catalog->rtl;
    dc.save_failed = save_failed;
    screen.draw(dc, screens_);
    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar(2);
    speech_ = std::move(dc.speech);
    if (now.mono - shown_since_ < kTapGuard) return {};
    if (last_press_ && *last_press_ < shown_since_ + kTapGuard) return {};
    return std::move(dc.events);
}

}  // namespace lkp
