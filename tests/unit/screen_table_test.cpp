// The screen table: each state of the session and of the UI shows the screen named as the UI
// tree (and so the end-to-end tests) expect, and the message ids derived from the table are
// exactly those the screens' code uses.
#include "ui/screen_table.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>

#include "support/test_support.h"

namespace lkp {
namespace {

using namespace std::chrono_literals;

TEST(ScreenTable, EveryStepAndOverlayShowsItsNamedScreen) {
    KioskData data = test::builtin_data();
    SessionSettings settings = data.session_settings();
    Session session(data.survey, data.districts, settings);
    ScreenState state;
    Instant now = Instant::now();
    auto shown = [&] { return screen_for(session, state).name_for(session); };

    EXPECT_EQ(shown(), "attract");
    session.handle(event::Start{}, now);
    EXPECT_EQ(shown(), "language");
    session.handle(event::ChooseLanguage{"sv"}, now);
    EXPECT_EQ(shown(), "district");
    state.picker_open = true;
    EXPECT_EQ(shown(), "language_picker");
    state.picker_open = false;
    session.handle(event::ChooseDistrict{std::string("022")}, now);
    EXPECT_EQ(shown(), "question." + data.survey.questions.front().id);

    session.tick(now + settings.idle_timeout);
    ASSERT_TRUE(session.asking_still_there());
    state.picker_open = true;
    EXPECT_EQ(shown(), "still_there") << "the idle prompt covers even the picker";
    state.picker_open = false;

    session.handle(event::StillHere{}, now);
    for (size_t i = 0; i < data.survey.questions.size(); ++i) session.handle(event::Answer{nullptr}, now);
    EXPECT_EQ(session.screen(), Screen::Thanks);
    EXPECT_EQ(shown(), "thanks");
}

TEST(ScreenTable, NamesAreUniqueAndEachScreenHasItsDrawing) {
    std::set<std::string> names;
    for (const ScreenSpec& s : resident_screens()) {
        EXPECT_TRUE(names.insert(s.name).second) << s.name;
        EXPECT_TRUE(s.shows && s.draw) << s.name;
    }
}

// The table's ids are declared by hand beside each drawing: the code of app/ui is read here so
// that an id used but not declared (never checked at start-up) or declared but no longer used
// fails a test.
TEST(ScreenTable, MessageIdsAreExactlyThoseTheScreensUse) {
    std::set<std::string> used;
    const std::regex literal(R"re("(ui\.[a-z0-9_.]+)")re");
    for (const auto& f : std::filesystem::directory_iterator(std::string(LKP_SOURCE_DIR) + "/app/ui")) {
        if (f.path().extension() != ".cpp" || f.path().filename() == "screen_table.cpp") continue;
        std::string code = test::read_file(f.path().string());
        for (std::sregex_iterator m(code.begin(), code.end(), literal), end; m != end; ++m) used.insert((*m)[1]);
    }
    ASSERT_GT(used.size(), 10u) << "the screens' code was not found";

    std::vector<std::string> ids = ui_message_ids();
    std::set<std::string> declared(ids.begin(), ids.end());
    EXPECT_EQ(declared.size(), ids.size()) << "no id twice";
    for (const auto& id : used)
        EXPECT_TRUE(declared.count(id)) << id << " is used but not declared in the screen table";
    for (const auto& id : declared) EXPECT_TRUE(used.count(id)) << id << " is declared but no screen uses it";
}

}  // namespace
}  // namespace lkp

namespace lkp {
namespace {

// Staff mode's texts (issue 11) are declared in staff_message_ids(). Swedish and English have them
// all; staff mode uses the default language's when it has them, else Swedish, else English
// (staff_catalog): they are not required of every language, so a kiosk offering only Arabic starts.
TEST(ScreenTable, StaffTextsAreExactlyThoseStaffModeUsesAndSwedishAndEnglishHaveThem) {
    std::set<std::string> used;
    const std::regex literal(R"re("(staff\.[a-z0-9_.]+)")re");
    for (const auto& f : std::filesystem::directory_iterator(std::string(LKP_SOURCE_DIR) + "/app/ui")) {
        // The table names screens ("staff.pin"); UI tree ids use hyphens ("staff-export").
        if (f.path().extension() != ".cpp" || f.path().filename() == "screen_table.cpp") continue;
        std::string code = test::read_file(f.path().string());
        for (std::sregex_iterator m(code.begin(), code.end(), literal), end; m != end; ++m) used.insert((*m)[1]);
    }
    std::vector<std::string> ids = staff_message_ids();
    std::set<std::string> declared(ids.begin(), ids.end());
    EXPECT_EQ(declared.size(), ids.size()) << "no id twice";
    // The list itself is in staff_screen.cpp: every id in it is "used" there, so look for uses
    // outside the list by counting: each id must appear at least twice in the code (list + use).
    std::string all;
    for (const auto& f : std::filesystem::directory_iterator(std::string(LKP_SOURCE_DIR) + "/app/ui"))
        if (f.path().extension() == ".cpp") all += test::read_file(f.path().string());
    for (const auto& id : used) EXPECT_TRUE(declared.count(id)) << id << " is used but not in staff_message_ids()";
    for (const auto& id : declared) {
        std::size_t n = 0;
        for (std::size_t at = all.find("\"" + id + "\""); at != std::string::npos;
             at = all.find("\"" + id + "\"", at + 1))
            ++n;
        // Notices are named in app/staff and app/shell (staff_mode.cpp, staff_desk.cpp).
        bool notice = id.rfind("staff.pin.", 0) == 0 || id.rfind("staff.export.", 0) == 0 || id == "staff.sync.started";
        EXPECT_TRUE(n >= 2 || notice) << id << " is declared but no screen uses it";
    }
    KioskData data = test::builtin_data();
    for (const char* language : {"sv", "en"}) {
        const Catalog* c = data.translations.find(language);
        ASSERT_TRUE(c);
        for (const auto& id : ids) EXPECT_TRUE(c->find(id)) << language << " has no text for " << id;
    }
}

}  // namespace
}  // namespace lkp
