// The real lkp-kiosk binary's command line: bad input is named and nothing is written.
#include <gtest/gtest.h>

#include "kiosk_db/kiosk_database.h"
#include "support/test_support.h"

namespace lkp {
namespace {

const std::string kBin = LKP_KIOSK_BIN;

TEST(Cli, UnknownOptionExitsTwoAndSaysWhy) {
    // Named before the options export requires: the typo is what to fix.
    auto r = test::run({kBin, "export", "--bogus"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("The following argument was not expected: --bogus"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("lkp-kiosk export --help"), std::string::npos) << r.err;
    r = test::run({kBin, "frobnicate"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("The following argument was not expected: frobnicate"), std::string::npos) << r.err;
    r = test::run({kBin, "simulate", "--count"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--count: 1 required"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("missing"), std::string::npos) << r.err;
}

TEST(Cli, BadConfigIsReportedWithFileAndLineAndWritesNothing) {
    test::TempDir dir;
    std::string conf = dir.file("kiosk.conf");
    test::write_file(conf, "kiosk_id = test\nidle_timeout = 30\n");
    std::string data = dir.file("data");
    for (const char* cmd : {"simulate", "run"}) {
        std::vector<std::string> args = {kBin};
        if (std::string(cmd) != "run") args.push_back(cmd);
        for (const auto& a : {"--config", conf.c_str(), "--data-dir", data.c_str()}) args.push_back(a);
        if (std::string(cmd) == "simulate") args.insert(args.end(), {"--count", "5"});
        auto r = test::run(args);
        EXPECT_EQ(r.exit_code, 2) << cmd;
        EXPECT_NE(r.err.find(conf + ":2: unknown setting \"idle_timeout\""), std::string::npos) << r.err;
        EXPECT_FALSE(test::exists(data)) << cmd << " created the data directory";
    }
}

TEST(Cli, BrokenSurveyFileIsReportedWithItsLine) {
    test::TempDir dir;
    test::write_file(dir.file("survey.json"), "{\n  \"survey_id\": \"x\",\n  \"version\": 1\n  \"scales\": {}\n}\n");
    test::write_file(dir.file("kiosk.conf"), "survey = " + dir.file("survey.json") + "\n");
    auto r = test::run({kBin, "check-config", "--config", dir.file("kiosk.conf")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(dir.file("survey.json") + ":4: not valid JSON"), std::string::npos) << r.err;
}

TEST(Cli, WindowedSizeIsCheckedBeforeAnythingOpens) {
    test::TempDir dir;
    auto r = test::run({kBin, "--windowed", "big", "--data-dir", dir.file("data")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--windowed wants WIDTHxHEIGHT"), std::string::npos) << r.err;
    EXPECT_FALSE(test::exists(dir.file("data")));
}

TEST(Cli, SimulateStatusAndExportAgree) {
    test::TempDir dir;
    auto sim = test::run({kBin, "simulate", "--data-dir", dir.path(), "--count", "300", "--seed", "7"});
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
    int started = 0, completed = 0, abandoned = 0;
    ASSERT_EQ(std::sscanf(sim.out.c_str(), "simulated %d sessions: %d completed, %d abandoned", &started, &completed, &abandoned), 3);
    EXPECT_EQ(started, 300);
    EXPECT_EQ(completed + abandoned, 300);
    EXPECT_GT(abandoned, 0);

    auto status = test::run({kBin, "status", "--data-dir", dir.path(), "--json"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    Json s = Json::parse(status.out);
    EXPECT_EQ(s["responses"], completed);
    EXPECT_EQ(s["synthetic"], completed);
    EXPECT_EQ(s["unsent"], completed);
    EXPECT_EQ(s["sessions"]["started"], 0) << "synthetic sessions do not count in the kiosk's response rate";
    EXPECT_EQ(s["sessions"]["synthetic"], 300);
    ASSERT_TRUE(s["unreviewed_languages"].is_array());
    EXPECT_NE(std::find(s["unreviewed_languages"].begin(), s["unreviewed_languages"].end(), "en"),
              s["unreviewed_languages"].end()) << "en.po says X-Native-Speaker-Reviewed: no";
    EXPECT_EQ(std::find(s["unreviewed_languages"].begin(), s["unreviewed_languages"].end(), "sv"),
              s["unreviewed_languages"].end());

    auto out = dir.file("export.json");
    auto ex = test::run({kBin, "export", "--data-dir", dir.path(), "--format", "json", "--out", out});
    ASSERT_EQ(ex.exit_code, 0) << ex.err;
    Json list = Json::parse(test::read_file(out));
    ASSERT_EQ(list.size(), static_cast<size_t>(completed));
    for (const auto& r : list) {
        EXPECT_EQ(r["flags"], Json::array({"synthetic"}));
        EXPECT_EQ(r["answers"].size(), 5u);
    }
    auto csv = dir.file("export.csv");
    ex = test::run({kBin, "export", "--data-dir", dir.path(), "--format", "csv", "--out", csv});
    ASSERT_EQ(ex.exit_code, 0) << ex.err;
    std::string text = test::read_file(csv);
    EXPECT_EQ(static_cast<int>(std::count(text.begin(), text.end(), '\n')), completed + 1);

    // The same seed drives the same answers (ids and times differ).
    test::TempDir again;
    test::run({kBin, "simulate", "--data-dir", again.path(), "--count", "300", "--seed", "7"});
    test::run({kBin, "export", "--data-dir", again.path(), "--format", "json", "--out", again.file("e.json")});
    Json other = Json::parse(test::read_file(again.file("e.json")));
    ASSERT_EQ(other.size(), list.size());
    EXPECT_EQ(other[10]["answers"], list[10]["answers"]);
}

TEST(Cli, ExportRefusesBadFormatAndMissingDatabase) {
    test::TempDir dir;
    auto r = test::run({kBin, "export", "--data-dir", dir.path(), "--format", "xlsx", "--out", dir.file("x")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_FALSE(test::exists(dir.file("x")));
    r = test::run({kBin, "export", "--data-dir", dir.file("nothing-here"), "--format", "csv", "--out", dir.file("x")});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no kiosk database at"), std::string::npos);
    EXPECT_FALSE(test::exists(dir.file("nothing-here")));
}

TEST(Cli, NewerDatabaseIsRefusedByEveryCommand) {
    test::TempDir dir;
    {
        auto store = KioskDatabase::open(dir.path());
        test::open_raw(store.path()).exec("PRAGMA user_version = 42");
    }
    for (const char* cmd : {"status", "simulate"}) {
        std::vector<std::string> args = {kBin, cmd, "--data-dir", dir.path()};
        if (std::string(cmd) == "simulate") args.insert(args.end(), {"--count", "1"});
        auto r = test::run(args);
        EXPECT_EQ(r.exit_code, 1) << cmd;
        EXPECT_NE(r.err.find("written by a newer LKP Kiosk"), std::string::npos) << r.err;
    }
}

TEST(Cli, FullDiskIsReportedAndEveryCommittedAnswerSurvives) {
    test::TempDir dir;
    // A file-size limit makes writes fail the way a full disk does, without needing a mount.
    auto r = test::run({"prlimit", "--fsize=400000", kBin, "simulate", "--data-dir", dir.path(), "--count", "100000"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("is the disk full?"), std::string::npos) << r.err;

    auto store = KioskDatabase::open(dir.path());
    Database raw = test::open_raw(store.path());
    auto check = raw.prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check.step());
    EXPECT_EQ(check.text_col(0), "ok");
    KioskStatus s = store.status();
    EXPECT_GT(s.responses, 0);
    EXPECT_LT(s.responses, 100000);
    EXPECT_EQ(store.outbox_status().unsent, s.responses) << "every stored response still has its outbox entry";
}

}  // namespace
}  // namespace lkp
