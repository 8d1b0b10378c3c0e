// "Temporarily closed": shown instead of the invitation while an answer cannot be stored (a full
// disk), so that no resident spends a minute on answers the kiosk could not keep. Nobody has
// chosen a language here, so it speaks in every kiosk language in turn, as the greeting does.
// There is nothing to tap; staff's corner still opens staff mode.
#include <algorithm>

#include "screens.h"

namespace lkp {

void draw_closed_screen(DrawContext& dc) {
    const Layout& l = dc.layout;
    float width = l.width - 4 * l.margin;
    float x = 2 * l.margin;
    const std::string& language = dc.session.greeting_language();
    const Catalog* catalog = dc.translations.find(language);
    std::string title = dc.translations.text(language, "ui.closed.title");
    std::string body = dc.translations.text(language, "ui.closed.body");

    // The same height for every language, so the text does not jump as they change.
    bool rtl = dc.rtl;
    float title_slot = 0, body_slot = 0;
    for (const Catalog& c : dc.translations.languages()) {
        dc.rtl = c.rtl;
        title_slot = std::max(
            title_slot, text_height(dc, dc.fonts.title, dc.translations.text(c.language, "ui.closed.title"), width));
        body_slot = std::max(body_slot,
                             text_height(dc, dc.fonts.body, dc.translations.text(c.language, "ui.closed.body"), width));
    }
    dc.rtl = catalog && catalog->rtl;
    float y = (l.height - (title_slot + l.unit + body_slot)) / 2;
    float title_h = text_height(dc, dc.fonts.title, title, width);
    text_block(dc, title, dc.fonts.title, ImVec2(x, y + (title_slot - title_h) / 2), width, Align::Center,
               dc.theme.text, "closed.title");
    y += title_slot + l.unit;
    text_block(dc, body, dc.fonts.body, ImVec2(x, y), width, Align::Center, dc.theme.muted_text, "closed.body");
    dc.rtl = rtl;
}

}  // namespace lkp
