// The config is edited by hand on site: defaults for everything, file:line for every mistake.
#include "core/config.h"

#include <gtest/gtest.h>

#include "core/kiosk_data.h"
#include "support/test_support.h"
#include "ui/kiosk_ui.h"

namespace lkp {
namespace {

std::string error_of(const std::string& text) {
    try {
        parse_config("kiosk.conf", text);
    } catch (const LoadError& e) {
        return e.what();
    }
    return "no error";
}

TEST(Config, DefaultsNeedNoFile) {
    KioskConfig c = default_config();
    EXPECT_EQ(c.idle_timeout_seconds, 45);
    EXPECT_TRUE(c.fullscreen);
    EXPECT_TRUE(test::exists(c.survey_file));
    EXPECT_TRUE(test::exists(c.districts_file));
}

TEST(Config, ParsesKeysCommentsAndBlankLines) {
    KioskConfig c = parse_config("kiosk.conf",
                                 "# Dunkers kulturhus\n\nkiosk_id = dunkers-01\nlocation=001\n"
                                 "idle_timeout_seconds = 30\nfullscreen = no\n");
    EXPECT_EQ(c.kiosk_id, "dunkers-01");
    EXPECT_EQ(c.location, "001");
    EXPECT_EQ(c.idle_timeout_seconds, 30);
    EXPECT_FALSE(c.fullscreen);
    EXPECT_EQ(c.countdown_seconds, 20);
    EXPECT_EQ(c.line_of("location"), 4);
}

TEST(Config, MistakesAreReportedWithTheirLine) {
    EXPECT_EQ(error_of("kiosk_id = a\nidle_timout_seconds = 5\n").substr(0, 13), "kiosk.conf:2:");
    EXPECT_NE(error_of("kiosk_id = a\nidle_timout_seconds = 5\n").find("unknown setting \"idle_timout_seconds\""),
              std::string::npos);
    EXPECT_EQ(error_of("\n\nidle_timeout_seconds = soon\n"), "kiosk.conf:3: \"soon\" is not a whole number");
    EXPECT_EQ(error_of("idle_timeout_seconds = 2\n"), "kiosk.conf:1: 2 is outside 5..3600");
    EXPECT_EQ(error_of("fullscreen = maybe\n"), "kiosk.conf:1: \"maybe\" is not true or false");
    EXPECT_EQ(error_of("kiosk_id = a b\n"),
              "kiosk.conf:1: \"a b\" may only contain letters a-z, digits, '-', '_' and '.'");
    EXPECT_EQ(error_of("just words\n"), "kiosk.conf:1: expected \"key = value\", got \"just words\"");
    EXPECT_EQ(error_of("monitor = 1\nmonitor = 2\n"), "kiosk.conf:2: \"monitor\" is set twice (first on line 1)");
    EXPECT_EQ(error_of("screen_diagonal_inches = big\n"), "kiosk.conf:1: \"big\" is not a number of inches");
    EXPECT_DOUBLE_EQ(parse_config("k", "screen_diagonal_inches = 21.5\n").screen_diagonal_inches, 21.5);
}

TEST(Config, SyncSettings) {
    // The store's maximum batch (kMaxBatchItems): a backlog drains in as few transactions as it allows.
    EXPECT_EQ(default_config().sync_batch_size, 1000);
    KioskConfig c =
        parse_config("k", "store_url = https://lkp.example.se/\ntoken_file = /etc/lkp/token\nsync_batch_size = 50\n");
    EXPECT_EQ(c.store_url, "https://lkp.example.se");  // one spelling, with or without the slash
    EXPECT_EQ(c.token_file, "/etc/lkp/token");
    EXPECT_EQ(c.sync_batch_size, 50);
    EXPECT_EQ(c.sync_backoff_cap_seconds, 300);
    EXPECT_EQ(error_of("store_url = ftp://x\n"),
              "kiosk.conf:1: store_url \"ftp://x\" is not an http:// or https:// address");
    EXPECT_EQ(error_of("token_file = t\nstore_url = https://x\nsync_batch_size = 5000\n"),
              "kiosk.conf:3: 5000 is outside 1..1000");
    EXPECT_EQ(error_of("\nstore_url = https://x\n"),
              "kiosk.conf:2: store_url is set but token_file is not: the store needs this kiosk's token");
}

// The token goes in every request's header: in clear only to this very machine (a TLS proxy such
// as nginx or stunnel on the kiosk PC, or a test's store on 127.0.0.1), never across a network.
// Repeated answers (issue 11): more than burst_limit within burst_window seconds are flagged.
TEST(Config, BurstRule) {
    EXPECT_EQ(default_config().burst_limit, 3);
    EXPECT_EQ(default_config().burst_window_seconds, 60);
    KioskConfig c = parse_config("k", "burst_limit = 5\nburst_window = 120\n");
    EXPECT_EQ(c.burst_limit, 5);
    EXPECT_EQ(c.burst_window_seconds, 120);
    EXPECT_EQ(parse_config("k", "burst_window = 0\n").burst_window_seconds, 0) << "0: no rule and no wait";
    EXPECT_EQ(error_of("kiosk_id = a\nburst_limit = 0\n"), "kiosk.conf:2: 0 is outside 1..1000");
    EXPECT_EQ(error_of("burst_limit = three\n"), "kiosk.conf:1: \"three\" is not a whole number");
    EXPECT_EQ(error_of("\n\nburst_window = 3601\n"), "kiosk.conf:3: 3601 is outside 0..3600");
    EXPECT_EQ(error_of("burst_window = -1\n"), "kiosk.conf:1: -1 is outside 0..3600");
    EXPECT_EQ(error_of("burst_window = 60s\n"), "kiosk.conf:1: \"60s\" is not a whole number");
}

TEST(Config, PlainHttpOnlyToThisMachine) {
    for (const char* url : {"http://127.0.0.1:8080", "http://127.0.0.1", "http://127.8.9.10:1/", "http://localhost",
                            "http://LocalHost:8443/", "http://[::1]:8080", "http://[::1]", "http://127.0.0.1:8080/a@b",
                            "https://lkp.example.se", "https://10.0.0.5:8443", "https://user@lkp.example.se"}) {
        std::string text = "token_file = t\nstore_url = " + std::string(url) + "\n";
        EXPECT_EQ(error_of(text), "no error") << url;
    }
    for (const char* url : {"http://lkp.example.se",
                            "http://10.0.0.5:8080",
                            "http://192.168.1.2",
                            "http://127.0.0.1.evil.example",
                            "http://localhost.evil.example",
                            "http://localhost.",
                            "http://localhost@evil.example",
                            "http://127.0.0.1:80@evil.example",
                            "http://127.0.0.1\\@evil.example",
                            "http://[::2]",
                            "http://[::1].evil",
                            "http://128.0.0.1",
                            "http://127.0.0.256",
                            "http://127.1",
                            "http://0177.0.0.1",
                            "http://0x7f000001",
                            "http://2130706433",
                            "http://127.0.0.1:",
                            "http://127.0.0.1:80x",
                            "http://:8080",
                            "http://"}) {
        std::string text = "token_file = t\nstore_url = " + std::string(url) + "\n";
        std::string error = error_of(text);
        EXPECT_NE(error.find("kiosk.conf:2: store_url \"" + std::string(url) + "\" "), std::string::npos)
            << url << " was accepted or named wrongly: " << error;
        EXPECT_NE(error.find("https://"), std::string::npos) << error;
    }
    EXPECT_EQ(error_of("token_file = t\nstore_url = http://lkp.example.se/\n"),
              "kiosk.conf:2: store_url \"http://lkp.example.se/\" would send this kiosk's token unencrypted: "
              "http:// is allowed only to this machine (localhost, 127.x.x.x, [::1]); use https://");
}

TEST(Config, LocationMustBeADistrictInTheList) {
    test::TempDir dir;
    test::write_file(dir.file("kiosk.conf"), "kiosk_id = k\nlocation = 999\n");
    try {
        load_kiosk_data(dir.file("kiosk.conf"), ui_message_ids());
        FAIL() << "an unknown location was accepted";
    } catch (const LoadError& e) {
        EXPECT_NE(std::string(e.what()).find("kiosk.conf:2: location \"999\" is not a district code"),
                  std::string::npos)
            << e.what();
    }
    test::write_file(dir.file("kiosk.conf"), "location = 041\ndefault_language = xx\n");
    EXPECT_THROW(load_kiosk_data(dir.file("kiosk.conf"), ui_message_ids()), LoadError);
    test::write_file(dir.file("kiosk.conf"), "location = 041\n");
    EXPECT_EQ(load_kiosk_data(dir.file("kiosk.conf"), ui_message_ids()).config.location, "041");
}

TEST(Config, ShippedExampleUsesOnlyKnownKeysAndValidValues) {
    KioskConfig c = load_config(std::string(LKP_SOURCE_DIR) + "/kiosk/kiosk.conf.example");
    EXPECT_EQ(c.data_dir, "/var/lib/lkp-kiosk");
    EXPECT_TRUE(c.fullscreen);
}

// An old kiosk.conf may name Lätt svenska by its tag before issue 12: it means "sv-x-easy".
TEST(Config, EasySwedishUnderItsFormerTagIsTheValidTag) {
    EXPECT_EQ(parse_config("kiosk.conf", "default_language = sv-easy\n").default_language, "sv-x-easy");
    EXPECT_EQ(parse_config("kiosk.conf", "default_language = sv-x-easy\n").default_language, "sv-x-easy");
    EXPECT_EQ(parse_config("kiosk.conf", "default_language = en\n").default_language, "en");
}

}  // namespace
}  // namespace lkp
