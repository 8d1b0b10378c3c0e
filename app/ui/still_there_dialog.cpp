// "Are you still there?": shown after a while without a touch mid-survey. Any tap keeps the
// answers; when the countdown ends they are discarded and the attract screen returns.
#include <string>

#include "screens.h"

namespace lkp {

void draw_still_there_dialog(DrawContext& dc) {
    const Layout& l = dc.layout;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(0, 0), ImVec2(l.width, l.height), dc.theme.scrim);

    float w = std::min(l.width - 2 * l.margin, l.unit * 30);
    float x = (l.width - w) / 2;
    std::string title = dc.text("ui.idle.title");
    int seconds = dc.session.seconds_left(dc.now);
    std::string body = fill(dc.translations.plural_text(dc.session.language(), "ui.idle.body", seconds), "seconds",
                            std::to_string(seconds));
    float pad = l.unit * 1.2f;
    float h = text_height(dc, dc.fonts.title, title, w - 2 * pad) + text_height(dc, dc.fonts.body, body, w - 2 * pad) +
              l.unit * 5.8f + 2 * pad;
    float y = (l.height - h) / 2;
    dl->AddRectFilled(ImVec2(x, y), ImVec2(x + w, y + h), dc.theme.surface, l.unit * 0.5f);
    dl->AddRect(ImVec2(x, y), ImVec2(x + w, y + h), dc.theme.border, l.unit * 0.5f, 0, 2.0f);

    // A tap anywhere counts as "still here", so nobody loses answers by missing the button.
    ImGui::SetCursorScreenPos(ImVec2(0, 0));
    if (ImGui::InvisibleButton("still_there.anywhere", ImVec2(l.width, l.height))) dc.emit(event::StillHere{});

    float cy = y + pad;
    cy += text_block(dc, title, dc.fonts.title, ImVec2(x + pad, cy), w - 2 * pad, Align::Center, dc.theme.text) +
          l.unit * 0.6f;
    cy += text_block(dc, body, dc.fonts.body, ImVec2(x + pad, cy), w - 2 * pad, Align::Center, dc.theme.text) +
          l.unit * 1.2f;
    ImVec2 size(w - 2 * pad, l.unit * 3.0f);
    std::string label = dc.text("ui.idle.continue");
    dl->AddRectFilled(ImVec2(x + pad, cy), ImVec2(x + pad + size.x, cy + size.y), dc.theme.primary, l.unit * 0.35f);
    text_block(dc, label, dc.fonts.title, ImVec2(x + pad, cy + (size.y - dc.fonts.title->FontSize * 1.15f) / 2), size.x,
               Align::Center, dc.theme.on_primary);
    dc.tree.add({"still_there.continue", "button", label, x + pad, cy, size.x, size.y});
}

}  // namespace lkp
