#pragma once
// Every screen the resident can see, in one table: its name (the UI tree's "screen", which the
// end-to-end tests tap through), when it shows, how it is drawn and which texts it uses.
// KioskUi takes both the name and the drawing from here.
#include <string>
#include <vector>

#include "screens.h"

namespace lkp {

// What the screens keep between frames; the session holds everything else.
struct ScreenState {
    DistrictScreen district;                  // its alphabet-strip filter
    bool picker_open = false;                 // the mid-survey language picker covers the step
    const staff::StaffMode* staff = nullptr;  // staff mode covers everything while it is open
    bool closed = false;                      // answers cannot be stored: no new resident is invited
};

struct ScreenSpec {
    const char* name;
    bool per_question = false;  // one screen per question: the name gains ".<question id>"
    // Shown while nobody uses the kiosk: moved against burn-in, darkened at night (screen_care.h),
    // with staff's corner (which stays put) on top.
    bool idle = false;
    bool (*shows)(const Session& session, const ScreenState& state);
    void (*draw)(DrawContext& dc, ScreenState& state);
    // Every message id its drawing uses, beside the shared widgets' (widget_message_ids()).
    std::vector<std::string> message_ids;

    std::string name_for(const Session& session) const;  // e.g. "question.trygghet"
};

// In order of precedence: the first screen that shows is the one drawn.
const std::vector<ScreenSpec>& resident_screens();
const ScreenSpec& screen_for(const Session& session, const ScreenState& state);

// Every message id the screens and widgets use, from the table (checked at start-up against
// the source language).
std::vector<std::string> ui_message_ids();

}  // namespace lkp
