// Staff mode's one screen: is the kiosk working? Answers per district today, this week and in
// all; visits started, completed and abandoned (and where); the sync's state; disk space and
// versions. Then what staff can do: export to the USB stick, test mode, sync now, leave.
// It closes itself after a minute without a touch (the count-down is in the corner).
#include <cstdio>

#include "screens.h"

namespace lkp {

const Catalog& staff_catalog(const Translations& translations, const Session& session) {
    for (const std::string& language : {session.settings().default_language, std::string("sv"), std::string("en")})
        if (const Catalog* c = translations.find(language); c && c->find("staff.title")) return *c;
    return translations.source();  // a city with neither Swedish nor English: staff see the ids
}

std::string staff_text(const DrawContext& dc, const std::string& id) {
    return dc.translations.text(staff_catalog(dc.translations, dc.session).language, id);
}

const std::vector<std::string>& staff_message_ids() {
    static const std::vector<std::string> ids = {
        "staff.cancel",
        "staff.pin.title",
        "staff.pin.prompt",
        "staff.pin.erase",
        "staff.pin.ok",
        "staff.pin.too_short",
        "staff.pin.wrong",
        "staff.pin.locked",
        "staff.title",
        "staff.closes_in",
        "staff.answers",
        "staff.district",
        "staff.today",
        "staff.week",
        "staff.total",
        "staff.all_districts",
        "staff.declined",
        "staff.outside",
        "staff.more_districts",
        "staff.no_answers",
        "staff.visits",
        "staff.abandoned_at",
        "staff.sync",
        "staff.sync.off",
        "staff.sync.waiting",
        "staff.sync.oldest",
        "staff.sync.last_success",
        "staff.sync.never",
        "staff.sync.last_error",
        "staff.sync.rejected",
        "staff.sync.started",
        "staff.disk",
        "staff.versions",
        "staff.test.on",
        "staff.test.banner",
        "staff.test_answers",
        "staff.export",
        "staff.export.done",
        "staff.export.not_configured",
        "staff.export.no_stick",
        "staff.export.read_only",
        "staff.export.full",
        "staff.export.failed",
        "staff.test",
        "staff.sync_now",
        "staff.leave",
    };
    return ids;
}

namespace {

std::string gigabytes(std::int64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(bytes) / 1e9);
    std::string s = buf;
    for (char& c : s)
        if (c == '.') c = ',';  // Swedish staff, Swedish decimals
    return s;
}

std::string minutes_ago(std::int64_t seconds) { return std::to_string((seconds + 59) / 60); }

// Lines of text down a column.
struct Column {
    DrawContext& dc;
    float x, width, y;
    int n = 0;
    void line(const std::string& text, ImFont* font, ImU32 colour) {
        y += text_block(dc, text, font, ImVec2(x, y), width, Align::Left, colour, "staff-line-" + std::to_string(n++)) +
             dc.layout.unit * 0.25f;
    }
    void heading(const std::string& text) {
        y += dc.layout.unit * 0.3f;
        line(text, dc.fonts.title, dc.theme.text);
    }
};

// The answers table: district, today, week, total; as many rows as fit above `bottom`.
void answers_table(Column& c, const staff::Overview& o, float bottom) {
    DrawContext& dc = c.dc;
    const Layout& l = dc.layout;
    float num_w = std::min(l.unit * 4.5f, c.width * 0.18f), name_w = c.width - 3 * num_w;
    float row_h = dc.fonts.body->FontSize * 1.35f;
    auto row = [&](const std::string& name, const std::string& a, const std::string& b, const std::string& d,
                   ImU32 colour, const std::string& id) {
        text_block(dc, name, dc.fonts.body, ImVec2(c.x, c.y), name_w, Align::Left, colour, id + "-name");
        text_block(dc, a, dc.fonts.body, ImVec2(c.x + name_w, c.y), num_w, Align::Right, colour, id + "-today");
        text_block(dc, b, dc.fonts.body, ImVec2(c.x + name_w + num_w, c.y), num_w, Align::Right, colour, id + "-week");
        text_block(dc, d, dc.fonts.body, ImVec2(c.x + name_w + 2 * num_w, c.y), num_w, Align::Right, colour,
                   id + "-total");
        c.y += row_h;
    };
    row(staff_text(dc, "staff.district"), staff_text(dc, "staff.today"), staff_text(dc, "staff.week"),
        staff_text(dc, "staff.total"), dc.theme.muted_text, "staff-answers-head");
    if (o.districts.empty()) {
        c.line(staff_text(dc, "staff.no_answers"), dc.fonts.body, dc.theme.muted_text);
        return;
    }
    std::size_t room = static_cast<std::size_t>(std::max(1.0f, (bottom - c.y) / row_h - 1));
    std::size_t shown = std::min(o.districts.size(), o.districts.size() > room ? room - 1 : room);
    for (std::size_t i = 0; i < shown; ++i) {
        const staff::DistrictLine& d = o.districts[i];
        std::string name = !d.code                       ? staff_text(dc, "staff.declined")
                           : *d.code == kDistrictOutside ? staff_text(dc, "staff.outside")
                           : d.name.empty()              ? *d.code
                                                         : d.name;
        row(name, std::to_string(d.today), std::to_string(d.week), std::to_string(d.total), dc.theme.text,
            "staff-answers-" + std::to_string(i));
    }
    if (shown < o.districts.size())
        c.line(fill(staff_text(dc, "staff.more_districts"), "count", std::to_string(o.districts.size() - shown)),
               dc.fonts.small, dc.theme.muted_text);
    row(staff_text(dc, "staff.all_districts"), std::to_string(o.today), std::to_string(o.week), std::to_string(o.total),
        dc.theme.text, "staff-answers-all");
}

void visits(Column& c, const staff::Overview& o) {
    DrawContext& dc = c.dc;
    std::string v = staff_text(dc, "staff.visits");
    v = fill(fill(fill(v, "started", std::to_string(o.started)), "completed", std::to_string(o.completed)), "abandoned",
             std::to_string(o.abandoned));
    c.line(v, dc.fonts.body, dc.theme.text);
    if (o.test_answers > 0)
        c.line(fill(staff_text(dc, "staff.test_answers"), "count", std::to_string(o.test_answers)), dc.fonts.small,
               dc.theme.muted_text);
    if (!o.abandoned_at.empty()) {
        std::string steps;
        for (const auto& [step, n] : o.abandoned_at)
            steps += (steps.empty() ? "" : ", ") + step + " " + std::to_string(n);
        c.line(fill(staff_text(dc, "staff.abandoned_at"), "steps", steps), dc.fonts.small, dc.theme.muted_text);
    }
}

void sync_state(Column& c, const staff::Overview& o) {
    DrawContext& dc = c.dc;
    const staff::SyncLine& s = o.sync;
    c.heading(staff_text(dc, "staff.sync"));
    if (!s.configured) c.line(staff_text(dc, "staff.sync.off"), dc.fonts.body, dc.theme.muted_text);
    std::string waiting = fill(staff_text(dc, "staff.sync.waiting"), "count", std::to_string(s.waiting));
    if (s.oldest_waiting_s && s.waiting > 0)
        waiting += " " + fill(staff_text(dc, "staff.sync.oldest"), "minutes", minutes_ago(*s.oldest_waiting_s));
    c.line(waiting, dc.fonts.body, dc.theme.text);
    c.line(fill(staff_text(dc, "staff.sync.last_success"), "time",
                s.last_success_at.empty() ? staff_text(dc, "staff.sync.never") : s.last_success_at),
           dc.fonts.body, dc.theme.text);
    if (!s.last_error.empty())
        c.line(fill(fill(staff_text(dc, "staff.sync.last_error"), "time", s.last_error_at), "error", s.last_error),
               dc.fonts.small, dc.theme.tone(-2));
    if (s.rejected > 0) {
        std::string reasons;
        for (const auto& r : s.rejected_reasons) reasons += (reasons.empty() ? "" : "; ") + r;
        c.line(
            fill(fill(staff_text(dc, "staff.sync.rejected"), "count", std::to_string(s.rejected)), "reasons", reasons),
            dc.fonts.small, dc.theme.tone(-2));
    }
}

void machine(Column& c, const staff::Overview& o) {
    DrawContext& dc = c.dc;
    if (o.disk_free_bytes && o.disk_total_bytes)
        c.line(fill(fill(staff_text(dc, "staff.disk"), "free", gigabytes(*o.disk_free_bytes)), "total",
                    gigabytes(*o.disk_total_bytes)),
               dc.fonts.body, dc.theme.text);
    c.line(fill(fill(staff_text(dc, "staff.versions"), "program", o.program_version), "survey", o.survey),
           dc.fonts.body, dc.theme.text);
}

}  // namespace

void draw_staff_screen(DrawContext& dc) {
    const Layout& l = dc.layout;
    const Theme& t = dc.theme;
    const staff::StaffMode& staff = *dc.staff;
    const staff::Overview& o = staff.overview();
    float top = l.margin * 0.6f;

    float width = l.width - 2 * l.margin;
    text_block(dc, staff_text(dc, "staff.title"), dc.fonts.title, ImVec2(l.margin, top), width * 0.6f, Align::Left,
               t.text, "staff-title");
    if (auto left = staff.closes_in(dc.now.mono))
        text_block(dc, fill(staff_text(dc, "staff.closes_in"), "seconds", std::to_string(left->count())),
                   dc.fonts.small, ImVec2(l.margin + width * 0.6f, top), width * 0.4f, Align::Right, t.muted_text,
                   "staff-closes-in");

    // The actions along the bottom, two rows in portrait.
    struct Action {
        const char* id;
        const char* text;
        staff::StaffEvent event;
        ButtonStyle style;
    };
    const Action actions[] = {
        {"staff-export", "staff.export", staff::event::Export{}, ButtonStyle::Primary},
        {"staff-test", "staff.test", staff::event::StartTest{}, ButtonStyle::Surface},
        {"staff-sync", "staff.sync_now", staff::event::SyncNow{}, ButtonStyle::Surface},
        {"staff-leave", "staff.leave", staff::event::Leave{}, ButtonStyle::Surface},
    };
    int per_row = l.portrait ? 2 : 4;
    float gap = l.unit * 0.6f, button_h = l.unit * 2.6f;
    float button_w = (width - gap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
    int rows = 4 / per_row;
    float buttons_y = l.height - l.margin - button_h * static_cast<float>(rows) - gap * static_cast<float>(rows - 1);
    for (int i = 0; i < 4; ++i) {
        ImVec2 pos(l.margin + static_cast<float>(i % per_row) * (button_w + gap),
                   buttons_y + static_cast<float>(i / per_row) * (button_h + gap));
        ButtonSpec b{actions[i].id, staff_text(dc, actions[i].text), pos, ImVec2(button_w, button_h), actions[i].style};
        if (tap_button(dc, b)) dc.staff_events.push_back(actions[i].event);
    }

    // The export's result (or sync's) just above the buttons, where staff look after tapping.
    float bottom = buttons_y - l.unit * 0.6f;
    if (const auto& n = staff.notice()) {
        std::string text = staff_text(dc, n->id);
        for (const auto& [k, v] : n->params) text = fill(text, k, v);
        float h = text_height(dc, dc.fonts.body, text, width);
        bottom -= h;
        text_block(dc, text, dc.fonts.body, ImVec2(l.margin, bottom), width, Align::Left,
                   n->problem ? t.tone(-2) : t.text, "staff-notice");
        bottom -= l.unit * 0.4f;
    }

    float y0 = top + l.unit * 2.2f;
    float col_gap = l.unit * 1.5f;
    bool two = !l.portrait;
    float col_w = two ? (width - col_gap) / 2 : width;
    Column left{dc, l.margin, col_w, y0};
    Column right{dc, two ? l.margin + col_w + col_gap : l.margin, col_w, y0, 100};
    auto kiosk_state = [&] {
        sync_state(right, o);
        right.y += l.unit * 0.6f;
        machine(right, o);
        if (auto left_now = staff.test_mode_left(dc.now.mono))
            right.line(fill(staff_text(dc, "staff.test.on"), "minutes", std::to_string((left_now->count() + 59) / 60)),
                       dc.fonts.body, t.tone(-2));
    };
    // Portrait: the kiosk's state first (it is short), the answers table takes what is left.
    if (!two) {
        kiosk_state();
        left.y = right.y + l.unit * 0.3f;
    }
    left.heading(staff_text(dc, "staff.answers"));
    visits(left, o);
    if (two) kiosk_state();
    left.y += l.unit * 0.3f;
    answers_table(left, o, bottom);
}

}  // namespace lkp
