#pragma once
// Noto fonts from Debian's fonts-noto-core, found at run time, and the kiosk's one text path:
// every line is shaped (FriBidi's runs, HarfBuzz's glyphs and positions, i18n/shaper.h) and its
// glyphs are drawn as quads from ImGui's font atlas. The atlas holds exactly the glyphs the
// kiosk's texts shape to (every translation and every district name), rasterised by FreeType.
#include <string>
#include <vector>

#include "font_sets.h"

namespace lkp {

inline constexpr const char* kNotoDir = "/usr/share/fonts/truetype/noto";

// The scripts' fonts in each chain, after Noto Sans (Latin, Cyrillic, Greek).
struct ScriptFont {
    const char* regular;  // file names in the Noto folder
    const char* bold;
    float scale;  // size relative to Latin, so both look the same size
};
const std::vector<ScriptFont>& script_fonts();

// Shapes `texts` (logical order) with the kiosk's fonts at `unit` pixels and at the larger-text
// size, and builds ImGui's atlas with every glyph they need. The ImFonts returned name a font
// and its size for the functions below; ImGui itself draws no text of the kiosk's.
// Throws std::runtime_error naming the missing file and the Debian package that provides it.
FontSets load_fonts(float unit, const std::vector<std::string>& texts, const std::string& font_dir = kNotoDir,
                    const std::vector<ScriptFont>& scripts = script_fonts());

// Characters of `text` that no file of `font` has a glyph for; empty when all are there.
std::u32string missing_glyphs(ImFont* font, const std::string& text);

// Width in pixels of one line of logical text, shaped (cached per font, direction and text).
float shaped_width(ImFont* font, const std::string& line, bool rtl);
// The same, not cached: for the many trial lines of word wrapping.
float measure_line(ImFont* font, const std::string& line, bool rtl);
// Draws one line of logical text with its top-left corner at `pos`, in the paragraph direction `rtl`.
void draw_line(ImDrawList* dl, ImFont* font, const std::string& line, bool rtl, ImVec2 pos, ImU32 colour);
// True if every glyph the line shapes to is in the atlas (texts unknown at start-up may not be).
bool atlas_holds(ImFont* font, const std::string& line, bool rtl);

}  // namespace lkp
