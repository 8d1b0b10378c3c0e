// Every screen in every language, at 1920x1080 landscape and 1080x1920 portrait, normal and
// larger text: no label overflows its button, nothing leaves the window, every touch target is
// at least 12 mm on a 21.5" screen, and every character of every text has a glyph in the fonts.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "i18n/bidi.h"
#include "platform/fonts.h"
#include "support/headless_ui.h"
#include "support/test_support.h"

namespace lkp {
namespace {

struct Size {
    float w, h;
};
constexpr double kMinTargetMm = 12.0;  // the floor for a touch target

std::string u32_to_hex(const std::u32string& s) {
    std::string out;
    char buf[16];
    for (char32_t c : s) {
        std::snprintf(buf, sizeof buf, "U+%04X ", static_cast<unsigned>(c));
        out += buf;
    }
    return out;
}

class ScreenFit : public ::testing::TestWithParam<Size> {
  protected:
    void check(test::HeadlessKiosk& k, const std::string& lang, const std::string& what) {
        const UiTree& t = k.tree();
        // The configured screen (kiosk.conf screen_diagonal_inches; 21.5" by default).
        double px_per_mm = std::hypot(GetParam().w, GetParam().h) / (default_config().screen_diagonal_inches * 25.4);
        ASSERT_FALSE(t.elements().empty()) << what;
        const auto& all = t.elements();
        for (std::size_t i = 0; i < all.size(); ++i) {
            const UiElement& e = all[i];
            std::string where = lang + " " + t.screen() + " " + what + ": " + e.id + " \"" + e.label + "\"";
            EXPECT_TRUE(e.fits) << where << " overflows its " << e.w << "x" << e.h << " button";
            EXPECT_GE(e.x, 0) << where;
            EXPECT_GE(e.y, 0) << where;
            EXPECT_LE(e.x + e.w, GetParam().w + 0.5f) << where;
            EXPECT_LE(e.y + e.h, GetParam().h + 0.5f) << where;
            if (e.role != "text" && e.role != "bar") {  // a bar is read, not tapped
                EXPECT_GE(std::min(e.w, e.h) / px_per_mm, kMinTargetMm) << where << " is a small touch target";
            }
            // Nothing drawn over anything else: words under a button cannot be read or tapped.
            for (std::size_t j = i + 1; j < all.size(); ++j)
                EXPECT_FALSE(overlap(e, all[j]))
                    << where << " overlaps " << all[j].id << " \"" << all[j].label << "\" at " << all[j].x << ","
                    << all[j].y << " " << all[j].w << "x" << all[j].h << " (itself at " << e.x << "," << e.y << " "
                    << e.w << "x" << e.h << ")";
            ++checked;
        }
    }

    // More than half a pixel of shared area in both directions (rounding aside). A button's own
    // words, drawn inside it as a text block (the attract screen's), are not in its way.
    static bool overlap(const UiElement& a, const UiElement& b) {
        auto inside = [](const UiElement& in, const UiElement& out) {
            return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w && in.y + in.h <= out.y + out.h;
        };
        if (a.label == b.label && (inside(a, b) || inside(b, a))) return false;
        float w = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
        float h = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
        return w > 0.5f && h > 0.5f;
    }

    // Walks one resident through every screen in `lang`, checking each. A fatal failure in a
    // helper only returns from it, so each check() is wrapped to stop the walk where it failed.
    void walk(test::HeadlessKiosk& k, const std::string& lang, bool large) {
        Session& s = k.session();
        std::string mode = large ? "(larger text)" : "";
        k.frame();
        ASSERT_NO_FATAL_FAILURE(check(k, lang, mode));
        ASSERT_TRUE(k.tap("attract.start"));
        if (large) {
            ASSERT_TRUE(k.tap("access.large_text"));
        }
        ASSERT_TRUE(k.tap("language." + lang));
        k.frame();
        ASSERT_EQ(s.screen(), Screen::District);
        ASSERT_NO_FATAL_FAILURE(check(k, lang, mode));
        ASSERT_TRUE(k.tap("nav.language"));
        ASSERT_NO_FATAL_FAILURE(check(k, lang, mode + " picker"));
        ASSERT_TRUE(k.tap("language." + lang));
        ASSERT_TRUE(k.tap("district.letter.S"));
        ASSERT_NO_FATAL_FAILURE(check(k, lang, mode + " S"));
        ASSERT_TRUE(k.tap("district.041"));
        while (s.screen() == Screen::Question) {
            k.frame();
            ASSERT_NO_FATAL_FAILURE(check(k, lang, mode));
            const auto& first = s.current_question().scale.options.front().value;
            ASSERT_TRUE(k.tap("question.option." + (first.is_string() ? first.get<std::string>() : first.dump())));
        }
        k.frame();
        ASSERT_EQ(s.screen(), Screen::Thanks);
        ASSERT_NO_FATAL_FAILURE(check(k, lang, mode));
        ASSERT_TRUE(k.tap("thanks.done"));
        // The idle prompt, on a question.
        k.tap("attract.start");
        k.tap("language." + lang);
        k.tap("district.outside");
        k.wait(std::chrono::seconds(s.settings().idle_timeout));
        k.frame();
        ASSERT_TRUE(s.asking_still_there());
        ASSERT_NO_FATAL_FAILURE(check(k, lang, mode));
        k.wait(std::chrono::seconds(s.settings().countdown));
        k.frame();
    }
    int checked = 0;
};

TEST_P(ScreenFit, EveryScreenInEveryLanguageFits) {
    KioskData data = test::builtin_data();
    for (bool large : {false, true}) {
        for (const auto& c : data.translations.languages()) {
            test::HeadlessKiosk k(data, GetParam().w, GetParam().h);
            // Every language voiced, as a kiosk with all of espeak-ng's voices: the read-aloud
            // button shares the question's header in each of them.
            std::vector<std::string> all;
            for (const auto& l : data.translations.languages()) all.push_back(l.language);
            k.set_voiced(all);
            // A walk that fails stops there; the other languages, each in a kiosk of its own, are still checked.
            EXPECT_NO_FATAL_FAILURE(walk(k, c.language, large)) << c.language << (large ? " (larger text)" : "");
        }
    }
    EXPECT_GT(checked, 100);
}

// The attract screen in every greeting, and the language screen named in every language (its
// heading and choices follow the greeting's round), with normal and larger text.
TEST_P(ScreenFit, EveryGreetingAndTheLanguageScreenInEveryLanguageFit) {
    KioskData data = test::builtin_data();
    size_t n = data.translations.languages().size();
    for (bool large : {false, true}) {
        test::HeadlessKiosk k(data, GetParam().w, GetParam().h);
        Session& s = k.session();
        auto period = std::chrono::duration_cast<std::chrono::seconds>(s.greeting_period());
        k.frame();
        k.wait(std::chrono::seconds(0));  // the round starts
        for (size_t i = 0; i < n && !large; ++i) {
            ASSERT_NO_FATAL_FAILURE(check(k, s.greeting_language(), "greeting"));
            k.wait(period);
            k.frame();
        }
        // In two visits, each shorter than the idle timeout: from the first greeting, then from the middle.
        for (size_t from : {size_t{0}, n / 2}) {
            for (size_t i = 0; i < from; ++i) k.wait(period);
            k.frame();
            ASSERT_TRUE(k.tap("attract.start"));
            if (large) {
                ASSERT_TRUE(k.tap("access.large_text"));
            }
            for (size_t i = from; i < std::min(n, from + n / 2 + 1); ++i) {
                k.frame();
                ASSERT_EQ(s.screen(), Screen::Language);
                ASSERT_NO_FATAL_FAILURE(check(k, s.greeting_language(), large ? "(larger text)" : ""));
                k.wait(period);
            }
            ASSERT_TRUE(k.tap("nav.back"));
            ASSERT_EQ(s.screen(), Screen::Attract);
            k.wait(std::chrono::seconds(0));
        }
    }
}

// The attract screen's results slide in every language, with the longest district name beside
// the city's, a hidden figure among the shown ones.
TEST_P(ScreenFit, TheResultsSlideInEveryLanguageFits) {
    KioskData data = test::builtin_data();
    ResultsSnapshot results = test::sample_results(data.survey);
    for (const District& d : data.districts.districts)
        if (d.name.size() > data.districts.find(results.district)->name.size()) results.district = d.code;
    test::HeadlessKiosk k(data, GetParam().w, GetParam().h);
    Session& s = k.session();
    s.set_results(results);
    k.frame();
    k.wait(std::chrono::seconds(0));
    std::set<std::string> seen;
    for (int i = 0; i < 400 && seen.size() < data.translations.languages().size(); ++i) {
        k.wait(std::chrono::duration_cast<std::chrono::seconds>(s.greeting_period()));
        if (!s.showing_results() || seen.count(s.greeting_language())) continue;
        k.frame();
        ASSERT_EQ(k.tree().screen(), "attract.results");
        ASSERT_NO_FATAL_FAILURE(check(k, s.greeting_language(), "results"));
        seen.insert(s.greeting_language());
    }
    EXPECT_EQ(seen.size(), data.translations.languages().size());
}

// "Temporarily closed" (a full disk) in every language of the round, in place of the invitation.
TEST_P(ScreenFit, TheClosedScreenInEveryLanguageFits) {
    KioskData data = test::builtin_data();
    test::HeadlessKiosk k(data, GetParam().w, GetParam().h);
    Session& s = k.session();
    k.set_closed(true);
    k.frame();
    k.wait(std::chrono::seconds(0));
    std::set<std::string> seen;
    for (size_t i = 0; i < 2 * data.translations.languages().size(); ++i) {
        k.frame();
        ASSERT_EQ(k.tree().screen(), "closed");
        if (!seen.count(s.greeting_language())) {
            ASSERT_NO_FATAL_FAILURE(check(k, s.greeting_language(), "closed"));
        }
        seen.insert(s.greeting_language());
        EXPECT_FALSE(k.tap("attract.start")) << "nothing invites a resident in";
        k.wait(std::chrono::duration_cast<std::chrono::seconds>(s.greeting_period()));
    }
    EXPECT_EQ(seen.size(), data.translations.languages().size());
    EXPECT_EQ(s.screen(), Screen::Attract);
    k.set_closed(false);
    k.frame();
    EXPECT_EQ(k.tree().screen(), "attract") << "open again";
}

// Full HD kiosk screens, and the 1280x800 (16:10) of the end-to-end tests' contact sheets, where
// portrait leaves relatively less height for the answers.
INSTANTIATE_TEST_SUITE_P(Screens, ScreenFit,
                         ::testing::Values(Size{1920, 1080}, Size{1080, 1920}, Size{1280, 800}, Size{800, 1280}),
                         [](const auto& p) {
                             return std::string(p.param.w > p.param.h ? "Landscape" : "Portrait") +
                                    std::to_string(static_cast<int>(p.param.w)) + "x" +
                                    std::to_string(static_cast<int>(p.param.h));
                         });

// The overflow check catches a label too long for its button (a translation, say).
TEST(ScreenFitCheck, FlagsALabelThatDoesNotFit) {
    test::TempDir dir;
    std::filesystem::copy(std::string(LKP_SOURCE_DIR) + "/locales", dir.file("locales"));
    std::string sv = test::read_file(dir.file("locales/sv.po"));
    std::string from = "msgstr \"Vill inte svara\"";
    sv.replace(sv.find(from), from.size(), "msgstr \"" + std::string(100, 'W') + "\"");
    test::write_file(dir.file("locales/sv.po"), sv);
    test::write_file(dir.file("kiosk.conf"), "locales = " + dir.file("locales") + "\n");
    KioskData data = load_kiosk_data(dir.file("kiosk.conf"), ui_message_ids());
    test::HeadlessKiosk k(data, 1920, 1080);
    k.frame();
    ASSERT_TRUE(k.tap("attract.start"));
    ASSERT_TRUE(k.tap("language.sv"));
    ASSERT_TRUE(k.tap("district.outside"));
    k.frame();
    bool flagged = false;
    for (const auto& e : k.tree().elements())
        if (e.id == "question.decline") flagged = !e.fits;
    EXPECT_TRUE(flagged) << k.tree().to_json();
}

// Every character of every text, as drawn, has a glyph in every font: no boxes, no '?'.
TEST(Glyphs, EveryTextOfEveryLanguageHasItsGlyphs) {
    KioskData data = test::builtin_data();
    test::HeadlessKiosk k(data, 1920, 1080);
    const FontSets& f = k.fonts();
    for (const std::string& text : data.all_texts()) {
        std::string drawn = has_rtl(text) ? visual_line(text, true) : text;
        for (ImFont* font : {f.normal.body, f.normal.title, f.large.body, f.large.small})
            EXPECT_EQ(u32_to_hex(missing_glyphs(font, drawn)), "") << "\"" << text << "\"";
    }
}

// The glyph check fails when a script's font is missing (shown with Arabic left out).
TEST(Glyphs, TheCheckFailsWithoutTheArabicFont) {
    ImGuiContext* ctx = ImGui::CreateContext();
    std::vector<ScriptFont> no_arabic = {script_fonts()[1], script_fonts()[2]};
    FontSets f = load_fonts(20, {"ما هو رأيك؟"}, kNotoDir, no_arabic);
    EXPECT_NE(missing_glyphs(f.normal.body, visual_line("ما هو رأيك؟", true)), U"");
    ImGui::DestroyContext(ctx);
}

TEST(Glyphs, MissingFontFileNamesTheDebianPackage) {
    ImGuiContext* ctx = ImGui::CreateContext();
    try {
        load_fonts(20, {"a"}, "/nonexistent");
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("fonts-noto-core"), std::string::npos) << e.what();
    }
    ImGui::DestroyContext(ctx);
}

// The tree says which choices are on, so a screen reader (and a test) can tell a toggle's state.
TEST(UiTreeState, AToggleAndTheChosenLanguageAreShownSelected) {
    KioskData data = test::builtin_data();
    test::HeadlessKiosk k(data, 1280, 800);
    k.frame();
    ASSERT_TRUE(k.tap("attract.start"));
    auto selected = [&](const std::string& id) {
        Json tree = Json::parse(k.frame().to_json());
        for (const auto& e : tree["elements"])
            if (e["id"] == id) return e.value("selected", false);
        ADD_FAILURE() << "no " << id;
        return false;
    };
    EXPECT_FALSE(selected("access.large_text"));
    EXPECT_FALSE(selected("language.en"));
    ASSERT_TRUE(k.tap("access.large_text"));
    EXPECT_TRUE(selected("access.large_text"));
    ASSERT_TRUE(k.tap("language.en"));
    ASSERT_TRUE(k.tap("nav.language"));
    EXPECT_TRUE(selected("language.en"));
    EXPECT_FALSE(selected("language.sv"));
}

}  // namespace
}  // namespace lkp
