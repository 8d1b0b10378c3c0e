// The residents' results on the attract screen: the cache in the data folder (read back after a
// restart; a corrupt one or one of another survey version ignored with a message naming the
// file), when the session shows the slide between greetings, and the slide itself, headless,
// through its UI tree: bars with role "bar" and their value as label, hidden figures as too few
// answers, mirrored in right-to-left languages.
#include "core/results.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "client/results_fetch.h"
#include "shell/background_sync.h"
#include "support/headless_ui.h"
#include "support/session_clock.h"
#include "support/test_support.h"

namespace lkp {
namespace {

using namespace std::chrono_literals;

class ResultsCache : public ::testing::Test {
  protected:
    KioskData data = test::builtin_data();
    test::TempDir dir;
    std::string path = results_cache_path(dir.path());

    std::optional<ResultsSnapshot> load(std::string& problem) {
        return load_results_cache(path, data.survey.id, data.survey.version, problem);
    }
};

TEST_F(ResultsCache, IsReadBackAfterARestart) {
    ResultsSnapshot written = test::sample_results(data.survey);
    save_results_cache(path, written);
    // No temporary file left beside it: the cache appears whole.
    std::vector<std::string> files;
    for (const auto& f : std::filesystem::directory_iterator(dir.path())) files.push_back(f.path().filename());
    EXPECT_EQ(files, std::vector<std::string>{kResultsCacheFile});

    // A new reader, as a restarted kiosk: the same snapshot, hidden cells and all.
    std::string problem;
    std::optional<ResultsSnapshot> read = load(problem);
    ASSERT_TRUE(read) << problem;
    EXPECT_EQ(problem, "");
    EXPECT_EQ(*read, written);
    EXPECT_FALSE(read->find("trygghet_trygg_andel")->district.shown());
    EXPECT_FALSE(read->find("trygghet_trygg_andel")->district.n) << "a hidden count stays hidden";
    EXPECT_EQ(read->find("livskvalitet_medel")->city.n, 805);

    // And through the kiosk's start-up path.
    EXPECT_EQ(read_cached_results(dir.path(), data.survey), written);
}

TEST_F(ResultsCache, NoFileIsNoProblem) {
    std::string problem = "stale";
    EXPECT_FALSE(load(problem));
    EXPECT_EQ(problem, "");
}

TEST_F(ResultsCache, ACorruptCacheIsIgnoredWithAMessageNamingTheFileAndTheProblem) {
    std::string good = results_to_json(test::sample_results(data.survey));
    ResultsSnapshot other_version = test::sample_results(data.survey);
    other_version.survey_version += 1;
    ResultsSnapshot other_survey = test::sample_results(data.survey);
    other_survey.survey_id = "another-survey";
    std::string bad_n = good;
    bad_n.replace(bad_n.find("\"n\": 812"), 8, "\"n\": -3");
    struct Case {
        std::string what, content, problem;
    };
    std::vector<Case> cases = {
        {"truncated", good.substr(0, good.size() / 2), "is not JSON (cut short or damaged)"},
        {"empty", "", "is not JSON (cut short or damaged)"},
        {"garbage", std::string("\x89PNG\r\n\x1a\n\0\0\xff", 12), "is not JSON (cut short or damaged)"},
        {"not an object", "[1, 2, 3]", "is not a JSON object"},
        {"another format", R"({"format": "something else"})", "has format \"something else\""},
        {"a negative count", bad_n, "rows[0].city.n is not a whole number >= 0 or null"},
        {"another survey version", results_to_json(other_version),
         "holds results of survey helsingborg-lkp version " + std::to_string(data.survey.version + 1) +
             ", this kiosk asks helsingborg-lkp version " + std::to_string(data.survey.version)},
        {"another survey", results_to_json(other_survey), "holds results of survey another-survey"},
    };
    for (const Case& c : cases) {
        test::write_file(path, c.content);
        std::string problem;
        EXPECT_FALSE(load(problem)) << c.what;
        EXPECT_NE(problem.find(path + ": ignored"), std::string::npos) << c.what << ": " << problem;
        EXPECT_NE(problem.find(c.problem), std::string::npos) << c.what << ": " << problem;
        EXPECT_EQ(problem.find('\n'), std::string::npos) << "one line: " << problem;
        EXPECT_EQ(test::read_file(path), c.content) << "the file is left for staff to look at";
    }
}

// A store with no answers yet answers with no cells: an empty snapshot, nothing to show, cached
// like any other. A reply not shaped like the store's is refused.
TEST_F(ResultsCache, AnEmptyStoreGivesAnEmptySnapshot) {
    sync::ResultsFetchSettings s;
    s.survey_id = data.survey.id;
    s.survey_version = data.survey.version;
    s.district = "041";
    std::string error;
    std::string reply = R"({"survey": ")" + data.survey.id + R"(", "survey_version": )" +
                        std::to_string(data.survey.version) +
                        R"(, "period": "year", "values": [], "count": 0, "reference": []})";
    auto snapshot = sync::results_from_indicators_reply(reply, s, "2026-11-30T10:00:00.000Z", 2026, error);
    ASSERT_TRUE(snapshot) << error;
    EXPECT_EQ(snapshot->period, "2026");
    EXPECT_TRUE(snapshot->rows.empty());
    Session session(data.survey, data.districts, data.session_settings());
    session.set_results(snapshot);
    EXPECT_FALSE(session.results()) << "nothing to show: the invitation alone";

    EXPECT_FALSE(sync::results_from_indicators_reply("<html>captive portal</html>", s, "", 2026, error));
    EXPECT_NE(error.find("not its JSON"), std::string::npos) << error;
    EXPECT_EQ(sync::indicators_request_path(s, 2026),
              "/v1/indicators?survey=helsingborg-lkp&period=year&from=2025-01-01&district=041");
}

// ---- when the slide shows ----

class ResultsTiming : public ::testing::Test, protected test::SessionClock {
  protected:
    ResultsTiming()
        : SessionClock(session),
          data(test::builtin_data()),
          session(data.survey, data.districts, data.session_settings()) {}
    KioskData data;
    Session session;
};

TEST_F(ResultsTiming, WithoutFiguresTheInvitationAlone) {
    wait(0ms);
    for (int i = 0; i < 30; ++i) {
        wait(session.greeting_period());
        EXPECT_FALSE(session.showing_results());
    }
    // Figures where every labelled indicator is hidden are no figures to show.
    ResultsSnapshot hidden = test::sample_results(data.survey);
    for (ResultsRow& r : hidden.rows) r.district = r.city = {std::nullopt, std::nullopt, "too_few"};
    session.set_results(hidden);
    EXPECT_FALSE(session.results());
    for (int i = 0; i < 10; ++i) {
        wait(session.greeting_period());
        EXPECT_FALSE(session.showing_results());
    }
}

TEST_F(ResultsTiming, TheSlideComesBetweenGreetingsInTheLastGreetingsLanguageAndSleepsMeanwhile) {
    session.set_results(test::sample_results(data.survey));
    const SessionSettings& s = session.settings();
    wait(0ms);
    for (int i = 0; i < s.greetings_between_results; ++i) {
        EXPECT_FALSE(session.showing_results()) << "greeting " << i;
        if (i + 1 < s.greetings_between_results) wait(session.greeting_period());
    }
    std::string greeted = session.greeting_language();
    EXPECT_EQ(greeted, "en") << "sv, sv-x-easy, en";
    wait(session.greeting_period());
    EXPECT_TRUE(session.showing_results());
    EXPECT_EQ(session.greeting_language(), greeted) << "the results in the language just read";
    EXPECT_EQ(session.next_deadline(), now.mono + s.results_shown) << "the loop sleeps until the slide ends";
    wait(s.results_shown - 1ms);
    EXPECT_TRUE(session.showing_results());
    wait(1ms);
    EXPECT_FALSE(session.showing_results());
    EXPECT_EQ(session.greeting_language(), "ar") << "then the invitation goes on with the next language";
    EXPECT_EQ(session.next_deadline(), now.mono + session.greeting_period());
}

TEST_F(ResultsTiming, ATapOnTheSlideStartsTheSurveyInItsLanguage) {
    session.set_results(test::sample_results(data.survey));
    wait(0ms);
    while (!session.showing_results()) wait(session.greeting_period());
    std::string shown_in = session.greeting_language();
    EXPECT_TRUE(send(event::Start{}, 1s).started);
    EXPECT_EQ(session.screen(), Screen::Language);
    EXPECT_FALSE(session.showing_results());
    EXPECT_EQ(session.greeting_language(), shown_in);
    send(event::Back{});
    ASSERT_EQ(session.screen(), Screen::Attract);
    EXPECT_FALSE(session.showing_results()) << "the next passer-by is invited first";
}

TEST_F(ResultsTiming, OneLanguageKioskShowsTheSlideToo) {
    SessionSettings s = data.session_settings();
    s.languages = {"ti"};
    s.default_language = "ti";
    Session one(data.survey, data.districts, s);
    one.tick(now);
    EXPECT_FALSE(one.next_deadline()) << "no figures: nothing changes, nothing wakes";
    one.set_results(test::sample_results(data.survey));
    one.tick(now);
    ASSERT_TRUE(one.next_deadline());
    for (int i = 0; i < s.greetings_between_results; ++i) one.tick(now = now + one.greeting_period());
    EXPECT_TRUE(one.showing_results());
}

// ---- the slide, headless ----

class ResultsSlide : public ::testing::Test {
  protected:
    void show_slide_in(test::HeadlessKiosk& k, const std::string& language) {
        k.session().set_results(test::sample_results(data.survey));
        k.frame();
        k.wait(0s);
        for (int i = 0; i < 200 && !(k.session().showing_results() && k.session().greeting_language() == language); ++i)
            k.wait(std::chrono::duration_cast<std::chrono::seconds>(k.session().greeting_period()));
        ASSERT_TRUE(k.session().showing_results());
        ASSERT_EQ(k.session().greeting_language(), language);
        k.frame();
    }
    static const UiElement* find(const UiTree& t, const std::string& id) {
        for (const UiElement& e : t.elements())
            if (e.id == id) return &e;
        return nullptr;
    }
    KioskData data = test::builtin_data();
};

TEST_F(ResultsSlide, BarsAreInTheUiTreeWithTheirValuesAndHiddenFiguresSayTooFewAnswers) {
    test::HeadlessKiosk k(data, 1280, 800);
    ASSERT_NO_FATAL_FAILURE(show_slide_in(k, "sv"));
    const UiTree& t = k.tree();
    EXPECT_EQ(t.screen(), "attract.results");
    std::vector<std::string> bars;
    for (const UiElement& e : t.elements())
        if (e.role == "bar") bars.push_back(e.id + "=" + e.label);
    EXPECT_EQ(bars, (std::vector<std::string>{
                        "results.trygghet_trygg_andel.district=För få svar för att visa",
                        "results.trygghet_trygg_andel.city=64 %",
                        "results.delaktighet_nii.district=41 av 100",
                        "results.delaktighet_nii.city=46 av 100",
                        "results.livskvalitet_medel.district=7,4 av 10",
                        "results.livskvalitet_medel.city=7,1 av 10",
                    }))
        << "the indicators the survey file labels, in its order; trygghet_otrygg_andel has no label";
    ASSERT_TRUE(find(t, "results.trygghet_trygg_andel"));
    EXPECT_EQ(find(t, "results.trygghet_trygg_andel")->label, "Känner sig trygga ute ensamma sent på kvällen");
    EXPECT_EQ(find(t, "results.livskvalitet_medel.district.name")->label, "Söder");
    EXPECT_EQ(find(t, "results.livskvalitet_medel.city.name")->label, "Hela Helsingborg");
    EXPECT_EQ(find(t, "results.livskvalitet_medel.city.count")->label, "805 svar");
    EXPECT_FALSE(find(t, "results.trygghet_trygg_andel.district.count")) << "a hidden count is not shown";
    EXPECT_EQ(find(t, "results.period")->label, "Svar under 2026");
    EXPECT_NE(find(t, "results.note")->label.find("slumpmässigt urval"), std::string::npos);
    // A longer bar for a larger value, from the same start.
    const UiElement* d = find(t, "results.delaktighet_nii.district");
    const UiElement* c = find(t, "results.delaktighet_nii.city");
    EXPECT_EQ(d->x, c->x);
    EXPECT_EQ(d->w, c->w) << "the bar's rectangle is its whole track, 0 to 100";

    // A tap anywhere on it starts the survey, in its language.
    ASSERT_TRUE(k.tap("results.note"));
    EXPECT_EQ(k.session().screen(), Screen::Language);
}

TEST_F(ResultsSlide, RightToLeftLanguagesMirrorTheRows) {
    auto columns = [&](const std::string& lang) {
        test::HeadlessKiosk k(data, 1280, 800);
        show_slide_in(k, lang);
        const UiTree& t = k.tree();
        const UiElement* name = find(t, "results.livskvalitet_medel.city.name");
        const UiElement* bar = find(t, "results.livskvalitet_medel.city");
        const UiElement* value = find(t, "results.livskvalitet_medel.city.value");
        EXPECT_TRUE(name && bar && value) << lang;
        return std::tuple{name->x, bar->x, value->x};
    };
    auto [name_sv, bar_sv, value_sv] = columns("sv");
    EXPECT_LT(name_sv, bar_sv);
    EXPECT_LT(bar_sv, value_sv);
    auto [name_ar, bar_ar, value_ar] = columns("ar");
    EXPECT_GT(name_ar, bar_ar) << "the area's name at the right, where Arabic starts";
    EXPECT_GT(bar_ar, value_ar);
}

}  // namespace
}  // namespace lkp
