#pragma once
// Colours and sizes. Sizes follow the window: one "unit" is the body text height, so the same
// layout works at 1920x1080 landscape, 1080x1920 portrait and a small development window.
#include <imgui.h>

namespace lkp {

struct Theme {
    ImU32 background, surface, surface_pressed, text, muted_text, primary, primary_pressed, on_primary, border,
        selected, scrim;
    // Colour for a point on an answer scale, -2 (negative) .. +2 (positive). Always shown
    // together with a face or a number, never as the only cue.
    ImU32 tone(int t) const;
    ImU32 tones[5];  // -2..+2
};

const Theme& default_theme();
// Black on white with darker scale colours: text at least 7:1 (WCAG 2.2 AAA).
const Theme& high_contrast_theme();

// WCAG 2.2 contrast ratio of two opaque colours, 1 to 21.
double contrast_ratio(ImU32 a, ImU32 b);

struct Layout {
    float width = 0, height = 0;
    float unit = 0;  // body text size in pixels
    float margin = 0, gap = 0;
    bool portrait = false;
    static Layout for_window(float width, float height, float text_scale = 1.0f);
};

// The body text size for a window; fonts are built at this size once at start-up.
float text_unit_for(float width, float height);

}  // namespace lkp
