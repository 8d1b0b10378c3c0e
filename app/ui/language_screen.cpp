// Choose a language: one large button per language, each named in itself and in its own script.
#include <algorithm>
#include <cmath>

#include "screens.h"

namespace lkp {

bool draw_language_grid(DrawContext& dc, float y) {
    const Layout& l = dc.layout;
    const auto& langs = dc.translations.languages();
    int n = static_cast<int>(langs.size());
    int cols = std::min(n, l.portrait ? 2 : 4);
    int rows = (n + cols - 1) / cols;
    float bw = std::min((l.width - 2 * l.margin - static_cast<float>(cols - 1) * l.gap) / static_cast<float>(cols),
                        l.unit * 14);
    float bh = std::min(l.unit * 3.0f, (l.height - y - l.margin) / static_cast<float>(rows) - l.gap);
    float x0 = (l.width - (bw * static_cast<float>(cols) + l.gap * static_cast<float>(cols - 1))) / 2;
    bool chosen = false;
    for (int i = 0; i < n; ++i) {
        const Catalog& c = langs[static_cast<size_t>(i)];
        ImVec2 pos(x0 + static_cast<float>(i % cols) * (bw + l.gap), y + static_cast<float>(i / cols) * (bh + l.gap));
        // The heading font where the name fits on one line, else the body font, wrapped.
        ImFont* font = text_width(dc, dc.fonts.title, c.native_name) <= bw - l.unit ? dc.fonts.title : dc.fonts.body;
        ButtonSpec b{"language." + c.language, c.native_name, pos, ImVec2(bw, bh), ButtonStyle::Surface, font};
        b.selected = c.language == dc.session.language();
        b.text_rtl = c.rtl;  // each name in its own direction, whatever the current language
        if (tap_button(dc, b)) {
            dc.emit(event::ChooseLanguage{c.language});
            chosen = true;
        }
    }
    return chosen;
}

void draw_language_screen(DrawContext& dc) {
    const Layout& l = dc.layout;
    back_button(dc);
    float y = l.margin * 0.6f + l.unit * 3.0f;
    y += text_block(dc, dc.text("ui.language.title"), dc.fonts.title, ImVec2(l.margin, y), l.width - 2 * l.margin,
                    Align::Center, dc.theme.text) +
         l.unit * 1.5f;
    draw_language_grid(dc, y);

    // Accessibility choices, at the bottom of the first step so they apply to every question.
    struct Toggle {
        const char* id;
        const char* text;
        bool* value;
    };
    std::vector<Toggle> toggles = {{"access.large_text", "ui.a11y.large_text", &dc.access->large_text},
                                   {"access.high_contrast", "ui.a11y.high_contrast", &dc.access->high_contrast}};
    if (dc.can_speak) toggles.push_back({"access.audio_mode", "ui.a11y.audio_mode", &dc.access->audio_mode});
    float n = static_cast<float>(toggles.size());
    float h = l.unit * 2.2f, w = std::min(l.unit * 11, (l.width - 2 * l.margin - (n - 1) * l.gap) / n);
    float x = (l.width - n * w - (n - 1) * l.gap) / 2, by = l.height - l.margin - h;
    for (const Toggle& t : toggles) {
        ButtonSpec b{t.id, dc.text(t.text), ImVec2(x, by), ImVec2(w, h)};
        b.selected = *t.value;
        if (tap_button(dc, b)) {
            *t.value = !*t.value;
            if (t.value == &dc.access->audio_mode && *t.value) dc.speech.push_back(dc.text("ui.a11y.audio_hint"));
        }
        x += w + l.gap;
    }
}

}  // namespace lkp
