// WCAG 2.2 contrast, computed from the themes' own colours: text 4.5:1 and UI components 3:1 in
// the normal theme, text 7:1 in the high-contrast theme.
#include "ui/theme.h"

#include <gtest/gtest.h>

namespace lkp {
namespace {

constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b) { return IM_COL32(r, g, b, 255); }

TEST(Contrast, RatioMatchesWcagReferenceValues) {
    EXPECT_NEAR(contrast_ratio(rgb(0, 0, 0), rgb(255, 255, 255)), 21.0, 0.01);
    EXPECT_NEAR(contrast_ratio(rgb(0x76, 0x76, 0x76), rgb(255, 255, 255)), 4.54, 0.01);
    EXPECT_NEAR(contrast_ratio(rgb(0x77, 0x77, 0x77), rgb(0x77, 0x77, 0x77)), 1.0, 1e-9);
}

void expect_theme(const Theme& t, double text_min, const char* name) {
    SCOPED_TRACE(name);
    // Text on everything it is drawn on.
    for (ImU32 bg : {t.background, t.surface, t.surface_pressed, t.scrim}) {
        EXPECT_GE(contrast_ratio(t.text, bg), text_min);
    }
    EXPECT_GE(contrast_ratio(t.muted_text, t.background), text_min);
    EXPECT_GE(contrast_ratio(t.muted_text, t.surface), text_min);
    EXPECT_GE(contrast_ratio(t.on_primary, t.primary), text_min);
    EXPECT_GE(contrast_ratio(t.on_primary, t.primary_pressed), text_min);
    // Components: button outlines, the selection ring, the primary button, the scale colours
    // (faces are drawn in them; their white features need 3:1 too).
    EXPECT_GE(contrast_ratio(t.border, t.surface), 3.0);
    EXPECT_GE(contrast_ratio(t.border, t.background), 3.0);
    EXPECT_GE(contrast_ratio(t.selected, t.background), 3.0);
    EXPECT_GE(contrast_ratio(t.primary, t.background), 3.0);
    for (int tone = -2; tone <= 2; ++tone) {
        EXPECT_GE(contrast_ratio(t.tone(tone), t.surface), 3.0) << "tone " << tone;
        EXPECT_GE(contrast_ratio(t.tone(tone), rgb(255, 255, 255)), 3.0) << "face features on tone " << tone;
    }
}

TEST(Contrast, NormalThemeMeetsAA) { expect_theme(default_theme(), 4.5, "normal"); }
TEST(Contrast, HighContrastThemeMeetsSevenToOne) { expect_theme(high_contrast_theme(), 7.0, "high contrast"); }

TEST(Contrast, TheCheckCanFail) {
    Theme weak = default_theme();
    weak.muted_text = rgb(0x99, 0x99, 0x99);  // a typical "light grey" caption
    EXPECT_LT(contrast_ratio(weak.muted_text, weak.background), 4.5);
}

}  // namespace
}  // namespace lkp
