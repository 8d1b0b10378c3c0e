// The screen a passer-by sees: what this is, that it is quick and anonymous, and where to tap,
// in every kiosk language in turn (the session moves the greeting on every few seconds), each in
// its own script and direction. A long press anywhere starts in audio mode, for a resident who
// cannot read any of it.
// It changes only when the greeting does: an idle kiosk should cost next to no CPU.
#include <algorithm>
#include <cmath>

#include "screens.h"

namespace lkp {

namespace {

// The greeting's texts, as the attract screen shows them.
struct Greeting {
    std::string title, body, start;
    bool rtl = false;
};

Greeting greeting_in(const Translations& translations, const std::string& language) {
    const Catalog* c = translations.find(language);
    return {translations.text(language, "ui.attract.title"), translations.text(language, "ui.attract.body"),
            translations.text(language, "ui.attract.start"), c && c->rtl};
}

// Heights that hold the greeting of every language, so the screen does not jump as they change.
struct Slots {
    float title = 0, body = 0;
};

Slots slots_for_every_language(DrawContext& dc, float width) {
    Slots s;
    bool rtl = dc.rtl;
    for (const Catalog& c : dc.translations.languages()) {
        Greeting g = greeting_in(dc.translations, c.language);
        dc.rtl = g.rtl;
        s.title = std::max(s.title, text_height(dc, dc.fonts.title, g.title, width));
        s.body = std::max(s.body, text_height(dc, dc.fonts.body, g.body, width * 0.8f));
    }
    dc.rtl = rtl;
    return s;
}

}  // namespace

// The whole screen starts the survey, so a tap anywhere works; the button shows where to tap.
// Held for kLongPress, it starts in audio mode instead (KioskUi wakes the loop to see it).
void attract_touch_anywhere(DrawContext& dc) {
    ImGui::SetCursorScreenPos(ImVec2(0, 0));
    bool tapped = ImGui::InvisibleButton("attract.anywhere", ImVec2(dc.layout.width, dc.layout.height));
    float held = ImGui::IsItemActive() ? ImGui::GetIO().MouseDownDuration[0] : -1.0f;
    // The release that follows a long press lands on the next screen, where it taps nothing.
    // A long press that began in the staff corner is staff's, not audio mode's, and its release
    // starts nothing either (staff_corner.cpp).
    float long_press = std::chrono::duration<float>(kLongPress).count();
    bool staff_press = last_press_began_in_staff_corner(dc.layout);
    if (held >= long_press && !staff_press) {
        dc.emit(event::StartAudio{});
    } else if (tapped && !(staff_press && ImGui::GetIO().MouseDownDurationPrev[0] >= long_press)) {
        dc.emit(event::Start{});
    }
}

void draw_start_button(DrawContext& dc, const std::string& label, ImVec2 pos, ImVec2 size) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), dc.theme.primary, dc.layout.unit * 0.5f);
    float h = text_height(dc, dc.fonts.title, label, size.x);
    text_block(dc, label, dc.fonts.title, ImVec2(pos.x, pos.y + (size.y - h) / 2), size.x, Align::Center,
               dc.theme.on_primary);
    dc.tree.add({"attract.start", "button", label, pos.x, pos.y, size.x, size.y, h <= size.y});
}

void draw_attract_screen(DrawContext& dc) {
    const Layout& l = dc.layout;
    const Theme& t = dc.theme;
    float width = l.width - 2 * l.margin * 2;
    float x = l.margin * 2;

    Greeting g = greeting_in(dc.translations, dc.session.greeting_language());
    Slots slot = slots_for_every_language(dc, width);
    ImVec2 button_size(std::min(l.width - 2 * l.margin, l.unit * 16), l.unit * 3.2f);
    float total = slot.title + l.unit + slot.body + l.unit * 2 + button_size.y;
    float y = (l.height - total) / 2;

    attract_touch_anywhere(dc);

    // Each greeting in its own direction, centred in slots that fit the longest one.
    bool rtl = dc.rtl;
    dc.rtl = g.rtl;
    float title_h = text_height(dc, dc.fonts.title, g.title, width);
    text_block(dc, g.title, dc.fonts.title, ImVec2(x, y + (slot.title - title_h) / 2), width, Align::Center, t.text,
               "attract.title");
    y += slot.title + l.unit;
    float body_h = text_height(dc, dc.fonts.body, g.body, width * 0.8f);
    float body_x = x + width * 0.1f;
    text_block(dc, g.body, dc.fonts.body, ImVec2(body_x, y + (slot.body - body_h) / 2), width * 0.8f, Align::Center,
               t.muted_text, "attract.body");
    y += slot.body + l.unit * 2;

    ImVec2 pos((l.width - button_size.x) / 2, y);
    draw_start_button(dc, g.start, pos, button_size);
    dc.rtl = rtl;

    // Where the round is: one dot per language, the greeting's filled, for the passer-by who
    // waits for their own.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const auto& langs = dc.translations.languages();
    float r = l.unit * 0.16f, step = l.unit * 0.6f;
    float dots_y = std::min(l.height - l.margin, pos.y + button_size.y + l.unit * 1.5f);
    float dots_x = (l.width - step * static_cast<float>(langs.size() - 1)) / 2;
    for (size_t i = 0; i < langs.size(); ++i) {
        ImVec2 c(dots_x + step * static_cast<float>(i), dots_y);
        if (langs[i].language == dc.session.greeting_language())
            dl->AddCircleFilled(c, r * 1.4f, t.primary, 16);
        else
            dl->AddCircle(c, r, t.muted_text, 16, std::max(1.5f, l.unit * 0.05f));
    }
}

}  // namespace lkp
