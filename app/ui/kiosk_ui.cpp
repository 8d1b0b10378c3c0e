#include "kiosk_ui.h"

#include <algorithm>

namespace lkp {

// Taps this soon after a new screen appears are dropped: nobody reads a screen that fast, but a
// double tap would otherwise answer the next question with the same spot on the glass.
constexpr auto kTapGuard = std::chrono::milliseconds(300);

std::vector<std::string> ui_message_ids() {
    return {"ui.attract.title", "ui.attract.body", "ui.attract.start", "ui.language.title", "ui.district.title",
            "ui.district.all", "ui.district.outside", "ui.decline", "ui.back", "ui.question.progress",
            "ui.background.note", "ui.thanks.title", "ui.thanks.body", "ui.thanks.done", "ui.idle.title",
            "ui.idle.body", "ui.idle.continue", "ui.save_failed",
            "ui.a11y.large_text", "ui.a11y.high_contrast", "ui.a11y.audio_mode", "ui.a11y.audio_hint", "ui.speak"};
}

std::string KioskUi::screen_name(const Session& s) const {
    if (s.asking_still_there()) return "still_there";
    if (picker_open_) return "language_picker";
    switch (s.screen()) {
        case Screen::Attract: return "attract";
        case Screen::Language: return "language";
        case Screen::District: return "district";
        case Screen::Question: return "question." + s.current_question().id;
        case Screen::Thanks: return "thanks";
    }
    return {};
}

std::vector<Event> KioskUi::draw(const Session& session, const FontSets& font_sets, float width, float height, Instant now,
                                 bool save_failed) {
    if (session.screen() != last_screen_) {
        if (session.screen() != Screen::District) district_.reset();
        if (session.screen() == Screen::Attract) access_ = Accessibility{};
        picker_open_ = false;
    }
    const Fonts& fonts = access_.large_text ? font_sets.large : font_sets.normal;
    Layout layout = Layout::for_window(width, height, access_.large_text ? kLargeTextScale : 1.0f);
    const Theme& theme = access_.high_contrast ? high_contrast_theme() : default_theme();
    last_screen_ = session.screen();
    std::string name = screen_name(session);
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
    if (session.asking_still_there()) {
        draw_still_there_dialog(dc);
    } else if (picker_open_) {
        if (draw_language_picker(dc)) picker_open_ = false;
    } else {
        switch (session.screen()) {
            case Screen::Attract: draw_attract_screen(dc); break;
            case Screen::Language: draw_language_screen(dc); break;
            case Screen::District: district_.draw(dc); break;
            case Screen::Question: draw_question_screen(dc); break;
            case Screen::Thanks: draw_thanks_screen(dc, save_failed); break;
        }
        if (session.screen() == Screen::District || session.screen() == Screen::Question)
            if (language_button(dc)) picker_open_ = true;
    }
    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar(2);
    speech_ = std::move(dc.speech);
    if (now.mono - shown_since_ < kTapGuard) return {};
    if (last_press_ && *last_press_ < shown_since_ + kTapGuard) return {};
    return std::move(dc.events);
}

}  // namespace lkp
