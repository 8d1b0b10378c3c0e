// Marks sit where the font puts them: lines drawn by the kiosk's text path (text_block) are
// compared, glyph by glyph, with HarfBuzz's own shaping of the same text in the same font file at
// the same size. The expected boxes are computed here, from the font files, not by the kiosk.
#include <gtest/gtest.h>
#include <hb.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "platform/fonts.h"
#include "support/headless_ui.h"
#include "support/test_support.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace lkp {
namespace {

struct Box {
    float x0, y0, x1, y1;
};

std::string str(const Box& b) {
    std::ostringstream o;
    o << "[" << b.x0 << "," << b.y0 << " - " << b.x1 << "," << b.y1 << "]";
    return o.str();
}

// One run as the kiosk must draw it: a font file, its size relative to the body size (the
// kiosk's script scale), a part of the text and its direction.
struct TextRun {
    std::string file;
    float scale;
    size_t start, len;  // bytes of the line
    bool rtl;
};

// Ink boxes of the glyphs HarfBuzz gives for the runs, in visual order from x = 0 and a
// baseline at y = 0 (y down). Size as Dear ImGui and stb_truetype mean it: ascent minus
// descent of the hhea table is the pixel size.
std::vector<Box> expected_boxes(const std::string& text, const std::vector<TextRun>& runs, float size) {
    std::vector<Box> boxes;
    float pen = 0;
    for (const TextRun& r : runs) {
        hb_blob_t* blob = hb_blob_create_from_file((std::string(kNotoDir) + "/" + r.file).c_str());
        hb_face_t* face = hb_face_create(blob, 0);
        hb_blob_t* hhea = hb_face_reference_table(face, HB_TAG('h', 'h', 'e', 'a'));
        unsigned len = 0;
        const auto* d = reinterpret_cast<const unsigned char*>(hb_blob_get_data(hhea, &len));
        EXPECT_GE(len, 8u);
        int asc = static_cast<int16_t>(d[4] << 8 | d[5]), desc = static_cast<int16_t>(d[6] << 8 | d[7]);
        hb_blob_destroy(hhea);
        float em = size * r.scale * static_cast<float>(hb_face_get_upem(face)) / static_cast<float>(asc - desc);
        hb_font_t* font = hb_font_create(face);
        int scale = static_cast<int>(std::lround(em * 64));
        hb_font_set_scale(font, scale, scale);
        hb_buffer_t* buf = hb_buffer_create();
        hb_buffer_add_utf8(buf, text.c_str(), static_cast<int>(text.size()), static_cast<unsigned>(r.start),
                           static_cast<int>(r.len));
        hb_buffer_set_direction(buf, r.rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
        hb_buffer_guess_segment_properties(buf);
        hb_shape(font, buf, nullptr, 0);
        unsigned n = 0;
        hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf, &n);
        hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buf, &n);
        for (unsigned i = 0; i < n; ++i) {
            hb_glyph_extents_t e{};
            hb_font_get_glyph_extents(font, info[i].codepoint, &e);
            if (e.width != 0 && e.height != 0) {
                float x = pen + static_cast<float>(pos[i].x_offset + e.x_bearing) / 64.0f;
                float y = -static_cast<float>(pos[i].y_offset + e.y_bearing) / 64.0f;
                boxes.push_back(
                    {x, y, x + static_cast<float>(e.width) / 64.0f, y - static_cast<float>(e.height) / 64.0f});
            }
            pen += static_cast<float>(pos[i].x_advance) / 64.0f;
        }
        hb_buffer_destroy(buf);
        hb_font_destroy(font);
        hb_face_destroy(face);
        hb_blob_destroy(blob);
    }
    return boxes;
}

class Shaping : public ::testing::Test {
  protected:
    Shaping() : kiosk_(data_, 1920, 1080), session_(data_.survey, data_.districts, data_.session_settings()) {}

    // The quads text_block draws for one line of `text` at (x, y), as boxes.
    std::vector<Box> drawn_boxes(const std::string& text, bool rtl, float x, float y) {
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = ImVec2(1920, 1080);
        io.DeltaTime = 1.0f / 60;
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(io.DisplaySize);
        ImGui::Begin("shaping", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground);
        UiTree tree;
        DrawContext dc{
            session_, data_.translations, default_theme(), kiosk_.fonts().normal, Layout::for_window(1920, 1080),
            tree,     Instant::now()};
        dc.rtl = rtl;
        ImDrawList* dl = ImGui::GetWindowDrawList();
        int first = dl->VtxBuffer.Size;
        text_block(dc, text, kiosk_.fonts().normal.body, ImVec2(x, y), 1800, Align::Left, IM_COL32_WHITE);
        std::vector<Box> boxes;
        for (int v = first; v + 3 < dl->VtxBuffer.Size; v += 4)
            boxes.push_back({dl->VtxBuffer[v].pos.x, dl->VtxBuffer[v].pos.y, dl->VtxBuffer[v + 2].pos.x,
                             dl->VtxBuffer[v + 2].pos.y});
        ImGui::End();
        ImGui::Render();
        return boxes;
    }

    // Each glyph HarfBuzz places has a drawn quad within `tolerance` pixels on every side (a
    // bitmap's edges are whole pixels, HarfBuzz's are not). The line's vertical place is the
    // kiosk's own choice (its baseline), so only x is absolute; y is compared from the tops.
    void expect_same(const std::string& text, bool rtl, const std::vector<TextRun>& runs) {
        float size = kiosk_.fonts().normal.body->FontSize;
        const float x = 100, y = 100, tolerance = 2.0f;
        std::vector<Box> want = expected_boxes(text, runs, size);
        std::vector<Box> got = drawn_boxes(text, rtl, x, y);
        ASSERT_FALSE(want.empty());
        EXPECT_EQ(got.size(), want.size()) << "\"" << text << "\": glyphs drawn vs. shaped by HarfBuzz";
        float want_top = 1e9f, got_top = 1e9f;
        for (const Box& b : want) want_top = std::min(want_top, b.y0);
        for (const Box& b : got) got_top = std::min(got_top, b.y0);
        std::vector<bool> used(got.size());
        for (const Box& w : want) {
            Box e{w.x0 + x, w.y0 - want_top + got_top, w.x1 + x, w.y1 - want_top + got_top};
            bool found = false;
            for (size_t i = 0; i < got.size() && !found; ++i) {
                const Box& g = got[i];
                if (!used[i] && std::abs(g.x0 - e.x0) <= tolerance && std::abs(g.x1 - e.x1) <= tolerance &&
                    std::abs(g.y0 - e.y0) <= tolerance && std::abs(g.y1 - e.y1) <= tolerance)
                    used[i] = found = true;
            }
            std::string drawn;
            for (const Box& g : got) drawn += str(g) + " ";
            EXPECT_TRUE(found) << "\"" << text << "\": HarfBuzz puts a glyph at " << str(e)
                               << ", the kiosk draws none there; drawn: " << drawn;
        }
    }

    KioskData data_ = test::builtin_data();
    test::HeadlessKiosk kiosk_;
    Session session_;
};

// The kamatz under the alef, not beside "80"; the digits stay left to right, on the left.
TEST_F(Shaping, YiddishPointsSitOnTheirLetters) {
    std::string t = "80 אָדער עלטער";
    expect_same(
        t, true,
        {{"NotoSansHebrew-Regular.ttf", 1.0f, 2, t.size() - 2, true}, {"NotoSans-Regular.ttf", 1.0f, 0, 2, false}});
}

// Arabic at the kiosk's scale for Noto Sans Arabic (script_fonts()).
TEST_F(Shaping, ArabicShaddaOnItsLetter) {
    std::string t = "أفضّل";
    expect_same(t, true, {{"NotoSansArabic-Regular.ttf", script_fonts()[0].scale, 0, t.size(), true}});
}

TEST_F(Shaping, PersianHamzaAboveHeh) {
    std::string t = "ثانیهٔ";
    expect_same(t, true, {{"NotoSansArabic-Regular.ttf", script_fonts()[0].scale, 0, t.size(), true}});
}

TEST_F(Shaping, ArabicDammaOnItsLetter) {
    std::string t = "ستُحذف";
    expect_same(t, true, {{"NotoSansArabic-Regular.ttf", script_fonts()[0].scale, 0, t.size(), true}});
}

// Ethiopic (ti.po's ui.attract.start), through the same path.
TEST_F(Shaping, TigrinyaLine) {
    std::string t = "ንምጅማር ኣብዚ ጠውቕ";
    expect_same(t, false, {{"NotoSansEthiopic-Regular.ttf", 1.0f, 0, t.size(), false}});
}

// Every line of every text the kiosk can show, in every font and either direction, is drawn
// from the atlas built at start-up: no glyph is left out.
TEST_F(Shaping, EveryTextsGlyphsAreInTheAtlas) {
    const FontSets& f = kiosk_.fonts();
    int checked = 0;
    for (const std::string& text : data_.all_texts()) {
        std::istringstream lines(text);
        for (std::string line; std::getline(lines, line);)
            for (ImFont* font : {f.normal.body, f.normal.title, f.normal.number, f.normal.small, f.large.body,
                                 f.large.title, f.large.number, f.large.small})
                for (bool rtl : {false, true}) {
                    EXPECT_TRUE(atlas_holds(font, line, rtl)) << "\"" << line << "\"" << (rtl ? " (rtl)" : "");
                    ++checked;
                }
    }
    EXPECT_GT(checked, 1000);
}

}  // namespace
}  // namespace lkp
