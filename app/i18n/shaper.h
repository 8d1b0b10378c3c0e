#pragma once
// Text shaping: FriBidi splits a line into directional runs in visual order, HarfBuzz turns each
// run into glyphs and positions (joining, ligatures, marks attached by the font's GPOS), FreeType
// draws the glyphs. One path for every script. No ImGui: the atlas and drawing are in platform/fonts.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lkp {

// A font file of a chain and its size relative to the chain's first file, so scripts whose
// fonts are drawn small at the same size (Noto Sans Arabic) read as one size with Latin.
struct ChainFile {
    std::string path;
    float scale = 1.0f;
};

struct ShapedGlyph {
    int file = 0;        // index in the font's chain
    uint32_t gid = 0;    // glyph id in that file
    float x = 0, y = 0;  // glyph origin from the line's left edge and its baseline, y down, in pixels
};

struct ShapedLine {
    std::vector<ShapedGlyph> glyphs;  // in visual order, left to right
    float width = 0;                  // sum of advances
    bool notdef = false;              // a character no file of the chain has
};

struct GlyphBitmap {
    int width = 0, rows = 0;
    int left = 0, top = 0;  // from the glyph origin to the bitmap's top-left, y up (FreeType's bearings)
    std::vector<unsigned char> alpha;
};

// shape() may run on several threads at once, and render() too for different fonts; adding
// chains and fonts may not.
class Shaper {
  public:
    Shaper();
    ~Shaper();
    Shaper(const Shaper&) = delete;
    Shaper& operator=(const Shaper&) = delete;

    // A chain of font files, the first being the main one; returns its id. Throws
    // std::runtime_error if a file cannot be read as a font.
    int add_chain(const std::vector<ChainFile>& files);
    // The chain at `size` pixels, in Dear ImGui's sense (ascent to descent of the main file, as
    // stb_truetype's ScaleForPixelHeight), so sizes stay those the screens were laid out with.
    int add_font(int chain, float size);
    int chain_of(int font) const;

    // One line of logical text, in a paragraph of the given direction.
    ShapedLine shape(int font, const std::string& logical_utf8, bool rtl_paragraph) const;
    // Pixels from a line's top to its baseline (rounded, as ImGui does).
    float ascent(int font) const;
    // True if a file of the chain has a glyph for `c`.
    bool covers(int chain, char32_t c) const;
    // The glyph the chain's file `file` maps `c` to, 0 if none.
    uint32_t glyph_for(int chain, int file, char32_t c) const;
    // The glyph `gid` of the chain's file `file`, at the font's size.
    GlyphBitmap render(int font, int file, uint32_t gid) const;
    // Closes what render() opened (the atlas is built once; shaping goes on).
    void end_rendering();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// UTF-8 to code points (invalid bytes are dropped).
std::u32string utf8_to_u32(const std::string& s);
// A combining mark, which a line must not be broken before.
bool is_mark(char32_t c);

}  // namespace lkp
