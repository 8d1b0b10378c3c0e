#pragma once
// Noto fonts from Debian's fonts-noto-core, found at run time. The atlas holds exactly the
// characters the kiosk can show (every translation, shaped, and every district name), so
// Arabic, Hebrew and Ethiopic fit beside Latin and Cyrillic without a huge texture.
#include <string>
#include <vector>

#include "font_sets.h"

namespace lkp {

inline constexpr const char* kNotoDir = "/usr/share/fonts/truetype/noto";

// The scripts merged into each font, after Noto Sans (Latin, Cyrillic, Greek).
struct ScriptFont {
    const char* regular;  // file names in the Noto folder
    const char* bold;
    float scale;  // size relative to Latin, so both look the same size
};
const std::vector<ScriptFont>& script_fonts();

// Builds ImGui's atlas with the kiosk's fonts at `unit` pixels and at the larger-text size,
// holding every character of `texts` (logical order; right-to-left ones are shaped here too).
// Throws std::runtime_error naming the missing file and the Debian package that provides it.
FontSets load_fonts(float unit, const std::vector<std::string>& texts, const std::string& font_dir = kNotoDir,
                    const std::vector<ScriptFont>& scripts = script_fonts());

// Characters of `text` (as drawn) that `font` has no glyph for; empty when all are there.
std::u32string missing_glyphs(ImFont* font, const std::string& drawn_text);

}  // namespace lkp
