// The first screens for everyone: the attract screen greets in every kiosk language in turn, the
// language screen names itself and its choices in the greeting's language (or the one under the
// finger, or the one chosen), and a long press starts in audio mode. The session's round is
// tested with a controlled clock; the screens headlessly, through their UI tree.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "core/screen_care.h"
#include "core/session.h"
#include "speech/speaker.h"
#include "support/headless_ui.h"
#include "support/session_clock.h"
#include "support/test_support.h"

namespace lkp {
namespace {

using namespace std::chrono_literals;

class GreetingTest : public ::testing::Test, protected test::SessionClock {
  protected:
    GreetingTest()
        : SessionClock(session),
          data(test::builtin_data()),
          session(data.survey, data.districts, data.session_settings()) {}
    std::vector<std::string> languages() const { return data.session_settings().languages; }

    KioskData data;
    Session session;
};

TEST_F(GreetingTest, EveryLanguageGreetsInTurnWithinAMinuteStartingWithTheDefault) {
    const auto langs = languages();
    ASSERT_GE(langs.size(), 14u);
    EXPECT_EQ(session.greeting_language(), "sv");
    EXPECT_LE(session.greeting_period() * static_cast<long>(langs.size()), 60s) << "the whole round within a minute";
    EXPECT_GE(session.greeting_period(), 2s) << "long enough to read a heading";

    wait(0ms);  // the first tick starts the round
    std::vector<std::string> seen = {session.greeting_language()};
    for (size_t i = 1; i < langs.size(); ++i) {
        wait(session.greeting_period());
        seen.push_back(session.greeting_language());
    }
    EXPECT_EQ(seen, langs) << "each language once, in the language screen's order";
    wait(session.greeting_period());
    EXPECT_EQ(session.greeting_language(), "sv") << "and round again";
}

TEST_F(GreetingTest, TheIdleAttractScreenWakesOnlyWhenTheGreetingChanges) {
    wait(0ms);
    auto deadline = session.next_deadline();
    ASSERT_TRUE(deadline) << "the loop must wake for the next greeting";
    EXPECT_EQ(*deadline, now.mono + session.greeting_period());
    // Woken early (a stray event), nothing changes and the deadline stays.
    wait(session.greeting_period() / 2);
    EXPECT_EQ(session.greeting_language(), "sv");
    EXPECT_EQ(session.next_deadline(), deadline);
    now = Instant{*deadline, now.wall};
    session.tick(now);
    EXPECT_EQ(session.greeting_language(), "sv-x-easy");
    EXPECT_EQ(session.next_deadline(), now.mono + session.greeting_period());
    // After a long sleep the next greeting still gets a whole period.
    wait(1h);
    EXPECT_EQ(session.greeting_language(), "en") << "one step per wake-up, not a burst";
    EXPECT_EQ(session.next_deadline(), now.mono + session.greeting_period());
}

TEST_F(GreetingTest, ATapKeepsTheGreetingSeenUntilALanguageIsChosen) {
    wait(0ms);
    while (session.greeting_language() != "ar") wait(session.greeting_period());
    wait(session.greeting_period() - 1ms);
    ASSERT_EQ(session.greeting_language(), "ar");
    EXPECT_TRUE(send(event::Start{}, 0ms).started);
    EXPECT_EQ(session.screen(), Screen::Language);
    EXPECT_EQ(session.greeting_language(), "ar") << "the language screen goes on in the language the resident saw";
    EXPECT_EQ(session.language(), "sv") << "nothing is chosen for the resident";
    EXPECT_FALSE(session.language_chosen());
    wait(session.greeting_period() - 1ms);
    EXPECT_EQ(session.greeting_language(), "ar") << "shown a whole period after the tap";
    wait(1ms);
    EXPECT_EQ(session.greeting_language(), "fa") << "then the language screen goes round too";
    EXPECT_LE(*session.next_deadline(), now.mono + session.greeting_period());

    send(event::ChooseLanguage{"uk"});
    EXPECT_TRUE(session.language_chosen());
    EXPECT_FALSE(session.greeting_cycles());
    send(event::Back{});
    ASSERT_EQ(session.screen(), Screen::Language);
    EXPECT_TRUE(session.language_chosen()) << "back on the language screen, in the language chosen";
    auto before = session.greeting_language();
    wait(session.greeting_period() * 3);
    EXPECT_EQ(session.greeting_language(), before) << "no round once chosen";
    EXPECT_EQ(*session.next_deadline(), now.mono - session.greeting_period() * 3 + session.settings().idle_timeout)
        << "only the idle timer";
}

TEST_F(GreetingTest, TheNextResidentIsGreetedFromTheDefaultLanguageAgain) {
    wait(0ms);
    for (int i = 0; i < 5; ++i) wait(session.greeting_period());
    send(event::Start{}, 0ms);
    send(event::ChooseLanguage{"en"});
    send(event::Back{});
    send(event::Back{});  // leaves: the session is abandoned
    ASSERT_EQ(session.screen(), Screen::Attract);
    EXPECT_EQ(session.greeting_language(), "sv");
    EXPECT_FALSE(session.language_chosen());
    wait(0ms);
    EXPECT_TRUE(session.next_deadline()) << "the round runs again";
}

TEST_F(GreetingTest, ALongPressStartsASessionLikeATap) {
    Outcome o = send(event::StartAudio{});
    EXPECT_TRUE(o.started);
    EXPECT_EQ(session.screen(), Screen::Language);
    EXPECT_FALSE(send(event::StartAudio{}).started) << "only on the attract screen";
    EXPECT_EQ(session.screen(), Screen::Language);
}

TEST_F(GreetingTest, OneLanguageDoesNotGoRound) {
    SessionSettings s = data.session_settings();
    s.languages = {"sv"};
    Session one(data.survey, data.districts, s);
    one.tick(now);
    EXPECT_FALSE(one.next_deadline()) << "nothing to change: the attract screen sleeps";
    EXPECT_EQ(one.greeting_language(), "sv");
}

// ---- the screens, headless ----

class GreetingScreens : public ::testing::Test {
  protected:
    GreetingScreens() : data(test::builtin_data()), k(data, 1920, 1080) {}

    const UiElement* element(const std::string& id) {
        for (const auto& e : k.tree().elements())
            if (e.id == id) return &e;
        return nullptr;
    }
    std::string label(const std::string& id) {
        const UiElement* e = element(id);
        return e ? e->label : "(no " + id + ")";
    }
    std::string text(const std::string& lang, const std::string& id) { return data.translations.text(lang, id); }
    void next_greeting() {
        k.wait(std::chrono::duration_cast<std::chrono::seconds>(k.session().greeting_period()));
        k.frame();
    }

    KioskData data;
    test::HeadlessKiosk k;
};

TEST_F(GreetingScreens, TheAttractTreeShowsEachLanguagesGreetingInTurn) {
    k.frame();
    k.wait(0s);  // starts the round
    std::set<std::string> seen;
    for (size_t i = 0; i < data.translations.languages().size(); ++i) {
        const std::string& lang = k.session().greeting_language();
        EXPECT_EQ(k.tree().screen(), "attract");
        EXPECT_EQ(label("attract.title"), text(lang, "ui.attract.title")) << lang;
        EXPECT_EQ(label("attract.body"), text(lang, "ui.attract.body")) << lang;
        EXPECT_EQ(label("attract.start"), text(lang, "ui.attract.start")) << lang;
        seen.insert(label("attract.title"));
        next_greeting();
    }
    EXPECT_EQ(seen.size(), data.translations.languages().size()) << "a different greeting for every language";
}

// Apart from the slow drift against burn-in (screen_care_test.cpp), which is taken out here.
TEST_F(GreetingScreens, TheAttractScreenDoesNotMoveAsTheGreetingChanges) {
    float unit = Layout::for_window(1920, 1080).unit;
    auto placed_y = [&] { return element("attract.start")->y - burn_in_drift(k.wall_time()).y * unit; };
    k.frame();
    k.wait(0s);
    ASSERT_TRUE(element("attract.start"));
    float y = placed_y();
    for (size_t i = 0; i < data.translations.languages().size(); ++i) {
        next_greeting();
        ASSERT_TRUE(element("attract.start"));
        EXPECT_NEAR(placed_y(), y, 0.01f) << k.session().greeting_language();
    }
}

TEST_F(GreetingScreens, TheLanguageScreenSpeaksTheGreetingsLanguageUntilOneIsChosen) {
    k.frame();
    k.wait(0s);
    while (k.session().greeting_language() != "en") next_greeting();
    ASSERT_TRUE(k.tap("attract.start"));
    ASSERT_EQ(k.tree().screen(), "language");
    EXPECT_EQ(label("language.title"), "Choose your language");
    EXPECT_EQ(label("access.large_text"), "Larger text");
    EXPECT_EQ(label("access.high_contrast"), "High contrast");

    next_greeting();  // the round goes on: Arabic, right to left
    EXPECT_EQ(label("language.title"), text("ar", "ui.language.title"));
    EXPECT_EQ(label("access.large_text"), text("ar", "ui.a11y.large_text"));

    // Chosen, then back: the choices stay in the language chosen.
    ASSERT_TRUE(k.tap("language.tr"));
    ASSERT_EQ(k.tree().screen(), "district");
    ASSERT_TRUE(k.tap("nav.back"));
    ASSERT_EQ(k.tree().screen(), "language");
    next_greeting();
    EXPECT_EQ(label("language.title"), text("tr", "ui.language.title"));
    EXPECT_EQ(label("access.high_contrast"), text("tr", "ui.a11y.high_contrast"));
}

TEST_F(GreetingScreens, TheToggleStillWorksWhateverLanguageItIsNamedIn) {
    k.frame();
    ASSERT_TRUE(k.tap("attract.start"));
    next_greeting();
    next_greeting();
    ASSERT_TRUE(k.tap("access.large_text"));
    const UiElement* title = element("language.title");
    ASSERT_TRUE(title);
    EXPECT_GT(title->h, 0);
    ASSERT_TRUE(k.tap("language.sv"));
    EXPECT_EQ(k.session().screen(), Screen::District);
}

// The spoken menu of languages: one text after another, none cut off by the next.
TEST(SpeakerQueue, SayNextFollowsInsteadOfInterrupting) {
    Speaker speaker(Speaker::Output::Silent);
    if (!speaker.available()) GTEST_SKIP() << "espeak-ng is not installed";
    speaker.say("sv", "Svenska.");
    speaker.say_next("en", "English.");
    speaker.say_next("so", "Soomaali.");  // no voice: left out
    speaker.say_next("ar", "العربية.");
    auto until = std::chrono::steady_clock::now() + 20s;
    while (speaker.spoken_count() + speaker.cancelled_count() < 3 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(20ms);
    EXPECT_EQ(speaker.spoken_count(), 3);
    EXPECT_EQ(speaker.cancelled_count(), 0);

    // A tap (say) drops what was still queued.
    speaker.say("sv", "Svenska, svenska, svenska, svenska, svenska.");
    speaker.say_next("en", "English.");
    speaker.say("fi", "Suomi.");
    until = std::chrono::steady_clock::now() + 20s;
    while (speaker.spoken_count() + speaker.cancelled_count() < 6 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(20ms);
    EXPECT_EQ(speaker.spoken_count(), 4);
    EXPECT_EQ(speaker.cancelled_count(), 2);
}

}  // namespace
}  // namespace lkp
