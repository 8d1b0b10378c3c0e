// Thank you: the answers are already stored when this shows. It returns to the attract screen
// by itself after a few seconds, or at once on "Klar".
#include "screens.h"

namespace lkp {

void draw_thanks_screen(DrawContext& dc) {
    const Layout& l = dc.layout;
    float width = l.width - 4 * l.margin;
    std::string title = dc.text("ui.thanks.title");
    std::string body = dc.text(dc.save_failed ? "ui.save_failed" : "ui.thanks.body");
    float y = l.height * 0.28f;
    y += text_block(dc, title, dc.fonts.title, ImVec2(2 * l.margin, y), width, Align::Center, dc.theme.text) + l.unit;
    y += text_block(dc, body, dc.fonts.body, ImVec2(2 * l.margin, y), width, Align::Center, dc.theme.muted_text) +
         l.unit * 2;
    ImVec2 size(std::min(width, l.unit * 10), l.unit * 2.8f);
    if (tap_button(dc, {"thanks.done", dc.text("ui.thanks.done"), ImVec2((l.width - size.x) / 2, y), size,
                        ButtonStyle::Primary, dc.fonts.title}))
        dc.emit(event::Finish{});
}

}  // namespace lkp
