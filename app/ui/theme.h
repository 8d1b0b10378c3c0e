#pragma once
// Colours and sizes. Sizes follow the window: one "unit" is the body text height, so the same
// layout works at 1920x1080 landscape, 1080x1920 portrait and a small development window.
#include <imgui.h>

namespace lkp {

struct Theme {
    ImU32 background, surface, surface_pressed, text, muted_text, primary, primary_pressed, on_primary,
        border, selected, scrim;
    // Colour for a point on an answer scale, -2 (negative) .. +2 (positive). Always shown
    // together with a face or a number, never as the only cue.
    ImU32 tone(int t) const;
};

const Theme& default_theme();

struct Layout {
    float width = 0, height = 0;
    float unit = 0;        // body text size in pixels
    float margin = 0, gap = 0;
    bool portrait = false;
    static Layout for_window(float width, float height);
};

// The body text size for a window; fonts are built at this size once at start-up.
float text_unit_for(float width, float height);

}  // namespace lkp
