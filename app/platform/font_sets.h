#pragma once
// The fonts the screens draw with, in the normal size and the resident's "larger text" size.
// Built by load_fonts (fonts.h), used by the widgets (ui/widgets.h): a header of its own so the
// font loader need not include the UI it serves.
#include <imgui.h>

namespace lkp {

struct Fonts {
    ImFont* body = nullptr;    // one unit
    ImFont* title = nullptr;   // headings and questions
    ImFont* number = nullptr;  // digits on the 0-10 scales
    ImFont* small = nullptr;   // end labels, notes
};

struct FontSets {
    Fonts normal, large;
};

inline constexpr float kLargeTextScale = 1.25f;  // the resident's "larger text" choice

}  // namespace lkp
