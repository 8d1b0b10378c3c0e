#pragma once
// Right-to-left helpers. The kiosk draws through shaper.h (FriBidi runs, HarfBuzz glyphs);
// visual_line is FriBidi's own joined, visual-order string, which the glyph-coverage test uses.
#include <string>

namespace lkp {

// True if the UTF-8 text has a right-to-left letter (Hebrew, Arabic and their presentation forms).
bool has_rtl(const std::string& utf8);

// One line, logical order in, visual order out. In a right-to-left paragraph a line that starts
// with a Latin word still reads from the right; digits and Latin runs stay left to right.
std::string visual_line(const std::string& logical_utf8, bool rtl_paragraph);

}  // namespace lkp
