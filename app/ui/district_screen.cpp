// Choose your stadsdel: every district on one screen in Swedish order, an alphabet strip to
// narrow it down by touch (no typing), and the two answers that are not a district.
#include <algorithm>
#include <cmath>

#include "screens.h"

namespace lkp {

void DistrictScreen::draw(DrawContext& dc) {
    const Layout& l = dc.layout;
    const auto& all = dc.session.districts().districts;
    back_button(dc);

    // The heading between the back and language buttons where it fits there on one line
    // (landscape: the districts get the height), else on a line of its own below them.
    std::string title = dc.text("ui.district.title");
    float row_y = l.margin * 0.6f, row_h = l.unit * 2.0f, one_line = dc.fonts.title->FontSize * 1.15f;
    float side = l.margin + std::max(back_button_width(dc), language_button_width(dc)) + l.gap;
    float beside_w = l.width - 2 * side;
    float y = row_y + row_h + l.unit * 0.6f;
    if (beside_w > l.unit * 8 && text_height(dc, dc.fonts.title, title, beside_w) <= one_line + 0.5f)
        text_block(dc, title, dc.fonts.title, ImVec2(side, row_y + (row_h - one_line) / 2), beside_w, Align::Center,
                   dc.theme.text);
    else
        y += text_block(dc, title, dc.fonts.title, ImVec2(l.margin, y), l.width - 2 * l.margin, Align::Center,
                        dc.theme.text) +
             l.unit * 0.6f;

    // District names are Swedish proper nouns: their alphabet strip and index read left to right
    // in every language, as on a printed map.
    bool mirror = dc.mirror;
    dc.mirror = false;
    // Alphabet strip: "All" and each initial that has districts, in Swedish order.
    std::vector<std::string> letters;
    for (const auto& d : all) {
        std::string i = swedish_initial(d.name);
        if (std::find(letters.begin(), letters.end(), i) == letters.end()) letters.push_back(i);
    }
    // One row when it fits (landscape), more rows on a narrow portrait screen.
    float gap = l.gap * 0.5f;
    std::string all_label = dc.text("ui.district.all");
    float all_w = std::max(l.unit * 3.6f, text_width(dc, dc.fonts.body, all_label) + l.unit * 1.2f);
    float avail = l.width - 2 * l.margin;
    float lw = std::clamp((avail - all_w) / static_cast<float>(letters.size()) - gap, l.unit * 1.8f, l.unit * 2.4f);
    std::vector<std::pair<std::string, std::string>> items = {{"all", all_label}};
    for (const auto& letter : letters) items.emplace_back(letter, letter);
    std::vector<std::vector<size_t>> strip_rows(1);
    float row_w = 0;
    for (size_t i = 0; i < items.size(); ++i) {
        float w = i == 0 ? all_w : lw;
        if (row_w + w > avail && !strip_rows.back().empty()) {
            strip_rows.emplace_back();
            row_w = 0;
        }
        strip_rows.back().push_back(i);
        row_w += w + gap;
    }
    // Wrapped rows a little lower, leaving the districts more height (still a comfortable target).
    float strip_h = l.unit * (strip_rows.size() > 1 ? 1.6f : 2.0f);
    for (const auto& row : strip_rows) {
        float width = -gap;
        for (size_t i : row) width += (i == 0 ? all_w : lw) + gap;
        float x = (l.width - width) / 2;
        for (size_t i : row) {
            const auto& [key, label] = items[i];
            float w = i == 0 ? all_w : lw;
            ButtonSpec b{"district.letter." + key, label, ImVec2(x, y), ImVec2(w, strip_h)};
            b.selected = i == 0 ? letter_.empty() : key == letter_;
            if (tap_button(dc, b)) letter_ = i == 0 ? std::string() : key;
            x += w + gap;
        }
        y += strip_h + gap;
    }
    y += l.unit * 0.8f - gap;

    // The grid: as many columns as it takes for every shown district to fit without scrolling.
    std::vector<const District*> shown;
    for (const auto& d : all)
        if (letter_.empty() || swedish_initial(d.name) == letter_) shown.push_back(&d);
    // The two answers that are not a district, sized to their words (long in some languages).
    float bwide = std::min((l.width - 2 * l.margin - l.gap) / 2, l.unit * 14);
    ButtonSpec outside{"district.outside", dc.text("ui.district.outside"), ImVec2(), ImVec2(bwide, 0)};
    ButtonSpec declined{"district.declined", dc.text("ui.decline"), ImVec2(), ImVec2(bwide, 0), ButtonStyle::Quiet};
    float bottom_h = std::max(fitted_height(dc, outside, l.unit * 2.2f), fitted_height(dc, declined, l.unit * 2.2f));
    float area_h = l.height - y - bottom_h - l.margin - l.unit * 0.8f;
    float avail_w = l.width - 2 * l.margin;
    int n = static_cast<int>(shown.size());
    // As many columns as the longest name allows, rows as tall as fit (never shorter than a
    // comfortable touch target); the smaller font only when the body font cannot fit them all.
    ImFont* font = dc.fonts.body;
    int cols = 1, rows = n;
    float bh = l.unit * 2.0f;
    for (ImFont* f : {dc.fonts.body, dc.fonts.small}) {
        float widest = 0;
        for (const District* d : shown) widest = std::max(widest, text_width(dc, f, d->name));
        cols = std::max(l.portrait ? 2 : 3, static_cast<int>((avail_w + gap) / (widest + l.unit * 0.8f + gap)));
        rows = std::max(1, (n + cols - 1) / cols);
        bh = std::min(l.unit * 2.0f, (area_h - static_cast<float>(rows - 1) * gap) / static_cast<float>(rows));
        font = f;
        if (bh >= l.unit * 1.4f) break;
    }
    float bw = (avail_w - static_cast<float>(cols - 1) * gap) / static_cast<float>(cols);
    auto prev = dc.session.current_answer();
    for (int i = 0; i < n; ++i) {
        // Fill down the columns, like a printed index.
        int col = i / rows, row = i % rows;
        const District& d = *shown[static_cast<size_t>(i)];
        ImVec2 pos(l.margin + static_cast<float>(col) * (bw + gap), y + static_cast<float>(row) * (bh + gap));
        ButtonSpec b{"district." + d.code, d.name, pos, ImVec2(bw, bh)};
        b.selected = prev && prev->is_string() && prev->get<std::string>() == d.code;
        b.font = font;
        b.text_rtl = false;  // Swedish names
        if (tap_button(dc, b)) dc.emit(event::ChooseDistrict{d.code});
    }

    dc.mirror = mirror;
    float by = l.height - l.margin - bottom_h;
    float bx = (l.width - 2 * bwide - l.gap) / 2;
    outside.pos = ImVec2(bx, by);
    declined.pos = ImVec2(bx + bwide + l.gap, by);
    outside.size.y = declined.size.y = bottom_h;
    outside.selected = prev && *prev == kDistrictOutside;
    declined.selected = prev && prev->is_null();
    if (tap_button(dc, outside)) dc.emit(event::ChooseDistrict{std::string(kDistrictOutside)});
    if (tap_button(dc, declined)) dc.emit(event::ChooseDistrict{std::nullopt});
}

}  // namespace lkp
