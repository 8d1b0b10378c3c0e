// The attract screen's other slide, "Så här har helsingborgare svarat": for each indicator the
// survey file labels for residents, a bar for the kiosk's own district and one for the whole city,
// with their number of answers and the period. A figure the store hid shows as too few answers,
// and a note says that the people who answered chose to. In the greeting's language and direction
// (the session shows it after a greeting, in that greeting's language). A tap anywhere starts the
// survey, as on the invitation. Drawn only when the slide comes or goes: no animation, no waking.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "screens.h"

namespace lkp {

namespace {

// Where an indicator's bars start and end, and how its value is written.
struct BarScale {
    double min = 0, max = 100;
    bool percent = false;      // "64 %", else "64 av 100"
    bool one_decimal = false;  // a mean: "7,4 av 10"
};

BarScale scale_of(const Survey& survey, const Indicator& ind) {
    if (ind.kind == "share") return {0, 100, true, false};
    if (ind.kind == "index_0_100") return {0, 100, false, false};
    BarScale s{0, 10, false, true};  // a mean: the ends of its question's scale
    if (const Question* q = survey.find_question(ind.question)) {
        if (q->scale.kind == Scale::Kind::Numeric) {
            s.min = q->scale.min;
            s.max = q->scale.max;
        } else {
            bool first = true;
            for (const ScaleOption& o : q->scale.options) {
                if (!o.value.is_number()) continue;
                double v = o.value.get<double>();
                s.min = first ? v : std::min(s.min, v);
                s.max = first ? v : std::max(s.max, v);
                first = false;
            }
        }
    }
    if (s.max <= s.min) s.max = s.min + 1;
    return s;
}

// One bar: whose it is and what it shows.
struct Bar {
    std::string id;     // UI tree id, e.g. "results.livskvalitet_medel.city"
    std::string name;   // the area, e.g. "Söder" or "Hela Helsingborg"
    std::string value;  // "64 %", or the too-few text when hidden
    std::string count;  // "123 svar"; empty when hidden
    double fraction = 0;
    bool shown = false;
    ImU32 colour = 0;
};

struct IndicatorBars {
    std::string id, label;
    std::vector<Bar> bars;
};

class Slide {
  public:
    explicit Slide(DrawContext& dc) : dc_(dc), lang_(dc.session.greeting_language()) {}

    std::string text(const std::string& id) const { return dc_.translations.text(lang_, id); }

    // "64", "7,4": shares and indexes whole, means to one decimal, with the language's decimal mark.
    std::string number(double v, bool one_decimal) const {
        char buf[32];
        std::snprintf(buf, sizeof buf, one_decimal ? "%.1f" : "%.0f", v);
        std::string s = buf;
        if (auto dot = s.find('.'); dot != std::string::npos) s.replace(dot, 1, text("ui.results.decimal_mark"));
        return s;
    }

    Bar bar(const std::string& id, const std::string& name, const ResultsFigure& f, const BarScale& scale,
            ImU32 colour) const {
        Bar b{id, name, text("ui.results.too_few"), "", 0, f.shown(), colour};
        if (!f.shown()) return b;
        double v = *f.value;
        b.value = scale.percent ? fill(text("ui.results.percent"), "value", number(v, false))
                                : fill(fill(text("ui.results.of_max"), "value", number(v, scale.one_decimal)), "max",
                                       number(scale.max, false));
        b.fraction = std::clamp((v - scale.min) / (scale.max - scale.min), 0.0, 1.0);
        if (f.n)
            b.count = fill(dc_.translations.plural_text(lang_, "ui.results.answers", static_cast<long>(*f.n)), "n",
                           std::to_string(*f.n));
        return b;
    }

    std::vector<IndicatorBars> indicators() const {
        const ResultsSnapshot& r = *dc_.session.results();
        const DistrictList& districts = dc_.session.districts();
        const District* own = r.district.empty() ? nullptr : districts.find(r.district);
        std::string city = text("ui.results.city");
        std::vector<IndicatorBars> out;
        for (const Indicator& ind : dc_.session.survey().indicators) {
            const ResultsRow* row = r.find(ind.id);
            if (!row || ind.label_id.empty()) continue;
            BarScale scale = scale_of(dc_.session.survey(), ind);
            IndicatorBars ib{ind.id, text(ind.label_id), {}};
            std::string base = "results." + ind.id;
            if (own) ib.bars.push_back(bar(base + ".district", own->name, row->district, scale, dc_.theme.primary));
            ib.bars.push_back(bar(base + ".city", city, row->city, scale, dc_.theme.muted_text));
            out.push_back(std::move(ib));
        }
        return out;
    }

    // Lays the slide out from y; draws it when `draw`, else only measures. Returns the height used.
    float lay_out(float y0, bool draw) {
        const Layout& l = dc_.layout;
        const Theme& t = dc_.theme;
        draw_ = draw;
        float x = l.margin * (l.portrait ? 1.0f : 2.0f);
        float width = l.width - 2 * x;
        float y = y0;
        y += block(text("ui.results.title"), dc_.fonts.title, x, y, width, Align::Center, t.text, "results.title");
        y += l.gap;
        y += block(fill(text("ui.results.period"), "period", dc_.session.results()->period), dc_.fonts.small, x, y,
                   width, Align::Center, t.muted_text, "results.period");
        y += l.unit;

        std::vector<IndicatorBars> inds = indicators();
        // Columns shared by every bar: the area's name, the bar, its value and count. Side by
        // side in landscape; in portrait, narrower, the count goes under the value.
        bool stacked = l.portrait;
        float gap = l.gap * 1.5f, name_w = 0, value_w = 0, count_w = 0;
        for (const IndicatorBars& ib : inds)
            for (const Bar& b : ib.bars) {
                name_w = std::max(name_w, text_width(dc_, dc_.fonts.body, b.name));
                if (b.shown) value_w = std::max(value_w, text_width(dc_, dc_.fonts.body, b.value));
                count_w = std::max(count_w, text_width(dc_, dc_.fonts.small, b.count));
            }
        name_w = std::min(std::ceil(name_w) + 1, width * 0.3f);
        if (stacked) {
            value_w = count_w = std::min(std::ceil(std::max(value_w, count_w)) + 1, width * 0.3f);
        } else {
            value_w = std::min(std::ceil(value_w) + 1, width * 0.22f);
            count_w = std::min(std::ceil(count_w) + 1, width * 0.18f);
        }
        float track_x = x + name_w + gap;
        float track_w = width - name_w - value_w - 2 * gap - (stacked ? 0 : count_w + gap);
        float bar_h = l.unit * (stacked ? 1.3f : 1.0f);  // portrait has the height to spare

        for (const IndicatorBars& ib : inds) {
            y += block(ib.label, dc_.fonts.body, x, y, width, Align::Left, t.text, "results." + ib.id);
            y += l.gap * 0.5f;
            for (const Bar& b : ib.bars) {
                float name_h = text_height(dc_, dc_.fonts.body, b.name, name_w);
                float hidden_h = b.shown ? 0 : text_height(dc_, dc_.fonts.small, b.value, track_w - l.gap);
                float track_h = std::max(bar_h, hidden_h);
                float value_h = b.shown ? text_height(dc_, dc_.fonts.body, b.value, value_w) : 0;
                float count_h = b.count.empty() ? 0 : text_height(dc_, dc_.fonts.small, b.count, count_w);
                float figures_h = stacked ? value_h + count_h : std::max(value_h, count_h);
                float row_h = std::max({name_h, track_h, figures_h});
                block(b.name, dc_.fonts.body, x, y + (row_h - name_h) / 2, name_w, Align::Left, t.text, b.id + ".name");
                float track_y = y + (row_h - track_h) / 2;
                if (draw_) draw_bar(b, track_x, track_y, track_w, track_h);
                if (b.shown) {
                    float value_x = track_x + track_w + gap;
                    float value_y = y + (row_h - (stacked ? figures_h : value_h)) / 2;
                    block(b.value, dc_.fonts.body, value_x, value_y, value_w, Align::Left, t.text, b.id + ".value");
                    if (!b.count.empty())
                        block(b.count, dc_.fonts.small, stacked ? value_x : value_x + value_w + gap,
                              stacked ? value_y + value_h : y + (row_h - count_h) / 2, count_w, Align::Left,
                              t.muted_text, b.id + ".count");
                } else {
                    block(b.value, dc_.fonts.small, track_x + l.gap / 2, track_y + (track_h - hidden_h) / 2,
                          track_w - l.gap, Align::Center, t.text, b.id + ".too_few");
                }
                y += row_h + l.gap * (stacked ? 1.0f : 0.6f);
            }
            y += l.gap * (stacked ? 2.5f : 1.2f);
        }
        y += l.gap;
        y += block(text("ui.results.note"), dc_.fonts.small, x + width * 0.05f, y, width * 0.9f, Align::Center,
                   t.muted_text, "results.note");
        y += l.unit;
        ImVec2 button(std::min(l.width - 2 * l.margin, l.unit * 16), l.unit * 2.6f);
        if (draw_) draw_start_button(dc_, text("ui.attract.start"), ImVec2((l.width - button.x) / 2, y), button);
        y += button.y;
        return y - y0;
    }

  private:
    float block(const std::string& s, ImFont* font, float x, float y, float w, Align align, ImU32 colour,
                const std::string& id) {
        if (!draw_) return text_height(dc_, font, s, w);
        return text_block(dc_, s, font, ImVec2(x, y), w, align, colour, id);
    }

    // The track, the filled part from the reading start (the right in right-to-left languages),
    // and the bar in the UI tree with its value as its label.
    void draw_bar(const Bar& b, float x, float y, float w, float h) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        float r = h * 0.2f;
        float sx = dc_.x_on_screen(x, w);
        dl->AddRectFilled(ImVec2(sx, y), ImVec2(sx + w, y + h), dc_.theme.surface_pressed, r);
        if (b.shown && b.fraction > 0) {
            float fw = std::max(static_cast<float>(b.fraction) * w, r * 2);
            float fx = dc_.x_on_screen(x, fw);
            dl->AddRectFilled(ImVec2(fx, y), ImVec2(fx + fw, y + h), b.colour, r);
        }
        dc_.tree.add({b.id, "bar", b.value, sx, y, w, h, true});
    }

    DrawContext& dc_;
    const std::string& lang_;
    bool draw_ = false;
};

}  // namespace

void draw_results_slide(DrawContext& dc) {
    const Catalog* catalog = dc.translations.find(dc.session.greeting_language());
    bool rtl = dc.rtl, mirror = dc.mirror;
    dc.rtl = dc.mirror = catalog && catalog->rtl;
    attract_touch_anywhere(dc);
    Slide slide(dc);
    float height = slide.lay_out(0, false);
    slide.lay_out(std::max(dc.layout.margin, (dc.layout.height - height) / 2), true);
    dc.rtl = rtl;
    dc.mirror = mirror;
}

}  // namespace lkp
