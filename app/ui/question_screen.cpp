// One question: its words, its answer scale as a row of large buttons, and "Vill inte svara".
// Choice scales (NTU's categories, age, gender) show words, with a face and colour for scale
// points; numeric scales (1-10, 0-10) show one button per number with the end labels written out.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "screens.h"

namespace lkp {

namespace {

bool is_previous_answer(const DrawContext& dc, const Json& value) {
    auto prev = dc.session.current_answer();
    return prev && *prev == value;
}

// A choice scale's buttons and grid, worked out before anything is drawn, so that the question
// above can make room for it.
struct ChoiceLayout {
    std::vector<ButtonSpec> buttons;
    ImVec2 size;
    int cols = 1, rows = 1;
    float total_h = 0;
};

ChoiceLayout plan_choice_scale(const DrawContext& dc, const Scale& scale, float area_h) {
    const Layout& l = dc.layout;
    size_t n = scale.options.size();
    bool has_faces = std::any_of(scale.options.begin(), scale.options.end(),
                                 [](const ScaleOption& o) { return o.tone.has_value(); });
    // Landscape: one row. Portrait: one column, which keeps long labels readable.
    bool row = !l.portrait;
    float full_w = l.width - 2 * l.margin;
    ImVec2 size = row ? ImVec2((full_w - static_cast<float>(n - 1) * l.gap) / static_cast<float>(n),
                               l.unit * (has_faces ? 4.5f : 2.6f))
                      : ImVec2(full_w, l.unit * (has_faces ? 3.6f : 2.4f));
    std::vector<ButtonSpec> buttons;
    for (const ScaleOption& o : scale.options) {
        ButtonSpec b{"question.option." + (o.value.is_string() ? o.value.get<std::string>() : o.value.dump()),
                     dc.text(o.label_id), ImVec2(), size};
        b.face = o.tone;
        if (o.tone) b.stripe = dc.theme.tone(*o.tone);
        b.selected = is_previous_answer(dc, o.value);
        buttons.push_back(b);
    }
    // Every button as tall as the fullest one needs, so no label is ever cut off. A column too
    // tall for the screen (portrait, larger text) becomes two.
    int cols = row ? static_cast<int>(n) : 1;
    auto fit = [&]() {
        size.y = 0;
        for (auto& b : buttons) {
            b.size.x = size.x;
            size.y = std::max(
                size.y, fitted_height(dc, b, l.unit * (row ? (has_faces ? 4.5f : 2.6f) : (has_faces ? 3.6f : 2.4f))));
        }
    };
    auto pad_row = [&] {
        float pad = l.unit * 0.8f + (has_faces ? l.unit * 0.3f : 0.0f);
        for (const auto& b : buttons) size.y = std::max(size.y, measure_button(dc, b).height + 2 * pad);
    };
    fit();
    if (row) pad_row();
    int rows = (static_cast<int>(n) + cols - 1) / cols;
    if (!row && static_cast<float>(rows) * (size.y + l.gap) > area_h) {
        cols = 2;
        size.x = (full_w - l.gap) / 2;
        fit();
        rows = (static_cast<int>(n) + 1) / 2;
        // Still too tall (a short portrait screen, larger text, long words): the words matter more
        // than the faces, as in a row below.
        if (static_cast<float>(rows) * (size.y + l.gap) - l.gap > area_h) {
            for (auto& b : buttons) b.face.reset();
            fit();
        }
    }
    // A row too tall for the room left (larger text, narrow words stacked high) becomes two
    // rows of wider buttons, whose words need fewer lines.
    // (Without the single row's extra padding: two rows of tall buttons are what is short of room.)
    if (row && size.y > area_h && n > 3) {
        cols = static_cast<int>((n + 1) / 2);
        rows = 2;
        size.x = (full_w - static_cast<float>(cols - 1) * l.gap) / static_cast<float>(cols);
        fit();
        // Still too tall (the longest translations): the words matter more than the faces, and
        // the coloured band keeps the scale's order visible.
        if (2 * size.y + l.gap > area_h) {
            for (auto& b : buttons) b.face.reset();
            fit();
        }
    }
    float total_h = static_cast<float>(rows) * (size.y + l.gap) - l.gap;
    return {std::move(buttons), size, cols, rows, total_h};
}

void draw_choice_scale(DrawContext& dc, const Scale& scale, const ChoiceLayout& plan, float y, float area_h) {
    const Layout& l = dc.layout;
    std::vector<ButtonSpec> buttons = plan.buttons;
    ImVec2 size = plan.size;
    int cols = plan.cols;
    size_t n = buttons.size();
    y += std::max(0.0f, (area_h - plan.total_h) / 3);  // a little above centre reads as one group with the question
    for (size_t i = 0; i < n; ++i) {
        ButtonSpec& b = buttons[i];
        b.size = size;
        int col = static_cast<int>(i) % cols, r = static_cast<int>(i) / cols;
        b.pos =
            ImVec2(l.margin + static_cast<float>(col) * (size.x + l.gap), y + static_cast<float>(r) * (size.y + l.gap));
        if (tap_button(dc, b)) dc.emit(event::Answer{scale.options[i].value});
    }
}

void draw_numeric_scale(DrawContext& dc, const Scale& scale, float y) {
    const Layout& l = dc.layout;
    size_t n = scale.options.size();
    float full_w = l.width - 2 * l.margin;
    float gap = l.gap * 0.6f;
    float w = (full_w - static_cast<float>(n - 1) * gap) / static_cast<float>(n);
    ImVec2 size(w, std::min(w * 1.3f, l.unit * 3.6f));
    // The largest digits that fit the widest number on one line (narrow portrait screens).
    std::string widest = scale.options.back().value.dump();
    ImFont* font = dc.fonts.body;
    for (ImFont* f : {dc.fonts.number, dc.fonts.title, dc.fonts.body}) {
        if (line_width(f, widest) + l.unit * 0.3f <= w) {
            font = f;
            break;
        }
    }
    for (size_t i = 0; i < n; ++i) {
        const ScaleOption& o = scale.options[i];
        ButtonSpec b{"question.option." + o.value.dump(),
                     o.value.dump(),
                     ImVec2(l.margin + static_cast<float>(i) * (w + gap), y),
                     size,
                     ButtonStyle::Surface,
                     font};
        b.padding = 0.1f;
        b.stripe = dc.theme.tone(*o.tone);
        b.selected = is_previous_answer(dc, o.value);
        if (tap_button(dc, b)) dc.emit(event::Answer{o.value});
    }
    y += size.y + l.unit * 0.5f;
    // End labels, written out under the first and last buttons.
    float label_w = std::max(full_w * 0.4f, w * 2);
    text_block(dc, dc.text(scale.low_label_id), dc.fonts.body, ImVec2(l.margin, y), label_w, Align::Left,
               dc.theme.text);
    text_block(dc, dc.text(scale.high_label_id), dc.fonts.body, ImVec2(l.width - l.margin - label_w, y), label_w,
               Align::Right, dc.theme.text);
}

}  // namespace

// What the speaker button reads: the question, then every answer with its end labels.
std::string spoken_question(const DrawContext& dc, const Question& q) {
    std::string s = dc.text(q.text_id);
    if (q.scale.kind == Scale::Kind::Numeric) {
        s += " " + std::to_string(q.scale.min) + ": " + dc.text(q.scale.low_label_id) + ". " +
             std::to_string(q.scale.max) + ": " + dc.text(q.scale.high_label_id) + ".";
    } else {
        for (const auto& o : q.scale.options) s += " " + dc.text(o.label_id) + ".";
    }
    return s + " " + dc.text("ui.decline") + ".";
}

void draw_question_screen(DrawContext& dc) {
    const Layout& l = dc.layout;
    const Question& q = dc.session.current_question();
    const Survey& survey = dc.session.survey();
    back_button(dc);

    std::string progress =
        fill(fill(dc.text("ui.question.progress"), "n", std::to_string(dc.session.question_index() + 1)), "total",
             std::to_string(survey.questions.size()));
    if (q.section == "background") progress += "  ·  " + dc.text("ui.background.note");
    // The header is laid out from the measured widths of its buttons, which change with the
    // language and the text size: nothing may run under a button.
    float top = l.margin * 0.6f;
    // Centred between the back button and the language button, as wide as the wider one allows.
    // Where a long language name leaves too little between them (portrait), it goes under them.
    float side = l.margin + std::max(back_button_width(dc), language_button_width(dc)) + l.gap;
    float progress_y = top + l.unit * 0.45f;
    if (l.width - 2 * side < l.unit * 12) {
        side = l.margin;
        progress_y = top + l.unit * 2.0f + l.gap;
    }
    float progress_h = text_block(dc, progress, dc.fonts.body, ImVec2(side, progress_y), l.width - 2 * side,
                                  Align::Center, dc.theme.muted_text);
    float y = std::max(top + l.unit * 2.0f, progress_y + progress_h) + l.unit * 0.6f;

    // The question, centred; beside the read-aloud button (kept as far from either edge) where
    // that leaves it room, else under it.
    float text_w = std::min(l.width - 2 * l.margin, l.unit * 40);
    // Read aloud, only where a voice exists for the language: a silent button would mislead.
    if (dc.can_speak) {
        constexpr float kIconRoom = 1.8f;
        std::string label = dc.text("ui.speak");
        float w = text_width(dc, dc.fonts.body, label) + l.unit * (2.4f + kIconRoom);
        ButtonSpec speak{"question.speak", label, ImVec2(l.width - l.margin - w, y), ImVec2(w, l.unit * 2.0f)};
        speak.icon_room = kIconRoom;
        if (tap_button(dc, speak)) dc.speech.push_back(spoken_question(dc, q));
        draw_speaker_icon(dc, ImVec2(dc.x_on_screen(speak.pos.x + l.unit * 0.9f, 0), speak.pos.y + l.unit));
        float beside = l.width - 2 * (l.margin + w + l.gap);
        if (beside >= l.unit * 20)
            text_w = std::min(text_w, beside);
        else
            y += speak.size.y + l.gap;
    }
    // The question in the heading font, or in the body font where that would leave the answers
    // too little room (larger text on a landscape screen).
    std::string question = dc.text(q.text_id);
    float decline_h = l.unit * 2.2f;
    float space_above = l.unit * 1.4f, space_below = l.unit * 1.5f;  // around the answers
    auto room_below = [&](ImFont* font) {
        return l.height - (y + text_height(dc, font, question, text_w) + space_above) - decline_h - l.margin -
               space_below;
    };
    ImFont* font = dc.fonts.title;
    std::optional<ChoiceLayout> plan;
    if (q.scale.kind != Scale::Kind::Numeric) {
        plan = plan_choice_scale(dc, q.scale, room_below(font));
        if (plan->total_h > room_below(font)) {
            font = dc.fonts.body;
            plan = plan_choice_scale(dc, q.scale, room_below(font));
        }
        if (plan->total_h > room_below(font)) space_above = space_below = l.unit * 0.6f;  // and closer together
    }
    y += text_block(dc, question, font, ImVec2((l.width - text_w) / 2, y), text_w, Align::Center, dc.theme.text) +
         space_above;

    float area_h = l.height - y - decline_h - l.margin - space_below;
    if (plan)
        draw_choice_scale(dc, q.scale, *plan, y, area_h);
    else
        draw_numeric_scale(dc, q.scale, y + std::max(0.0f, (area_h - l.unit * 6) / 3));

    std::string decline = dc.text("ui.decline");
    float dw = std::min(l.width - 2 * l.margin, text_width(dc, dc.fonts.body, decline) + l.unit * 4);
    ButtonSpec b{"question.decline", decline, ImVec2((l.width - dw) / 2, l.height - l.margin - decline_h),
                 ImVec2(dw, decline_h), ButtonStyle::Quiet};
    b.selected = is_previous_answer(dc, Json(nullptr));
    if (tap_button(dc, b)) dc.emit(event::Answer{Json(nullptr)});
}

}  // namespace lkp
