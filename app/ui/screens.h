#pragma once
// One function (or class, where a screen keeps its own view state) per screen the resident sees.
// Each draws from the session's state and emits events into the DrawContext; none changes state.
// screen_table.h lists them with their names and texts.
#include <chrono>
#include <string>

#include "widgets.h"

namespace lkp {

// A press this long anywhere on the attract screen starts in audio mode (no reading needed).
inline constexpr std::chrono::milliseconds kLongPress{2000};

void draw_attract_screen(DrawContext& dc);
// Instead of the attract screen while answers cannot be stored: closed for now, back by itself.
void draw_closed_screen(DrawContext& dc);
// Between greetings, when the session has figures: what residents have answered so far.
void draw_results_slide(DrawContext& dc);
// Shared by the attract screen's slides: a tap anywhere starts the survey, a long press starts it
// in audio mode; and the button that shows where to tap ("attract.start" in the UI tree).
void attract_touch_anywhere(DrawContext& dc);
void draw_start_button(DrawContext& dc, const std::string& label, ImVec2 pos, ImVec2 size);
void draw_language_screen(DrawContext& dc);
// The grid of languages, from height y down to `bottom` (default: the bottom margin); true when
// one was chosen. `touched`, if given, receives the language whose button is pressed now.
bool draw_language_grid(DrawContext& dc, float y, float bottom = -1, std::string* touched = nullptr);
// The language button of every survey step; true when tapped.
bool language_button(DrawContext& dc);
float language_button_width(const DrawContext& dc);  // for laying out what shares its row
// The mid-survey language picker; true when it should close.
bool draw_language_picker(DrawContext& dc);
void draw_question_screen(DrawContext& dc);
void draw_thanks_screen(DrawContext& dc);
void draw_still_there_dialog(DrawContext& dc);

// Staff mode (app/staff/staff_mode.h). Its texts are the kiosk's default language's, whatever
// the last resident chose, or Swedish where that language has none: staff_text(). Its message ids start "staff."
// (staff_message_ids()). The kiosk's default language when it has staff texts, else the source language (Swedish); its
// direction is staff mode's.
const Catalog& staff_catalog(const Translations& translations, const Session& session);
std::string staff_text(const DrawContext& dc, const std::string& id);
void draw_staff_pin_screen(DrawContext& dc);
void draw_staff_screen(DrawContext& dc);
// The unmarked corner of the attract screen (top left in every direction): held for
// staff::kCornerHold it opens the PIN pad. Its rectangle, for the attract screen's own long press.
void staff_corner(DrawContext& dc);
bool press_began_in_staff_corner(const Layout& l);       // a finger is down that began there
bool last_press_began_in_staff_corner(const Layout& l);  // also after it was lifted
// "Testläge" across the top of every screen while staff's test mode is on.
void draw_test_mode_banner(DrawContext& dc);
const std::vector<std::string>& staff_message_ids();

class DistrictScreen {
  public:
    void draw(DrawContext& dc);
    void reset() { letter_.clear(); }  // the next resident starts with the whole list

  private:
    std::string letter_;  // alphabet-strip filter; empty = all districts
};

}  // namespace lkp
