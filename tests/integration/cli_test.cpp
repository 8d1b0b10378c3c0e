// The real lkp-kiosk and lkp-store binaries' command lines: every command explains itself with
// --help; bad input is named and nothing is written.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "kiosk_db/kiosk_database.h"
#include "support/test_support.h"

namespace lkp {
namespace {

const std::string kBin = LKP_KIOSK_BIN;
const std::string kStoreBin = LKP_STORE_BIN;

bool mentions(const std::string& text, const std::string& word) { return text.find(word) != std::string::npos; }

TEST(Cli, UnknownOptionExitsTwoAndSaysWhy) {
    // Named before the options export requires: the typo is what to fix.
    auto r = test::run({kBin, "export", "--bogus"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(mentions(r.err, "The following argument was not expected: --bogus")) << r.err;
    EXPECT_TRUE(mentions(r.err, "lkp-kiosk export --help")) << r.err;
    r = test::run({kBin, "frobnicate"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(mentions(r.err, "The following argument was not expected: frobnicate")) << r.err;
    r = test::run({kBin, "simulate", "--count"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(mentions(r.err, "--count: 1 required")) << r.err;
    EXPECT_TRUE(mentions(r.err, "missing")) << r.err;
}

// Each command (the words naming it) and what its --help must list.
using CommandTable = std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>>;
const CommandTable kKioskCommands = {
    {{},
     {"--config", "--data-dir", "--windowed", "--ui-tree", "--screenshot-dir", "--version", "export", "status",
      "simulate", "sync", "check-config", "set-pin"}},
    {{"export"}, {"--config", "--data-dir", "--format", "--out"}},
    {{"status"}, {"--config", "--data-dir", "--json"}},
    {{"simulate"}, {"--config", "--data-dir", "--count", "--seed"}},
    {{"sync"},
     {"--config", "--data-dir", "--store-url", "--token-file", "--ca-bundle", "--pinned-public-key", "--batch-size",
      "--timeout", "--backoff-cap", "--once", "--max-failures", "--requeue-rejected"}},
    {{"check-config"}, {"--config"}},
    {{"set-pin"}, {"--config", "--data-dir"}},
};
const CommandTable kStoreCommands = {
    {{}, {"serve", "status", "kiosk"}},
    {{"serve"},
     {"--listen", "--db", "--postgres", "--surveys", "--districts", "--tls-cert", "--tls-key", "--max-inflight",
      "--stale-after", "--web-assets"}},
    {{"status"}, {"--db", "--postgres"}},
    {{"kiosk"}, {"add", "list", "revoke"}},
    {{"kiosk", "add"}, {"NAME", "--db", "--postgres"}},
    {{"kiosk", "list"}, {"--db", "--postgres", "--stale-after"}},
    {{"kiosk", "revoke"}, {"NAME", "--db", "--postgres"}},
    {{"staff"}, {"add", "list", "remove", "passwd"}},
    {{"staff", "add"}, {"NAME", "--admin", "--generate", "--db", "--postgres"}},
    {{"staff", "list"}, {"--db", "--postgres"}},
    {{"staff", "remove"}, {"NAME", "--db", "--postgres"}},
    {{"staff", "passwd"}, {"NAME", "--generate", "--db", "--postgres"}},
};

// What CLI11's help says of an option or command: its text from column 30 of the entry's line, or
// from the next line, indented to column 30, when the name (with its type and rules) is longer.
// Empty when the entry is missing.
std::string description(const std::string& help, const std::string& entry) {
    const std::string indent(30, ' ');
    auto at = help.find("\n  " + entry + " ");
    if (at == std::string::npos) return "";
    auto end = help.find('\n', at + 1);
    std::string line = help.substr(at + 1, end - at - 1);
    std::string next = end == std::string::npos ? "" : help.substr(end + 1, help.find('\n', end + 1) - end - 1);
    if (next.rfind(indent, 0) == 0) return next.substr(30);
    return line.size() > 30 ? line.substr(30) : "";
}

void expect_help(const std::string& bin, const CommandTable& commands) {
    for (const auto& [command, entries] : commands) {
        std::vector<std::string> argv = {bin};
        argv.insert(argv.end(), command.begin(), command.end());
        argv.push_back("--help");
        auto r = test::run(argv);
        std::string name = command.empty() ? "(no command)" : command.back();
        EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
        EXPECT_TRUE(r.err.empty()) << name << ": " << r.err;
        for (const auto& e : entries)
            EXPECT_GT(description(r.out, e).size(), 10u) << name << " --help: no line for " << e << ":\n" << r.out;
    }
}

TEST(Cli, EveryKioskCommandHasHelp) {
    expect_help(kBin, kKioskCommands);
    auto r = test::run({kBin, "--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.rfind("lkp-kiosk ", 0), 0u) << r.out;
}

TEST(Cli, EveryStoreCommandHasHelp) { expect_help(kStoreBin, kStoreCommands); }

TEST(Cli, UnknownOptionOfEveryCommandExitsTwoAndNamesIt) {
    test::TempDir dir;
    for (const auto& [command, options] : kKioskCommands) {
        std::vector<std::string> argv = {kBin};
        argv.insert(argv.end(), command.begin(), command.end());
        argv.insert(argv.end(), {"--data-dir-typo", dir.file("data")});
        auto r = test::run(argv);
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_TRUE(mentions(r.err, "--data-dir-typo")) << r.err;
        EXPECT_TRUE(mentions(r.err, "--help")) << r.err;
    }
    for (const auto& [command, options] : kStoreCommands) {
        std::vector<std::string> argv = {kStoreBin};
        argv.insert(argv.end(), command.begin(), command.end());
        if (command.size() == 2 && command[1] != "list") argv.push_back("some-kiosk");
        argv.insert(argv.end(), {"--db", dir.file("store.db"), "--bogus", "1"});
        auto r = test::run(argv);
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_TRUE(mentions(r.err, "--bogus")) << r.err;
    }
    EXPECT_FALSE(test::exists(dir.file("data")));
    EXPECT_FALSE(test::exists(dir.file("store.db")));
    // The kiosk's own options do not go before a command.
    auto r = test::run({kBin, "--data-dir", dir.file("data"), "status"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(mentions(r.err, "--data-dir")) << r.err;
}

TEST(Cli, NumbersOutOfRangeExitTwoAndNameTheOption) {
    test::TempDir dir;
    test::write_file(dir.file("token"), "t\n");
    std::vector<std::string> sync = {
        kBin,           "sync",           "--data-dir", dir.file("data"), "--store-url", "http://127.0.0.1:9",
        "--token-file", dir.file("token")};
    auto with = [](std::vector<std::string> argv, std::vector<std::string> more) {
        argv.insert(argv.end(), more.begin(), more.end());
        return argv;
    };
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{kBin, "simulate", "--data-dir", dir.file("data"), "--count", "0"}, "--count"},
        {{kBin, "simulate", "--data-dir", dir.file("data"), "--count", "10000001"}, "--count"},
        {{kBin, "simulate", "--data-dir", dir.file("data"), "--count", "many"}, "--count"},
        {{kBin, "simulate", "--data-dir", dir.file("data"), "--count", "5", "--seed", "-1"}, "--seed"},
        {{kBin, "simulate", "--data-dir", dir.file("data"), "--count", "5", "--seed", "1.5"}, "--seed"},
        {with(sync, {"--batch-size", "1001"}), "--batch-size"},
        {with(sync, {"--batch-size", "0"}), "--batch-size"},
        {with(sync, {"--timeout", "3601"}), "--timeout"},
        {with(sync, {"--backoff-cap", "86401"}), "--backoff-cap"},
        {with(sync, {"--once", "--max-failures", "0"}), "--max-failures"},
        {with(sync, {"--once", "--max-failures", "1001"}), "--max-failures"},
        {{kStoreBin, "serve", "--db", dir.file("store.db"), "--listen", "127.0.0.1:65536"}, "--listen"},
        {{kStoreBin, "serve", "--db", dir.file("store.db"), "--max-inflight", "0"}, "--max-inflight"},
    };
    for (const auto& [argv, option] : cases) {
        auto r = test::run(argv);
        EXPECT_EQ(r.exit_code, 2) << argv[1] << " " << option << ": " << r.err;
        EXPECT_TRUE(mentions(r.err, option + ":")) << r.err;
        EXPECT_TRUE(mentions(r.err, "--help")) << r.err;
    }
    EXPECT_FALSE(test::exists(dir.file("data")));
    EXPECT_FALSE(test::exists(dir.file("store.db")));
}

TEST(Cli, SyncMaxFailuresNeedsOnceButRequeueRejectedDoesNot) {
    test::TempDir dir;
    test::write_file(dir.file("token"), "t\n");
    std::vector<std::string> sync = {
        kBin, "sync", "--data-dir", dir.path(), "--store-url", "http://127.0.0.1:9", "--token-file", dir.file("token")};
    auto argv = sync;
    argv.insert(argv.end(), {"--max-failures", "3"});
    auto r = test::run(argv);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(mentions(r.err, "--max-failures requires --once")) << r.err;
    // Past the command line either way: what stops it is the missing database.
    for (bool once : {false, true}) {
        argv = sync;
        argv.push_back("--requeue-rejected");
        if (once) argv.push_back("--once");
        r = test::run(argv);
        EXPECT_EQ(r.exit_code, 2);
        EXPECT_TRUE(mentions(r.err, "no kiosk database at")) << r.err;
    }
}

// --store-url follows the config's rule: the token crosses a network only inside TLS.
TEST(Cli, SyncRefusesPlainHttpToAnotherMachine) {
    test::TempDir dir;
    test::write_file(dir.file("token"), "t\n");
    auto r = test::run({kBin, "sync", "--once", "--data-dir", dir.path(), "--store-url", "http://lkp.example.se",
                        "--token-file", dir.file("token")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(mentions(r.err, "--store-url \"http://lkp.example.se\" would send this kiosk's token unencrypted"))
        << r.err;
    EXPECT_TRUE(mentions(r.err, "use https://")) << r.err;
    // To this machine it may (a TLS proxy on the kiosk PC): what stops it here is the missing database.
    r = test::run({kBin, "sync", "--once", "--data-dir", dir.path(), "--store-url", "http://localhost:9",
                   "--token-file", dir.file("token")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(mentions(r.err, "no kiosk database at")) << r.err;
}

TEST(Cli, StoreNeedsExactlyOneDatabase) {
    test::TempDir dir;
    auto r = test::run({kStoreBin, "status"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(mentions(r.err, "give exactly one of --db FILE or --postgres URL")) << r.err;
    r = test::run({kStoreBin, "kiosk", "list", "--db", dir.file("store.db"), "--postgres", "postgresql:///x"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(mentions(r.err, "--db excludes --postgres")) << r.err;
    r = test::run({kStoreBin, "serve", "--db", dir.file("store.db"), "--tls-cert", dir.file("cert.pem")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(mentions(r.err, "--tls-cert requires --tls-key")) << r.err;
    r = test::run({kStoreBin, "kiosk", "add", "no spaces", "--db", dir.file("store.db")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(mentions(r.err, "kiosk name 'no spaces' must be 1-64 characters")) << r.err;
    r = test::run({kStoreBin});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(mentions(r.err, "lkp-store --help")) << r.err;
    EXPECT_FALSE(test::exists(dir.file("store.db")));
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
    ASSERT_EQ(std::sscanf(sim.out.c_str(), "simulated %d sessions: %d completed, %d abandoned", &started, &completed,
                          &abandoned),
              3);
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
              s["unreviewed_languages"].end())
        << "en.po says X-Native-Speaker-Reviewed: no";
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
// The staff PIN goes in on stdin, never on the command line, and only its hash is kept.
TEST(Cli, SetPinKeepsOnlyAHashAndRefusesABadPinWithExitTwo) {
    test::TempDir dir;
    std::string data = dir.file("data");
    for (const char* bad : {"12345\n", "12345a\n", "\n", ""}) {
        auto r = test::run_with_input({kBin, "set-pin", "--data-dir", data}, bad);
        EXPECT_EQ(r.exit_code, 2) << bad << r.err;
        EXPECT_FALSE(r.err.empty()) << "the problem is named";
        EXPECT_FALSE(std::filesystem::exists(data + "/staff-pin")) << bad;
    }
    auto r = test::run_with_input({kBin, "set-pin", "--data-dir", data}, "428193\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string kept = test::read_file(data + "/staff-pin");
    EXPECT_EQ(kept.find("428193"), std::string::npos);
    EXPECT_EQ(kept.rfind("$argon2id$", 0), 0u) << kept;
    EXPECT_EQ(std::filesystem::status(data + "/staff-pin").permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace lkp

namespace lkp {
namespace {

// A corrupt database the kiosk moved aside (issue 14) stays in `status` until staff deal with it.
TEST(Cli, StatusNamesACorruptDatabaseMovedAside) {
    test::TempDir dir;
    std::string data = dir.file("data");
    KioskDatabase::open(data);
    test::write_file(data + "/" + std::string(kDatabaseFile) + ".corrupt-20261130T101500Z", "junk");
    auto text = test::run({kBin, "status", "--data-dir", data});
    EXPECT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("CORRUPT DATABASE moved aside, kept for recovery: " + data +
                            "/responses.sqlite.corrupt-20261130T101500Z"),
              std::string::npos)
        << text.out;
    auto json = test::run({kBin, "status", "--data-dir", data, "--json"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    EXPECT_EQ(Json::parse(json.out)["quarantined_databases"].size(), 1u);
}

// Issue 14: a full disk. With the kiosk stopped, SQLite cannot even make its journal to read the
// database; status says what that means instead of only SQLite's words.
TEST(Cli, StatusOnAFullDiskSaysTheKioskIsClosedUntilThereIsRoom) {
    test::TempDir dir;
    test::SmallDisk disk(dir.file("data"), "32m");  // room to spare: above kLowDiskBytes
    if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
    auto sim = test::run({kBin, "simulate", "--data-dir", disk.path(), "--count", "5"});
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
    auto roomy = test::run({kBin, "status", "--data-dir", disk.path(), "--json"});
    ASSERT_EQ(roomy.exit_code, 0) << roomy.err;
    EXPECT_FALSE(Json::parse(roomy.out)["low_disk"].get<bool>());
    disk.fill();
    auto full = test::run({kBin, "status", "--data-dir", disk.path()});
    EXPECT_EQ(full.exit_code, 1);
    EXPECT_NE(full.err.find("the disk of " + disk.path() + " is full (0 B free)"), std::string::npos) << full.err;
    EXPECT_NE(full.err.find("\"temporarily closed\""), std::string::npos) << full.err;
    disk.free_space();
    auto again = test::run({kBin, "status", "--data-dir", disk.path()});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("free disk"), std::string::npos) << again.out;
}

}  // namespace
}  // namespace lkp
