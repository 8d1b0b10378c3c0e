// The PIN pad that guards staff mode: ten digits, erase and OK, with the digits shown as dots.
// After wrong PINs it says how many tries are left and, once locked, counts down to the next try.
// The pad is laid out the same in every language: a PIN is typed by position.
#include <cmath>
#include <cstdio>

#include "screens.h"

namespace lkp {

namespace {

std::string countdown_text(std::chrono::seconds left) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(left.count() / 60),
                  static_cast<long long>(left.count() % 60));
    return buf;
}

}  // namespace

void draw_staff_pin_screen(DrawContext& dc) {
    const Layout& l = dc.layout;
    const Theme& t = dc.theme;
    const staff::StaffMode& staff = *dc.staff;
    float width = l.width - 4 * l.margin;

    ButtonSpec cancel{
        "pin-cancel", staff_text(dc, "staff.cancel"), ImVec2(l.margin, l.margin * 0.6f),
        ImVec2(std::max(text_width(dc, dc.fonts.body, staff_text(dc, "staff.cancel")) + l.unit * 2, l.unit * 5),
               l.unit * 2)};
    if (tap_button(dc, cancel)) dc.staff_events.push_back(staff::event::Cancel{});

    // Keys: as large as the screen allows, at most 3.4 units, in a 3 x 4 grid.
    float gap = l.unit * 0.5f;
    float key = std::min({l.unit * 3.4f, (width - 2 * gap) / 3, (l.height * 0.55f - 3 * gap) / 4});
    float pad_w = key * 3 + gap * 2, pad_h = key * 4 + gap * 3;
    // Title, dots, message and pad as one block, centred in what is below the cancel button (a
    // portrait screen would otherwise leave its lower half empty).
    float title_h = text_height(dc, dc.fonts.title, staff_text(dc, "staff.pin.title"), width);
    float block = title_h + l.unit * 0.6f + l.unit * 0.6f + l.unit * 0.6f + l.unit * 1.4f + l.unit * 0.6f + pad_h;
    float top = l.margin * 0.6f + l.unit * 2.6f;
    float y = std::max(top, top + (l.height - l.margin - top - block) / 2);
    y += text_block(dc, staff_text(dc, "staff.pin.title"), dc.fonts.title, ImVec2(2 * l.margin, y), width,
                    Align::Center, t.text, "pin-title") +
         l.unit * 0.6f;

    // One dot per digit entered, none of the digits themselves.
    float dot_r = l.unit * 0.3f, dot_step = l.unit * 0.9f;
    std::size_t shown = std::max<std::size_t>(staff.digits_entered(), staff::kShortestPin);
    float dots_x = (l.width - dot_step * static_cast<float>(shown - 1)) / 2;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (std::size_t i = 0; i < shown; ++i) {
        ImVec2 c(dots_x + dot_step * static_cast<float>(i), y + dot_r);
        if (i < staff.digits_entered())
            dl->AddCircleFilled(c, dot_r, t.text, 20);
        else
            dl->AddCircle(c, dot_r, t.muted_text, 20, std::max(1.5f, l.unit * 0.06f));
    }
    std::string bullets;
    for (std::size_t i = 0; i < staff.digits_entered(); ++i) bullets += "\u2022";
    dc.tree.add({"pin-digits", "text", bullets, dots_x - dot_r, y, dot_step * static_cast<float>(shown - 1) + 2 * dot_r,
                 2 * dot_r, true});
    y += dot_r * 2 + l.unit * 0.6f;

    // What went wrong, or how long the pad stays locked.
    std::string line;
    bool problem = false;
    if (auto until = staff.locked_until(dc.now.wall)) {
        auto left = std::chrono::ceil<std::chrono::seconds>(*until - dc.now.wall);
        line = fill(staff_text(dc, "staff.pin.locked"), "time", countdown_text(left));
        problem = true;
    } else if (const auto& n = staff.notice()) {
        line = staff_text(dc, n->id);
        for (const auto& [k, v] : n->params) line = fill(line, k, v);
        problem = n->problem;
    } else {
        line = staff_text(dc, "staff.pin.prompt");
    }
    float line_h = text_height(dc, dc.fonts.body, line, width);
    text_block(dc, line, dc.fonts.body, ImVec2(2 * l.margin, y), width, Align::Center,
               problem ? t.tone(-2) : t.muted_text, "pin-message");
    y += std::max(line_h, l.unit * 1.4f) + l.unit * 0.6f;

    float x0 = (l.width - pad_w) / 2;
    y = std::min(y, l.height - l.margin - pad_h);
    const char* labels[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", nullptr, "0", nullptr};
    for (int i = 0; i < 12; ++i) {
        ImVec2 pos(x0 + static_cast<float>(i % 3) * (key + gap), y + static_cast<float>(i / 3) * (key + gap));
        if (labels[i]) {
            ButtonSpec b{std::string("pin-") + labels[i],
                         labels[i],
                         pos,
                         ImVec2(key, key),
                         ButtonStyle::Surface,
                         dc.fonts.title};
            if (tap_button(dc, b)) dc.staff_events.push_back(staff::event::Digit{labels[i][0]});
        } else if (i == 9) {
            ButtonSpec b{"pin-back", staff_text(dc, "staff.pin.erase"), pos, ImVec2(key, key)};
            b.padding = 0.2f;
            if (tap_button(dc, b)) dc.staff_events.push_back(staff::event::Erase{});
        } else {
            ButtonSpec b{"pin-ok",         staff_text(dc, "staff.pin.ok"), pos,
                         ImVec2(key, key), ButtonStyle::Primary,           dc.fonts.title};
            b.padding = 0.2f;
            if (tap_button(dc, b)) dc.staff_events.push_back(staff::event::Submit{});
        }
    }
}

}  // namespace lkp
