// Choose a language: one large button per language, each named in itself and in its own script.
// The heading and the accessibility choices below the grid speak to a resident who has not
// chosen yet: each choice carries an icon, and their words follow the language under the
// resident's finger, else the one chosen before, else the greeting's round of every language.
#include <algorithm>
#include <cmath>

#include "screens.h"

namespace lkp {

bool draw_language_grid(DrawContext& dc, float y, float bottom, std::string* touched) {
    const Layout& l = dc.layout;
    if (bottom < 0) bottom = l.height - l.margin;
    const auto& langs = dc.translations.languages();
    int n = static_cast<int>(langs.size());
    int cols = std::min(n, l.portrait ? 2 : 4);
    int rows = (n + cols - 1) / cols;
    float bw = std::min((l.width - 2 * l.margin - static_cast<float>(cols - 1) * l.gap) / static_cast<float>(cols),
                        l.unit * 14);
    float bh = std::min(l.unit * 3.0f, (bottom - y) / static_cast<float>(rows) - l.gap);
    float x0 = (l.width - (bw * static_cast<float>(cols) + l.gap * static_cast<float>(cols - 1))) / 2;
    bool chosen = false;
    for (int i = 0; i < n; ++i) {
        const Catalog& c = langs[static_cast<size_t>(i)];
        ImVec2 pos(x0 + static_cast<float>(i % cols) * (bw + l.gap), y + static_cast<float>(i / cols) * (bh + l.gap));
        // The heading font where the name fits on one line, else the body font, wrapped.
        ImFont* font = text_width(dc, dc.fonts.title, c.native_name) <= bw - l.unit ? dc.fonts.title : dc.fonts.body;
        ButtonSpec b{"language." + c.language, c.native_name, pos, ImVec2(bw, bh), ButtonStyle::Surface, font};
        // Outlined once chosen (coming back, or in the picker): before that nothing is the resident's choice.
        b.selected = c.language == dc.session.language() && dc.session.language_chosen();
        b.text_rtl = c.rtl;  // each name in its own direction, whatever the current language
        size_t spoken = dc.speech.size();
        bool tapped = tap_button(dc, b);
        if (touched && ImGui::IsItemActive()) *touched = c.language;  // the finger is on it now
        // Audio mode: a language's name is read in its own voice, where it has one.
        if (dc.speech.size() > spoken && dc.can_speak_in(c.language)) {
            dc.speech.pop_back();
            dc.speech_in.push_back({c.language, c.native_name});
        }
        if (tapped) {
            dc.emit(event::ChooseLanguage{c.language});
            // The resident who listens hears how audio mode works in the language just chosen.
            if (dc.access && dc.access->audio_mode && dc.can_speak_in(c.language))
                dc.speech_in.push_back({c.language, dc.translations.text(c.language, "ui.a11y.audio_hint")});
            chosen = true;
        }
    }
    return chosen;
}

namespace {

enum class Icon { LargeText, HighContrast, Audio };

// The icons fill a square of side `s` centred at c, drawn in lines `t` wide.

// A small and a large "A": the text grows.
void draw_text_size_icon(ImDrawList* dl, ImVec2 c, float s, float t, ImU32 col) {
    auto letter = [&](float cx, float h) {
        float base = c.y + s * 0.45f, w = h * 0.4f;
        ImVec2 top(cx, base - h), left(cx - w, base), right(cx + w, base);
        dl->AddLine(left, top, col, t);
        dl->AddLine(top, right, col, t);
        dl->AddLine(ImVec2(cx - w * 0.55f, base - h * 0.36f), ImVec2(cx + w * 0.55f, base - h * 0.36f), col, t);
    };
    letter(c.x - s * 0.3f, s * 0.5f);
    letter(c.x + s * 0.18f, s * 0.9f);
}

// A circle half dark, half light: contrast.
void draw_contrast_icon(ImDrawList* dl, ImVec2 c, float s, float t, ImU32 col) {
    float r = s * 0.45f;
    dl->PathArcTo(c, r, 3.14159265f * 0.5f, 3.14159265f * 1.5f, 24);
    dl->PathFillConvex(col);
    dl->AddCircle(c, r, col, 32, t);
}

// A loudspeaker with its sound going the way the words read (as draw_speaker_icon, sized to s).
void draw_speaker(ImDrawList* dl, ImVec2 c, float s, float t, ImU32 col, bool rtl) {
    float dir = rtl ? -1.0f : 1.0f;
    auto at = [&](float x, float y) { return ImVec2(c.x + x * s * dir, c.y + y * s); };
    ImVec2 a = at(-0.5f, -0.17f), b = at(-0.28f, 0.17f);
    dl->AddRectFilled(ImVec2(std::min(a.x, b.x), a.y), ImVec2(std::max(a.x, b.x), b.y), col);
    dl->AddTriangleFilled(at(-0.28f, -0.17f), at(0.02f, -0.42f), at(0.02f, 0.42f), col);
    dl->AddTriangleFilled(at(-0.28f, -0.17f), at(0.02f, 0.42f), at(-0.28f, 0.17f), col);
    for (float r : {0.22f, 0.42f}) {
        float a0 = rtl ? 3.14159265f - 0.7f : -0.7f;
        dl->PathArcTo(at(0.1f, 0), s * r, a0, a0 + 1.4f, 16);
        dl->PathStroke(col, 0, t);
    }
}

// The language the words of this screen are in, and whether it reads right to left.
struct Voice {
    std::string language;
    bool rtl = false;
};

Voice shown_language(const DrawContext& dc, const std::string& touched) {
    std::string language = dc.session.language_chosen() ? dc.session.language() : dc.session.greeting_language();
    // Audio mode: the language button tapped once (spoken, not yet chosen).
    if (dc.armed && dc.armed->rfind("language.", 0) == 0 && dc.translations.has(dc.armed->substr(9)))
        language = dc.armed->substr(9);
    if (!touched.empty()) language = touched;
    const Catalog* c = dc.translations.find(language);
    return {language, c && c->rtl};
}

}  // namespace

void draw_language_screen(DrawContext& dc) {
    const Layout& l = dc.layout;
    back_button(dc);
    // The heading goes beside the back button where every language's fits there on one line
    // (landscape: the grid gets the height), else on a line of its own below it.
    float back_w = back_button_width(dc);
    float row_y = l.margin * 0.6f, row_h = l.unit * 2.0f, one_line = dc.fonts.title->FontSize * 1.15f;
    float beside_w = l.width - 2 * (l.margin + back_w + l.gap);
    bool beside = beside_w > l.unit * 8;
    if (beside) {
        bool rtl = dc.rtl;
        for (const Catalog& c : dc.translations.languages()) {
            dc.rtl = c.rtl;
            beside = beside && text_height(dc, dc.fonts.title, dc.translations.text(c.language, "ui.language.title"),
                                           beside_w) <= one_line + 0.5f;
        }
        dc.rtl = rtl;
    }
    float top = beside ? row_y + (row_h - one_line) / 2 : row_y + l.unit * 3.0f;
    float title_x = beside ? l.margin + back_w + l.gap : l.margin;
    float title_w = beside ? beside_w : l.width - 2 * l.margin;

    struct Toggle {
        const char* id;
        const char* text;
        bool* value;
        Icon icon;
    };
    std::vector<Toggle> toggles = {
        {"access.large_text", "ui.a11y.large_text", &dc.access->large_text, Icon::LargeText},
        {"access.high_contrast", "ui.a11y.high_contrast", &dc.access->high_contrast, Icon::HighContrast}};
    if (dc.can_speak)
        toggles.push_back({"access.audio_mode", "ui.a11y.audio_mode", &dc.access->audio_mode, Icon::Audio});

    // Sizes that hold the words of every language, so nothing moves as they change: the heading's
    // height, and the toggles' (beside their icon, in a row; in portrait one under the other).
    float n = static_cast<float>(toggles.size());
    bool stacked = l.portrait;
    float w = stacked ? std::min(l.width - 2 * l.margin, l.unit * 16)
                      : std::min(l.unit * 11, (l.width - 2 * l.margin - (n - 1) * l.gap) / n);
    float icon_zone = l.unit * 1.5f;  // each side of the words: the icon on one, balance on the other
    float title_h = 0, h = l.unit * 2.2f;
    bool rtl = dc.rtl;
    for (const Catalog& c : dc.translations.languages()) {
        dc.rtl = c.rtl;
        title_h = std::max(
            title_h, text_height(dc, dc.fonts.title, dc.translations.text(c.language, "ui.language.title"), title_w));
        for (const Toggle& t : toggles) {
            ButtonSpec b{t.id, dc.translations.text(c.language, t.text), ImVec2(0, 0), ImVec2(w, h)};
            b.padding = icon_zone / l.unit;
            b.text_rtl = c.rtl;
            h = std::max(h, fitted_height(dc, b, h));
        }
    }
    dc.rtl = rtl;
    float toggles_h = stacked ? n * h + (n - 1) * l.gap : h;
    float toggles_y = l.height - l.margin - toggles_h;

    std::string touched;
    float grid_y = beside ? row_y + row_h + l.unit : top + title_h + l.unit * 1.5f;
    draw_language_grid(dc, grid_y, toggles_y - l.unit, &touched);
    Voice v = shown_language(dc, touched);

    dc.rtl = v.rtl;
    std::string title = dc.translations.text(v.language, "ui.language.title");
    float th = text_height(dc, dc.fonts.title, title, title_w);
    float ty = top + (title_h - th) / 2;
    text_block(dc, title, dc.fonts.title, ImVec2(title_x, ty), title_w, Align::Center, dc.theme.text, "language.title");
    dc.rtl = rtl;

    // Accessibility choices, at the bottom of the first step so they apply to every question.
    float x = stacked ? (l.width - w) / 2 : (l.width - n * w - (n - 1) * l.gap) / 2, by = toggles_y;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (const Toggle& t : toggles) {
        ButtonSpec b{t.id, dc.translations.text(v.language, t.text), ImVec2(x, by), ImVec2(w, h)};
        b.padding = icon_zone / l.unit;
        b.text_rtl = v.rtl;
        b.selected = *t.value;
        size_t spoken = dc.speech.size();
        bool tapped = tap_button(dc, b);
        if (dc.speech.size() > spoken) {  // audio mode, first tap: read the words shown, else the resident's
            dc.speech.pop_back();
            if (dc.can_speak_in(v.language))
                dc.speech_in.push_back({v.language, b.label});
            else
                dc.speech_in.push_back({dc.session.language(), dc.text(t.text)});
        }
        if (tapped) {
            *t.value = !*t.value;
            // The hint in the words the resident just read, where there is a voice for them.
            if (t.value == &dc.access->audio_mode && *t.value) {
                std::string voice = dc.can_speak_in(v.language) ? v.language : dc.session.language();
                dc.speech_in.push_back({voice, dc.translations.text(voice, "ui.a11y.audio_hint")});
            }
        }
        // The icon on the side the words begin, in the middle of its zone.
        float bx = dc.x_on_screen(x, w);
        ImVec2 c(v.rtl ? bx + w - icon_zone * 0.55f : bx + icon_zone * 0.55f, by + h / 2);
        float size = std::min(icon_zone * 0.85f, h * 0.62f), line = std::max(2.0f, l.unit * 0.09f);
        switch (t.icon) {
            case Icon::LargeText:
                draw_text_size_icon(dl, c, size, line, dc.theme.text);
                break;
            case Icon::HighContrast:
                draw_contrast_icon(dl, c, size, line, dc.theme.text);
                break;
            case Icon::Audio:
                draw_speaker(dl, c, size, line, dc.theme.text, v.rtl);
                break;
        }
        if (stacked)
            by += h + l.gap;
        else
            x += w + l.gap;
    }
}

}  // namespace lkp
