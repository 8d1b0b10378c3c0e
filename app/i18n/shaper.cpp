#include "shaper.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <fribidi.h>
#include <hb.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>

namespace lkp {

std::u32string utf8_to_u32(const std::string& s) {
    std::vector<FriBidiChar> u(s.size() + 1);
    FriBidiStrIndex n =
        fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, s.c_str(), static_cast<FriBidiStrIndex>(s.size()), u.data());
    return std::u32string(u.begin(), u.begin() + n);
}

bool is_mark(char32_t c) {
    hb_unicode_general_category_t g = hb_unicode_general_category(hb_unicode_funcs_get_default(), c);
    return g == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK || g == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
           g == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK;
}

namespace {

int16_t be16(const char* p) {
    return static_cast<int16_t>((static_cast<unsigned char>(p[0]) << 8) | static_cast<unsigned char>(p[1]));
}

struct File {
    hb_blob_t* blob = nullptr;
    hb_face_t* face = nullptr;
    hb_font_t* nominal = nullptr;  // at units per em: for the character map only
    float height_units = 0;        // hhea ascender - descender, what stb_truetype scales to the pixel size
    float ascender_units = 0;
};

struct SizedFace {
    int file = 0;
    hb_font_t* hb = nullptr;
    float em = 0;        // pixels per em
    float y_offset = 0;  // pixels, down
    mutable FT_Face ft = nullptr;
};

struct Font {
    int chain = 0;
    float ascent = 0;
    std::vector<SizedFace> faces;  // one per file of the chain
};

bool weak(hb_script_t s) { return s == HB_SCRIPT_COMMON || s == HB_SCRIPT_INHERITED || s == HB_SCRIPT_UNKNOWN; }

}  // namespace

struct Shaper::Impl {
    FT_Library ft = nullptr;
    std::map<std::string, int> file_index;
    std::vector<File> files;
    std::vector<std::vector<ChainFile>> chains;
    std::vector<std::vector<int>> chain_files;
    std::vector<Font> fonts;
    std::mutex ft_mutex;  // FreeType opens and closes faces of one library one at a time

    ~Impl() {
        for (Font& f : fonts)
            for (SizedFace& s : f.faces) {
                hb_font_destroy(s.hb);
                if (s.ft) FT_Done_Face(s.ft);
            }
        for (File& f : files) {
            hb_font_destroy(f.nominal);
            hb_face_destroy(f.face);
            hb_blob_destroy(f.blob);
        }
        if (ft) FT_Done_FreeType(ft);
    }

    int open(const std::string& path) {
        auto it = file_index.find(path);
        if (it != file_index.end()) return it->second;
        File f;
        f.blob = hb_blob_create_from_file_or_fail(path.c_str());
        if (!f.blob) throw std::runtime_error("cannot read the font " + path);
        f.face = hb_face_create(f.blob, 0);
        if (hb_face_get_glyph_count(f.face) == 0) {
            hb_face_destroy(f.face);
            hb_blob_destroy(f.blob);
            throw std::runtime_error("not a font: " + path);
        }
        f.nominal = hb_font_create(f.face);
        hb_blob_t* hhea = hb_face_reference_table(f.face, HB_TAG('h', 'h', 'e', 'a'));
        unsigned len = 0;
        const char* d = hb_blob_get_data(hhea, &len);
        if (len >= 8) {
            f.ascender_units = be16(d + 4);
            f.height_units = static_cast<float>(be16(d + 4) - be16(d + 6));
        }
        hb_blob_destroy(hhea);
        if (f.height_units <= 0) f.height_units = static_cast<float>(hb_face_get_upem(f.face));
        files.push_back(f);
        return file_index[path] = static_cast<int>(files.size() - 1);
    }
};

Shaper::Shaper() : impl_(std::make_unique<Impl>()) {
    if (FT_Init_FreeType(&impl_->ft)) throw std::runtime_error("FreeType could not start");
}

Shaper::~Shaper() = default;

int Shaper::add_chain(const std::vector<ChainFile>& files) {
    std::vector<int> idx;
    for (const ChainFile& f : files) idx.push_back(impl_->open(f.path));
    impl_->chains.push_back(files);
    impl_->chain_files.push_back(idx);
    return static_cast<int>(impl_->chains.size() - 1);
}

int Shaper::add_font(int chain, float size) {
    Font font;
    font.chain = chain;
    const auto& cf = impl_->chains.at(static_cast<size_t>(chain));
    for (size_t i = 0; i < cf.size(); ++i) {
        const File& file = impl_->files[static_cast<size_t>(impl_->chain_files[static_cast<size_t>(chain)][i])];
        SizedFace s;
        s.file = impl_->chain_files[static_cast<size_t>(chain)][i];
        float px = size * cf[i].scale;
        s.em = px * static_cast<float>(hb_face_get_upem(file.face)) / file.height_units;
        // As the ImGui atlas merged them: a larger script sits on the Latin baseline's visual centre.
        s.y_offset = i == 0 ? 0.0f : -size * (cf[i].scale - 1.0f) * 0.2f;
        s.hb = hb_font_create(file.face);
        int scale = static_cast<int>(std::lround(s.em * 64));
        hb_font_set_scale(s.hb, scale, scale);
        if (i == 0) font.ascent = std::round(file.ascender_units * size / file.height_units);
        font.faces.push_back(s);
    }
    impl_->fonts.push_back(std::move(font));
    return static_cast<int>(impl_->fonts.size() - 1);
}

int Shaper::chain_of(int font) const { return impl_->fonts.at(static_cast<size_t>(font)).chain; }

float Shaper::ascent(int font) const { return impl_->fonts.at(static_cast<size_t>(font)).ascent; }

bool Shaper::covers(int chain, char32_t c) const {
    for (int f : impl_->chain_files.at(static_cast<size_t>(chain))) {
        hb_codepoint_t g = 0;
        if (hb_font_get_nominal_glyph(impl_->files[static_cast<size_t>(f)].nominal, c, &g)) return true;
    }
    return false;
}

uint32_t Shaper::glyph_for(int chain, int file, char32_t c) const {
    int f = impl_->chain_files.at(static_cast<size_t>(chain)).at(static_cast<size_t>(file));
    hb_codepoint_t g = 0;
    return hb_font_get_nominal_glyph(impl_->files[static_cast<size_t>(f)].nominal, c, &g) ? g : 0;
}

ShapedLine Shaper::shape(int font_id, const std::string& text, bool rtl) const {
    ShapedLine line;
    const Font& font = impl_->fonts.at(static_cast<size_t>(font_id));
    std::u32string u = utf8_to_u32(text);
    const int n = static_cast<int>(u.size());
    if (n == 0) return line;
    std::vector<FriBidiChar> fu(u.begin(), u.end());

    // Directions: the Unicode bidi algorithm's levels for the line.
    std::vector<FriBidiCharType> types(static_cast<size_t>(n));
    std::vector<FriBidiBracketType> brackets(static_cast<size_t>(n));
    std::vector<FriBidiLevel> levels(static_cast<size_t>(n));
    fribidi_get_bidi_types(fu.data(), n, types.data());
    fribidi_get_bracket_types(fu.data(), n, types.data(), brackets.data());
    FriBidiParType base = rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    FriBidiLevel para = rtl ? 1 : 0;
    if (!fribidi_get_par_embedding_levels_ex(types.data(), brackets.data(), n, &base, levels.data()))
        std::fill(levels.begin(), levels.end(), para);
    for (int i = n - 1; i >= 0 && FRIBIDI_IS_SPACE(types[static_cast<size_t>(i)]); --i)
        levels[static_cast<size_t>(i)] = para;  // rule L1: trailing spaces take the paragraph's level

    // Faces: a letter takes the first file that has it; spaces, digits, punctuation and marks
    // stay with their neighbour's file when it has them, so a run is not split needlessly and
    // a mark is always shaped with its base.
    const auto& chain = impl_->chain_files[static_cast<size_t>(font.chain)];
    auto has = [&](size_t file, char32_t c) {
        hb_codepoint_t g = 0;
        return hb_font_get_nominal_glyph(impl_->files[static_cast<size_t>(chain[file])].nominal, c, &g) != 0;
    };
    auto first = [&](char32_t c) {
        for (size_t f = 0; f < chain.size(); ++f)
            if (has(f, c)) return static_cast<int>(f);
        return -1;
    };
    hb_unicode_funcs_t* uf = hb_unicode_funcs_get_default();
    std::vector<int> face(static_cast<size_t>(n), -1);
    for (size_t i = 0; i < face.size(); ++i)
        if (!weak(hb_unicode_script(uf, u[i]))) face[i] = first(u[i]);
    for (size_t i = 1; i < face.size(); ++i)
        if (face[i] < 0 && face[i - 1] >= 0 && levels[i] == levels[i - 1] &&
            (has(static_cast<size_t>(face[i - 1]), u[i]) || u[i] == 0x200C || u[i] == 0x200D))
            face[i] = face[i - 1];
    for (size_t i = face.size() - 1; i-- > 0;)
        if (face[i] < 0 && face[i + 1] >= 0 && levels[i] == levels[i + 1] &&
            has(static_cast<size_t>(face[i + 1]), u[i]))
            face[i] = face[i + 1];
    for (size_t i = 0; i < face.size(); ++i) {
        if (face[i] < 0) face[i] = first(u[i]);
        if (face[i] < 0) {
            if (u[i] != '\n' && u[i] != 0x200B) line.notdef = true;
            face[i] = 0;
        }
    }

    // Runs of one level and one file, in logical order, then reordered (rule L2) into visual order.
    struct Run {
        int start, len, level, file;
    };
    std::vector<Run> runs;
    for (int i = 0; i < n; ++i) {
        size_t k = static_cast<size_t>(i);
        if (!runs.empty() && runs.back().level == levels[k] && runs.back().file == face[k])
            ++runs.back().len;
        else
            runs.push_back({i, 1, levels[k], face[k]});
    }
    int max_level = 0, min_level = 255;
    for (const Run& r : runs) {
        max_level = std::max(max_level, r.level);
        min_level = std::min(min_level, r.level);
    }
    for (int lv = max_level; lv >= (min_level | 1); --lv)
        for (size_t i = 0; i < runs.size();) {
            if (runs[i].level < lv) {
                ++i;
                continue;
            }
            size_t j = i;
            while (j < runs.size() && runs[j].level >= lv) ++j;
            std::reverse(runs.begin() + static_cast<long>(i), runs.begin() + static_cast<long>(j));
            i = j;
        }

    // A buffer per call: load_fonts shapes on several threads at once.
    std::unique_ptr<hb_buffer_t, void (*)(hb_buffer_t*)> owned(hb_buffer_create(), hb_buffer_destroy);
    hb_buffer_t* buf = owned.get();
    float pen = 0;
    for (const Run& r : runs) {
        const SizedFace& sf = font.faces[static_cast<size_t>(r.file)];
        hb_buffer_clear_contents(buf);
        // The whole line as context, so letters join across a run's edge.
        hb_buffer_add_utf32(buf, fu.data(), n, static_cast<unsigned>(r.start), r.len);
        hb_buffer_set_direction(buf, r.level % 2 ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
        // No language: shaping must not follow the process locale, and the glyphs collected for
        // the atlas must be the ones drawn. The kiosk's fonts have no language-specific forms
        // (locl) for its languages; Serbian Cyrillic or Urdu would need the language passed here.
        hb_buffer_set_language(buf, hb_language_from_string("und", -1));
        hb_buffer_guess_segment_properties(buf);
        hb_shape(sf.hb, buf, nullptr, 0);
        unsigned count = 0;
        const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf, &count);
        const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buf, &count);
        for (unsigned g = 0; g < count; ++g) {
            if (info[g].codepoint == 0 && fu[info[g].cluster] != '\n') line.notdef = true;
            line.glyphs.push_back({r.file, info[g].codepoint, pen + static_cast<float>(pos[g].x_offset) / 64.0f,
                                   sf.y_offset - static_cast<float>(pos[g].y_offset) / 64.0f});
            pen += static_cast<float>(pos[g].x_advance) / 64.0f;
        }
    }
    line.width = pen;
    return line;
}

void Shaper::end_rendering() {
    for (Font& f : impl_->fonts)
        for (SizedFace& s : f.faces)
            if (s.ft) {
                FT_Done_Face(s.ft);
                s.ft = nullptr;
            }
}

GlyphBitmap Shaper::render(int font_id, int file, uint32_t gid) const {
    GlyphBitmap out;
    const SizedFace& sf = impl_->fonts.at(static_cast<size_t>(font_id)).faces.at(static_cast<size_t>(file));
    if (!sf.ft) {
        std::lock_guard<std::mutex> lock(impl_->ft_mutex);
        const File& f = impl_->files[static_cast<size_t>(sf.file)];
        unsigned len = 0;
        const char* data = hb_blob_get_data(f.blob, &len);
        if (FT_New_Memory_Face(impl_->ft, reinterpret_cast<const FT_Byte*>(data), static_cast<FT_Long>(len), 0, &sf.ft))
            throw std::runtime_error("FreeType cannot open a font HarfBuzz read");
        // FreeType rounds a TrueType size to whole pixels per em; the transform makes up the
        // rest, so outlines match HarfBuzz's positions at the exact size.
        int ppem = static_cast<int>(std::ceil(sf.em));
        FT_Set_Char_Size(sf.ft, 0, ppem * 64, 72, 72);
        FT_Fixed k = static_cast<FT_Fixed>(std::lround(sf.em / static_cast<float>(ppem) * 65536.0f));
        FT_Matrix m{k, 0, 0, k};
        FT_Set_Transform(sf.ft, &m, nullptr);
    }
    if (FT_Load_Glyph(sf.ft, gid, FT_LOAD_NO_HINTING | FT_LOAD_RENDER)) return out;
    const FT_GlyphSlot g = sf.ft->glyph;
    out.width = static_cast<int>(g->bitmap.width);
    out.rows = static_cast<int>(g->bitmap.rows);
    out.left = g->bitmap_left;
    out.top = g->bitmap_top;
    out.alpha.resize(static_cast<size_t>(out.width * out.rows));
    for (int y = 0; y < out.rows; ++y)
        std::copy_n(g->bitmap.buffer + y * g->bitmap.pitch, out.width,
                    out.alpha.begin() + static_cast<long>(y) * out.width);
    return out;
}

}  // namespace lkp
