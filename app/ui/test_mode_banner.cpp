// While staff's test mode is on, every screen says so, so nobody takes a test answer for a real
// one (or forgets to end it): a red frame round the screen and a line in the bottom margin,
// where no screen puts anything, so it covers no button.
#include "screens.h"

namespace lkp {

void draw_test_mode_banner(DrawContext& dc) {
    const Layout& l = dc.layout;
    std::string label = staff_text(dc, "staff.test.banner");
    if (auto left = dc.staff ? dc.staff->test_mode_left(dc.now.mono) : std::nullopt)
        label = fill(label, "minutes", std::to_string((left->count() + 59) / 60));
    const ImU32 red = IM_COL32(176, 0, 32, 255);
    float frame = std::max(3.0f, l.margin * 0.15f);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRect(ImVec2(frame / 2, frame / 2), ImVec2(l.width - frame / 2, l.height - frame / 2), red, 0, 0, frame);
    ImFont* font = dc.fonts.small;
    bool rtl = dc.rtl;
    dc.rtl = false;
    float w = std::min(l.width - 2 * l.margin, text_width(dc, font, label) + l.unit);
    float h = l.margin * 0.95f;
    ImVec2 pos((l.width - w) / 2, l.height - h);
    dl->AddRectFilled(pos, ImVec2(pos.x + w, l.height), red, l.unit * 0.3f, ImDrawFlags_RoundCornersTop);
    float text_h = text_height(dc, font, label, w);
    text_block(dc, label, font, ImVec2(pos.x, pos.y + (h - text_h) / 2), w, Align::Center, IM_COL32_WHITE,
               "test-banner");
    dc.rtl = rtl;
}

}  // namespace lkp
