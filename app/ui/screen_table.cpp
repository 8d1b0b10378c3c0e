#include "screen_table.h"

#include <algorithm>

namespace lkp {

namespace {

template <Screen step>
bool on_step(const Session& session, const ScreenState&) {
    return session.screen() == step;
}

// The language button of the survey steps opens the picker over them.
void language_button_opens_picker(DrawContext& dc, ScreenState& state) {
    if (language_button(dc)) state.picker_open = true;
}

}  // namespace

const std::vector<ScreenSpec>& resident_screens() {
    static const std::vector<ScreenSpec> screens = {
        // Staff mode first: it opens only from the attract screen and covers it until it closes.
        // Its texts are staff_message_ids(), in the default language only.
        {.name = "staff.pin",
         .shows = [](const Session&,
                     const ScreenState& state) { return state.staff && state.staff->view() == staff::View::Pin; },
         .draw = [](DrawContext& dc, ScreenState&) { draw_staff_pin_screen(dc); }},
        {.name = "staff",
         .shows = [](const Session&,
                     const ScreenState& state) { return state.staff && state.staff->view() == staff::View::Overview; },
         .draw = [](DrawContext& dc, ScreenState&) { draw_staff_screen(dc); }},
        // Overlays next: while one shows, it covers the session's step.
        {.name = "still_there",
         .shows = [](const Session& s, const ScreenState&) { return s.asking_still_there(); },
         .draw = [](DrawContext& dc, ScreenState&) { draw_still_there_dialog(dc); },
         .message_ids = {"ui.idle.title", "ui.idle.body", "ui.idle.continue"}},
        {.name = "language_picker",
         .shows = [](const Session&, const ScreenState& state) { return state.picker_open; },
         .draw =
             [](DrawContext& dc, ScreenState& state) {
                 if (draw_language_picker(dc)) state.picker_open = false;
             },
         .message_ids = {"ui.back", "ui.language.title"}},
        // Instead of the invitation (and its results slide) while an answer waits to be stored.
        {.name = "closed",
         .idle = true,
         .shows = [](const Session& s,
                     const ScreenState& state) { return state.closed && s.screen() == Screen::Attract; },
         .draw = [](DrawContext& dc, ScreenState&) { draw_closed_screen(dc); },
         .message_ids = {"ui.closed.title", "ui.closed.body"}},
        // The session's steps, in the resident's order. The attract screen's results slide
        // comes round between its greetings (Session::showing_results).
        {.name = "attract.results",
         .idle = true,
         .shows = [](const Session& s,
                     const ScreenState&) { return s.screen() == Screen::Attract && s.showing_results(); },
         .draw = [](DrawContext& dc, ScreenState&) { draw_results_slide(dc); },
         .message_ids = {"ui.results.title", "ui.results.period", "ui.results.city", "ui.results.answers",
                         "ui.results.too_few", "ui.results.percent", "ui.results.of_max", "ui.results.decimal_mark",
                         "ui.results.note", "ui.attract.start"}},
        {.name = "attract",
         .idle = true,
         .shows = on_step<Screen::Attract>,
         .draw = [](DrawContext& dc, ScreenState&) { draw_attract_screen(dc); },
         .message_ids = {"ui.attract.title", "ui.attract.body", "ui.attract.start"}},
        {.name = "language",
         .shows = on_step<Screen::Language>,
         .draw = [](DrawContext& dc, ScreenState&) { draw_language_screen(dc); },
         .message_ids = {"ui.language.title", "ui.a11y.large_text", "ui.a11y.high_contrast", "ui.a11y.audio_mode",
                         "ui.a11y.audio_hint"}},
        {.name = "district",
         .shows = on_step<Screen::District>,
         .draw =
             [](DrawContext& dc, ScreenState& state) {
                 state.district.draw(dc);
                 language_button_opens_picker(dc, state);
             },
         .message_ids = {"ui.district.title", "ui.district.all", "ui.district.outside", "ui.decline"}},
        {.name = "question",
         .per_question = true,
         .shows = on_step<Screen::Question>,
         .draw =
             [](DrawContext& dc, ScreenState& state) {
                 draw_question_screen(dc);
                 language_button_opens_picker(dc, state);
             },
         .message_ids = {"ui.question.progress", "ui.background.note", "ui.speak", "ui.decline"}},
        {.name = "thanks",
         .shows = on_step<Screen::Thanks>,
         .draw = [](DrawContext& dc, ScreenState&) { draw_thanks_screen(dc); },
         .message_ids = {"ui.thanks.title", "ui.thanks.body", "ui.save_failed", "ui.thanks.done"}},
    };
    return screens;
}

std::string ScreenSpec::name_for(const Session& session) const {
    return per_question ? std::string(name) + "." + session.current_question().id : name;
}

const ScreenSpec& screen_for(const Session& session, const ScreenState& state) {
    const auto& screens = resident_screens();
    auto it =
        std::find_if(screens.begin(), screens.end(), [&](const ScreenSpec& s) { return s.shows(session, state); });
    if (it != screens.end()) return *it;
    // Every step of the session has its entry (screen_table_test walks them all); were one
    // missing, the attract screen would show rather than nothing.
    return *std::find_if(screens.begin(), screens.end(),
                         [](const ScreenSpec& s) { return s.shows == on_step<Screen::Attract>; });
}

std::vector<std::string> ui_message_ids() {
    std::vector<std::string> ids = widget_message_ids();
    for (const ScreenSpec& screen : resident_screens())
        for (const std::string& id : screen.message_ids)
            if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    return ids;
}

}  // namespace lkp
