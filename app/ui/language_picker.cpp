// The language button in the top corner of every survey step, and the picker it opens: a
// resident can switch language mid-survey without losing any answer.
#include "screens.h"

namespace lkp {

namespace {

constexpr float kGlobeRoom = 0.8f;  // units before the words, for the globe

std::string current_language_name(const DrawContext& dc) {
    const Catalog* current = dc.translations.find(dc.session.language());
    return current ? current->native_name : dc.session.language();
}

}  // namespace

float language_button_width(const DrawContext& dc) {
    const Layout& l = dc.layout;
    return std::max(text_width(dc, dc.fonts.body, current_language_name(dc)) + l.unit * (2.4f + kGlobeRoom),
                    l.unit * 6.0f);
}

bool language_button(DrawContext& dc) {
    const Layout& l = dc.layout;
    float w = language_button_width(dc);
    ImVec2 pos(l.width - l.margin - w, l.margin * 0.6f), size(w, l.unit * 2.0f);
    ButtonSpec b{"nav.language", current_language_name(dc), pos, size};
    b.icon_room = kGlobeRoom;
    bool tapped = tap_button(dc, b);
    // A globe, so the button is found by someone who cannot read the current language.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float r = l.unit * 0.42f;
    ImVec2 c(dc.x_on_screen(pos.x + l.unit * 0.85f, 0), pos.y + size.y / 2);
    float t = std::max(1.5f, l.unit * 0.06f);
    dl->AddCircle(c, r, dc.theme.text, 24, t);
    dl->AddLine(ImVec2(c.x - r, c.y), ImVec2(c.x + r, c.y), dc.theme.text, t);
    dl->AddBezierQuadratic(ImVec2(c.x, c.y - r), ImVec2(c.x - r * 0.9f, c.y), ImVec2(c.x, c.y + r), dc.theme.text, t);
    dl->AddBezierQuadratic(ImVec2(c.x, c.y - r), ImVec2(c.x + r * 0.9f, c.y), ImVec2(c.x, c.y + r), dc.theme.text, t);
    return tapped;
}

bool draw_language_picker(DrawContext& dc) {
    const Layout& l = dc.layout;
    ButtonSpec close{"language_picker.close", dc.text("ui.back"), ImVec2(l.margin, l.margin * 0.6f),
                     ImVec2(std::max(text_width(dc, dc.fonts.body, dc.text("ui.back")) + l.unit * 2.4f, l.unit * 5.0f),
                            l.unit * 2.0f)};
    bool done = tap_button(dc, close);
    float y = l.margin * 0.6f + l.unit * 3.0f;
    y += text_block(dc, dc.text("ui.language.title"), dc.fonts.title, ImVec2(l.margin, y), l.width - 2 * l.margin,
                    Align::Center, dc.theme.text) +
         l.unit * 1.5f;
    return draw_language_grid(dc, y) || done;
}

}  // namespace lkp
