// The screen a passer-by sees: what this is, that it is quick and anonymous, and where to tap.
// It is static on purpose: an idle kiosk should cost next to no CPU.
#include "screens.h"

namespace lkp {

void draw_attract_screen(DrawContext& dc) {
    const Layout& l = dc.layout;
    const Theme& t = dc.theme;
    float width = l.width - 2 * l.margin * 2;
    float x = l.margin * 2;

    std::string title = dc.text("ui.attract.title"), body = dc.text("ui.attract.body"),
                start = dc.text("ui.attract.start");
    float title_h = text_height(dc, dc.fonts.title, title, width);
    float body_h = text_height(dc, dc.fonts.body, body, width * 0.8f);
    ImVec2 button_size(std::min(l.width - 2 * l.margin, l.unit * 16), l.unit * 3.2f);
    float total = title_h + l.unit + body_h + l.unit * 2 + button_size.y;
    float y = (l.height - total) / 2;

    // The whole screen starts the survey, so a tap anywhere works; the button shows where to tap.
    ImGui::SetCursorScreenPos(ImVec2(0, 0));
    if (ImGui::InvisibleButton("attract.anywhere", ImVec2(l.width, l.height))) dc.emit(event::Start{});

    y += text_block(dc, title, dc.fonts.title, ImVec2(x, y), width, Align::Center, t.text) + l.unit;
    y += text_block(dc, body, dc.fonts.body, ImVec2(x + width * 0.1f, y), width * 0.8f, Align::Center, t.muted_text) +
         l.unit * 2;

    ImVec2 pos((l.width - button_size.x) / 2, y);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(pos, ImVec2(pos.x + button_size.x, pos.y + button_size.y), t.primary, l.unit * 0.5f);
    text_block(dc, start, dc.fonts.title, ImVec2(pos.x, pos.y + (button_size.y - dc.fonts.title->FontSize * 1.15f) / 2),
               button_size.x, Align::Center, t.on_primary);
    dc.tree.add({"attract.start", "button", start, pos.x, pos.y, button_size.x, button_size.y});
}

}  // namespace lkp
