// The /v1 wire format: what the store accepts item by item, and how the client reads answers.
#include <gtest/gtest.h>

#include "protocol/batch.h"
#include "protocol/heartbeat.h"
#include "protocol/safe_text.h"
#include "record/response_codec.h"
#include "support/test_support.h"

namespace lkp::sync {
namespace {

const auto kNow = *parse_utc("2026-11-22T12:00:00.000Z");

SurveyCatalog catalog() {
    static const KioskData data = test::builtin_data();
    return SurveyCatalog{{data.survey}, data.districts};
}

Json valid_item(int n = 1) {
    char id[37];
    std::snprintf(id, sizeof id, "3f1c2a9e-5b7d-4c1e-9a2b-%012d", n);
    return Json{
        {"id", id},
        {"kiosk_id", "bibliotek-1"},
        {"seq", n},
        {"survey_id", "helsingborg-lkp"},
        {"survey_version", 1},
        {"location", "001"},
        {"language", "ar"},
        {"district", "022"},
        {"answers",
         {{"trygghet", 2}, {"delaktighet", 7}, {"livskvalitet", nullptr}, {"age_band", "30-44"}, {"gender", "K"}}},
        {"started_at", "2026-11-22T10:15:00.000Z"},
        {"submitted_at", "2026-11-22T10:15:41.250Z"},
        {"flags", Json::array()}};
}

std::vector<ParsedItem> parse(const std::vector<Json>& items) {
    return parse_batch(Json{{"responses", items}}.dump(), catalog(), kNow);
}

// One invalid field: the item is rejected naming that field, its neighbours are untouched.
// Returns the verdict for the caller to EXPECT: an ASSERT in a helper only leaves the helper.
[[nodiscard]] ::testing::AssertionResult rejected_naming(const Json& item, const std::string& field,
                                                         const std::string& reason_part) {
    auto items = parse({valid_item(1), item, valid_item(3)});
    if (items.size() != 3) return ::testing::AssertionFailure() << items.size() << " results for 3 items";
    if (!items[0].response || !items[2].response)
        return ::testing::AssertionFailure() << "a valid neighbour was rejected beside " << item.dump();
    if (items[1].response) return ::testing::AssertionFailure() << "accepted: " << item.dump();
    if (items[1].field != field || items[1].reason.find(reason_part) == std::string::npos)
        return ::testing::AssertionFailure() << "rejected naming \"" << items[1].field << "\": " << items[1].reason;
    return ::testing::AssertionSuccess();
}

TEST(Protocol, ValidItemBecomesTheResponseTheKioskSaved) {
    auto items = parse({valid_item(7)});
    ASSERT_TRUE(items[0].response);
    const Response& r = *items[0].response;
    EXPECT_EQ(r.id, "3f1c2a9e-5b7d-4c1e-9a2b-000000000007");
    EXPECT_EQ(r.seq, 7);
    EXPECT_EQ(r.district, "022");
    ASSERT_EQ(r.answers.size(), 5u);
    EXPECT_EQ(r.answers[0].first, "trygghet");   // survey order, not key order
    EXPECT_TRUE(r.answers[2].second.is_null());  // declined stays declined
    // The client's encoding of that response is accepted as the very same item.
    auto again = parse_batch(encode_batch({r}), catalog(), kNow);
    ASSERT_TRUE(again[0].response);
    EXPECT_EQ(record::to_wire(*again[0].response), record::to_wire(r));
}

// A wrong kiosk clock loses no answer (issue 14): the item is valid and marked clock_off when its
// submitted_at is more than a day ahead or two years behind the store's clock, or when the batch's
// Kiosk-Sent-At is more than an hour off; the rest of the item is checked as always.
TEST(Protocol, AWrongKioskClockKeepsTheAnswerAndMarksIt) {
    auto item_at = [](const char* submitted, const char* started) {
        Json j = valid_item(2);
        j["submitted_at"] = submitted;
        j["started_at"] = started;
        return Json{{"responses", {j}}}.dump();
    };
    auto verdict = [](const std::vector<ParsedItem>& items) {
        if (!items.at(0).response) return "rejected: " + items.at(0).field + " " + items.at(0).reason;
        return std::string(items.at(0).clock_off ? "kept, clock off" : "kept");
    };
    const std::string old = item_at("2019-11-22T10:15:41.250Z", "2019-11-22T10:15:00.000Z");
    const std::string ahead = item_at("2031-01-01T00:00:00.000Z", "2030-12-31T23:59:00.000Z");
    const std::string today = item_at("2026-11-22T10:15:41.250Z", "2026-11-22T10:15:00.000Z");
    EXPECT_EQ(verdict(parse_batch(old, catalog(), kNow)), "kept, clock off");
    EXPECT_EQ(verdict(parse_batch(ahead, catalog(), kNow)), "kept, clock off");
    EXPECT_EQ(verdict(parse_batch(today, catalog(), kNow)), "kept");
    // The window's edges: a day ahead and two years behind are still plausible.
    EXPECT_EQ(verdict(parse_batch(item_at("2026-11-23T12:00:00.000Z", "2026-11-23T11:59:00.000Z"), catalog(), kNow)),
              "kept");
    EXPECT_EQ(verdict(parse_batch(item_at("2026-11-23T12:00:00.001Z", "2026-11-23T11:59:00.000Z"), catalog(), kNow)),
              "kept, clock off");

    auto sent = [](std::chrono::system_clock::duration off) { return BatchClock{kNow, kNow + off}; };
    EXPECT_EQ(verdict(parse_batch(today, catalog(), sent(std::chrono::hours(1)))), "kept");
    EXPECT_EQ(verdict(parse_batch(today, catalog(), sent(-std::chrono::hours(1)))), "kept");
    EXPECT_EQ(verdict(parse_batch(today, catalog(), sent(std::chrono::hours(1) + std::chrono::milliseconds(1)))),
              "kept, clock off");
    EXPECT_EQ(verdict(parse_batch(today, catalog(), sent(-std::chrono::hours(2)))), "kept, clock off");
    EXPECT_EQ(*sent(-std::chrono::hours(2)).skew(), std::chrono::hours(2)) << "positive: the kiosk is behind";
    EXPECT_FALSE((BatchClock{kNow, std::nullopt}.skew()));

    // Not about the clock: still rejected whatever the clock says.
    EXPECT_EQ(verdict(parse_batch(item_at("2019-11-22T10:15:41.250Z", "2019-11-20T10:15:00.000Z"), catalog(), kNow)),
              "rejected: started_at must be before submitted_at and on the same day");
}

TEST(Protocol, EachBadFieldIsNamed) {
    Json j = valid_item(2);
    j["answers"]["trygghet"] = 7;
    EXPECT_TRUE(rejected_naming(j, "answers.trygghet", "not on"));
    j = valid_item(2), j["answers"]["livskvalitet"] = "10";
    EXPECT_TRUE(rejected_naming(j, "answers.livskvalitet", "not on"));
    j = valid_item(2), j["answers"].erase("gender");
    EXPECT_TRUE(rejected_naming(j, "answers.gender", "missing"));
    j = valid_item(2), j["answers"]["favourite_colour"] = 1;
    EXPECT_TRUE(rejected_naming(j, "answers.favourite_colour", "not a question"));
    j = valid_item(2), j["survey_version"] = 99;
    EXPECT_TRUE(rejected_naming(j, "survey_id", "does not know"));
    j = valid_item(2), j["district"] = "atlantis";
    EXPECT_TRUE(rejected_naming(j, "district", "not a district"));
    j = valid_item(2), j["id"] = "not-a-uuid";
    EXPECT_TRUE(rejected_naming(j, "id", "UUID"));
    j = valid_item(2), j["seq"] = "12";
    EXPECT_TRUE(rejected_naming(j, "seq", "integer"));
    j = valid_item(2), j["started_at"] = "0000-01-01T00:00:00Z";
    EXPECT_TRUE(rejected_naming(j, "started_at", "not a UTC time"));
    j = valid_item(2), j["extra"] = true;
    EXPECT_TRUE(rejected_naming(j, "extra", "unknown field"));
    j = valid_item(2), j.erase("flags");
    EXPECT_TRUE(rejected_naming(j, "flags", "missing"));
}

TEST(Protocol, BodiesThatAreNoBatchAreRefusedWhole) {
    auto status_of = [](std::string_view body) {
        try {
            parse_batch(body, catalog(), kNow);
        } catch (const BatchError& e) {
            return e.status();
        }
        return 200;
    };
    EXPECT_EQ(status_of("{\"responses\": ["), 400);
    EXPECT_EQ(status_of("[]"), 400);
    EXPECT_EQ(status_of("{\"responses\": [], \"more\": 1}"), 400);
    EXPECT_EQ(status_of("{\"responses\": [9e999]}"), 400);
    EXPECT_EQ(status_of("{\"responses\": [\"\xff\xfe\"]}"), 400);  // invalid UTF-8
    EXPECT_EQ(status_of(Json{{"responses", std::vector<int>(kMaxBatchItems + 1, 0)}}.dump()), 413);
    EXPECT_EQ(status_of("{\"responses\": []}"), 200);
}

TEST(Protocol, ClientReadsOnlyTheStoresOwnAnswer) {
    std::vector<std::string> ids{"a", "b"};
    std::vector<ItemResult> results{{"a", ItemResult::Status::Created},
                                    {"b", ItemResult::Status::Rejected, "conflict", "answers.trygghet", "differs"}};
    auto back = parse_results(encode_results("key", results), ids);
    ASSERT_EQ(back.size(), 2u);
    EXPECT_TRUE(back[0].delivered());
    EXPECT_FALSE(back[1].delivered());
    EXPECT_EQ(back[1].code, "conflict");
    EXPECT_EQ(back[1].field, "answers.trygghet");

    std::string good = encode_results("key", results);
    EXPECT_THROW(parse_results("<html><body>Log in to Mall-WiFi</body></html>", ids), std::runtime_error);
    EXPECT_THROW(parse_results(good.substr(0, good.size() / 2), ids), std::runtime_error);
    EXPECT_THROW(parse_results(good, {"a"}), std::runtime_error);       // count differs
    EXPECT_THROW(parse_results(good, {"b", "a"}), std::runtime_error);  // order differs
}

TEST(Protocol, HeartbeatRoundTripsAndNamesBadFields) {
    Heartbeat h{"bibliotek-1", "0.1.0", 12, 1, 3600, 1'000'000'000, "timeout", "2026-11-22T10:00:00.000Z"};
    Heartbeat back = parse_heartbeat(encode_heartbeat(h));
    EXPECT_EQ(back.kiosk_id, h.kiosk_id);
    EXPECT_EQ(back.oldest_unsent_age_s, 3600);
    EXPECT_EQ(back.last_error, "timeout");
    h.oldest_unsent_age_s.reset();
    EXPECT_FALSE(parse_heartbeat(encode_heartbeat(h)).oldest_unsent_age_s);
    try {
        parse_heartbeat(R"({"kiosk_id": "k", "program_version": "1", "unsent": -1})");
        FAIL() << "a negative count was accepted";
    } catch (const BatchError& e) {
        EXPECT_NE(std::string(e.what()).find("unsent"), std::string::npos) << e.what();
    }
}

TEST(Protocol, UtcTimesAndUuids) {
    EXPECT_TRUE(parse_utc("2026-02-28T23:59:59Z"));
    EXPECT_FALSE(parse_utc("2026-02-29T00:00:00Z"));  // not a leap year
    EXPECT_FALSE(parse_utc("2026-11-22 10:15:00.000Z"));
    EXPECT_FALSE(parse_utc("2026-11-22T10:15:00.000+01:00"));
    EXPECT_EQ(*parse_utc("1970-01-01T00:00:01.500Z") - std::chrono::system_clock::time_point{},
              std::chrono::milliseconds(1500));
    EXPECT_TRUE(is_uuid(new_uuid_v4()));
    EXPECT_FALSE(is_uuid("3F1C2A9E-5B7D-4C1E-9A2B-000000000001"));
}

// ---- Hostile input (issue 13) --------------------------------------------------------------

// True when a terminal would act on nothing in `s`: no C0 control (newline included), no DEL,
// no C1 control, no bidi control, and valid UTF-8.
::testing::AssertionResult terminal_safe(const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F) return ::testing::AssertionFailure() << "control byte " << int(c) << " in " << s;
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(s[i + 1]) < 0xA0)
            return ::testing::AssertionFailure() << "C1 control in " << s;
    }
    for (const char* bidi :
         {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"})
        if (s.find(bidi) != std::string::npos) return ::testing::AssertionFailure() << "bidi control in " << s;
    try {
        (void)Json(s).dump();
    } catch (const Json::exception&) {
        return ::testing::AssertionFailure() << "not UTF-8: " << s;
    }
    return ::testing::AssertionSuccess();
}

TEST(SafeText, KeepsPrintableUtf8AndEscapesWhatATerminalWouldActOn) {
    EXPECT_EQ(quote_input("bibliotek-1"), "'bibliotek-1'");
    EXPECT_EQ(for_terminal("Ättekulla, حي", 100), "Ättekulla, حي");
    EXPECT_EQ(for_terminal("a\nb\tc\rd", 100), "a\\nb\\tc\\rd");
    EXPECT_EQ(for_terminal("\x1b]0;owned\x07\x1b[2J", 100), "\\x1b]0;owned\\x07\\x1b[2J");
    EXPECT_EQ(for_terminal(std::string("a\0b", 3), 100), "a\\x00b");
    EXPECT_EQ(for_terminal("\x7f", 100), "\\x7f");
    EXPECT_EQ(for_terminal("\xc2\x9b"
                           "31m",
                           100),
              "\\u{009B}31m");                                          // C1 CSI
    EXPECT_EQ(for_terminal("abc\u202edcba", 100), "abc\\u{202E}dcba");  // right-to-left override
    EXPECT_EQ(for_terminal("\u2066x\u2069\u200f\u061c", 100), "\\u{2066}x\\u{2069}\\u{200F}\\u{061C}");
    EXPECT_EQ(for_terminal("\xc3\x28", 100), "\\xc3(");                        // cut-off sequence
    EXPECT_EQ(for_terminal("\xc0\xaf", 100), "\\xc0\\xaf");                    // overlong '/'
    EXPECT_EQ(for_terminal("\xed\xa0\x80", 100), "\\xed\\xa0\\x80");           // a surrogate
    EXPECT_EQ(for_terminal("\xf4\x90\x80\x80", 100), "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
    EXPECT_EQ(for_terminal("\xf0\x9f\x99\x82", 100), "\xf0\x9f\x99\x82");      // an emoji is fine
    EXPECT_EQ(for_terminal("C:\\path", 100), "C:\\path");                      // backslash kept
}

TEST(SafeText, CutsPastTheLimitNeverInsideACharacterOrAnEscape) {
    EXPECT_EQ(quote_input(std::string(100, 'a')), "'" + std::string(32, 'a') + "…'");
    EXPECT_EQ(for_terminal("abc", 3), "abc");
    EXPECT_EQ(for_terminal("abcd", 3), "abc…");
    EXPECT_EQ(for_terminal("ab\x1b", 4), "ab…");  // "\x1b" would pass the limit: left out whole
    std::string many_a_umlaut;
    for (int i = 0; i < 40; ++i) many_a_umlaut += "ä";
    std::string cut = for_terminal(many_a_umlaut, 33);  // 16 whole characters, not 16.5
    EXPECT_EQ(cut, many_a_umlaut.substr(0, 32) + "…");
    EXPECT_EQ(for_terminal(std::string(1 << 20, '\x1b'), 1000).size(), 1000u / 4 * 4 + 3);
    EXPECT_EQ(for_terminal("", 10), "");
    EXPECT_EQ(quote_input(""), "''");
}

TEST(SafeText, EveryByteValueComesOutTerminalSafe) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (int i = 0; i < 256; ++i) all += "x" + std::string(1, static_cast<char>(i)) + "\x80\xbf";
    EXPECT_TRUE(terminal_safe(for_terminal(all, all.size() * 8)));
    EXPECT_EQ(for_terminal(for_terminal(all, 100000), 100000), for_terminal(all, 100000));  // idempotent
    EXPECT_TRUE(has_control_character(std::string("a\0", 2)));
    EXPECT_TRUE(has_control_character("a\x1f"));
    EXPECT_TRUE(has_control_character("\x7f"));
    EXPECT_TRUE(has_control_character("\xc2\x85"));
    EXPECT_FALSE(has_control_character("Ättekulla \xc2\xa0 حي \u202e"));
}

// The item of the issue: one answer nested 100,000 arrays deep. It crashed the store (a
// recursive dump of the value for the rejection message) after nlohmann had built the whole tree.
TEST(Protocol, DeeplyNestedValueIsRefusedWhileParsing) {
    std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
    std::string body = valid_item(1).dump();
    body.replace(body.find("\"trygghet\":2"), 12, "\"trygghet\":" + deep);
    body = "{\"responses\":[" + body + "]}";
    try {
        parse_batch(body, catalog(), kNow);
        FAIL() << "a value nested 100,000 deep was accepted";
    } catch (const BatchError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_LT(std::string(e.what()).size(), 300u) << e.what();
    }
    // Not only inside an item: a body of nothing but '[' is refused as quickly.
    try {
        parse_batch(std::string(100'000, '['), catalog(), kNow);
        FAIL();
    } catch (const BatchError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_LT(std::string(e.what()).size(), 300u) << e.what();
    }
    // The deepest a real item goes is still fine.
    Json item = valid_item(2);
    item["flags"] = {"synthetic"};
    EXPECT_TRUE(parse({item}).at(0).response);
}

TEST(Protocol, RejectionsQuoteOnlyAFewSafeBytesOfWhatWasSent) {
    const std::string attack = "\x1b]0;owned\x07\x1b[2J\u202e" + std::string(10'000, 'x');
    auto bounded = [](const ParsedItem& p) {
        EXPECT_FALSE(p.response);
        EXPECT_LE(p.field.size(), 100u) << p.field;
        EXPECT_LE(p.reason.size(), 300u) << p.reason;
        EXPECT_TRUE(terminal_safe(p.field));
        EXPECT_TRUE(terminal_safe(p.reason));
    };
    Json j = valid_item(2);
    j[attack] = 1;  // an unknown field
    bounded(parse({j}).at(0));
    j = valid_item(2), j["answers"][attack] = 1;  // an unknown question
    bounded(parse({j}).at(0));
    j = valid_item(2), j["answers"]["gender"] = attack;  // not on the scale
    bounded(parse({j}).at(0));
    j = valid_item(2), j["answers"]["trygghet"] = Json::array({attack, attack});
    bounded(parse({j}).at(0));
    j = valid_item(2), j["district"] = attack.substr(0, 60);
    bounded(parse({j}).at(0));
    j = valid_item(2), j["survey_id"] = attack.substr(0, 60);
    bounded(parse({j}).at(0));
    j = valid_item(2), j["language"] =
                           "\x1b[2J\u202e"
                           "abcd";
    bounded(parse({j}).at(0));

    // The problem detail of a body that is not JSON quotes only a few bytes of it.
    for (const std::string& body :
         {"{\"responses\": [\"" + attack + "\xff\"]}", "{\"responses\": [1" + std::string(10'000, '0') + "e999]}",
          "{\"responses\": [tru\x1b" + attack + "]}"}) {
        try {
            parse_batch(body, catalog(), kNow);
            ADD_FAILURE() << "accepted";
        } catch (const BatchError& e) {
            EXPECT_EQ(e.status(), 400);
            EXPECT_LE(std::string(e.what()).size(), 300u) << e.what();
            EXPECT_TRUE(terminal_safe(e.what()));
        }
    }
}

// A NUL in a flag failed a whole PostgreSQL batch (500 on every resend); one in location was cut
// off silently there and kept on SQLite. Now any control character makes that item invalid.
TEST(Protocol, ControlCharactersInAnyTextFieldMakeTheItemInvalid) {
    const std::string nul("a\0b", 3);
    Json j = valid_item(2);
    j["flags"] = {"synthetic", nul};
    EXPECT_TRUE(rejected_naming(j, "flags", "control character"));
    j = valid_item(2), j["location"] = std::string("001\0x", 5);
    EXPECT_TRUE(rejected_naming(j, "location", "control character"));
    j = valid_item(2), j["kiosk_id"] = "bibliotek-1\x1b[2J";
    EXPECT_TRUE(rejected_naming(j, "kiosk_id", "control character"));
    j = valid_item(2), j["district"] = "022\n";
    EXPECT_TRUE(rejected_naming(j, "district", "control character"));
    j = valid_item(2), j["survey_id"] = "helsingborg-lkp\x7f";
    EXPECT_TRUE(rejected_naming(j, "survey_id", "control character"));
    j = valid_item(2), j["flags"] = {"\xc2\x85"};
    EXPECT_TRUE(rejected_naming(j, "flags", "control character"));
    // Without a district list there is nothing else to catch them.
    SurveyCatalog any_district = catalog();
    any_district.districts.reset();
    j = valid_item(2), j["location"] = nul;
    auto items = parse_batch(Json{{"responses", {j}}}.dump(), any_district, kNow);
    EXPECT_FALSE(items.at(0).response);
    EXPECT_EQ(items.at(0).field, "location");
}

TEST(Protocol, IntegralNumberSentAsFloatIsStoredAsTheInteger) {
    Json j = valid_item(2);
    j["answers"]["trygghet"] = 2.0;
    j["answers"]["delaktighet"] = 7e0;
    auto items = parse({j});
    ASSERT_TRUE(items.at(0).response) << items.at(0).reason;
    const Json* v = items[0].response->answer("trygghet");
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->is_number_integer()) << v->dump();
    EXPECT_EQ(v->dump(), "2");
    EXPECT_EQ(items[0].response->answer("delaktighet")->dump(), "7");
    EXPECT_EQ(record::to_row(*items[0].response)[8]->find("2.0"), std::string::npos);
    j["answers"]["trygghet"] = 2.5;
    EXPECT_TRUE(rejected_naming(j, "answers.trygghet", "not on"));
}

TEST(Protocol, LocationMustBeADistrictOfTheList) {
    Json j = valid_item(2);
    j["location"] = "atlantis";
    EXPECT_TRUE(rejected_naming(j, "location", "not a district"));
    j["location"] = kDistrictOutside;  // a resident's answer, not where a kiosk stands
    EXPECT_TRUE(rejected_naming(j, "location", "not a district"));
    j["location"] = nullptr;
    EXPECT_TRUE(parse({j}).at(0).response);
    j["location"] = "041";
    EXPECT_TRUE(parse({j}).at(0).response);
    SurveyCatalog any_district = catalog();
    any_district.districts.reset();
    j["location"] = "atlantis";
    EXPECT_TRUE(parse_batch(Json{{"responses", {j}}}.dump(), any_district, kNow).at(0).response);
}

TEST(Protocol, HeartbeatSentAtMustBeAUtcTime) {
    Heartbeat h{"bibliotek-1", "0.1.0", 12, 1, 3600, 1'000'000'000, "timeout", "yesterday"};
    try {
        parse_heartbeat(encode_heartbeat(h));
        FAIL() << "sent_at 'yesterday' was accepted";
    } catch (const BatchError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_NE(std::string(e.what()).find("sent_at"), std::string::npos) << e.what();
    }
    h.sent_at = "2026-11-22T10:00:00Z";
    EXPECT_EQ(parse_heartbeat(encode_heartbeat(h)).sent_at, h.sent_at);
}

// A last_error may hold any text (it is the kiosk's own error message): it is stored and shown
// escaped. Only NUL, which PostgreSQL cannot store and cut off silently, is replaced by U+FFFD.
TEST(Protocol, HeartbeatTextIsKeptExceptNul) {
    Heartbeat h{"bibliotek-1",
                "0.1.0",
                0,
                0,
                std::nullopt,
                std::nullopt,
                std::string("a\0b\x1b[2J\n", 8),
                "2026-11-22T10:00:00.000Z"};
    EXPECT_EQ(parse_heartbeat(encode_heartbeat(h)).last_error, "a\uFFFDb\x1b[2J\n");
    EXPECT_THROW(parse_heartbeat(std::string(100'000, '[')), BatchError);
}

// Lätt svenska's tag was "sv-easy" (not valid BCP 47) until issue 12: a kiosk of before then
// still sends it, and the store takes it as "sv-x-easy", as it takes the new tag.
TEST(Protocol, EasySwedishIsTakenUnderEitherTagAsSvXEasy) {
    Json before = valid_item(1), now = valid_item(2);
    before["language"] = "sv-easy";
    now["language"] = "sv-x-easy";
    auto items = parse({before, now});
    ASSERT_TRUE(items[0].response) << items[0].reason;
    ASSERT_TRUE(items[1].response) << items[1].reason;
    EXPECT_EQ(items[0].response->language, "sv-x-easy");
    EXPECT_EQ(items[1].response->language, "sv-x-easy");
}

// What the kiosk sends: an answer recorded in Lätt svenska goes out as "sv-x-easy", an old one
// of its outbox too.
TEST(Protocol, KioskSendsEasySwedishAsSvXEasy) {
    auto items = parse({valid_item(1)});
    ASSERT_TRUE(items[0].response);
    Response r = *items[0].response;
    r.language = "sv-easy";  // as a kiosk stored it before issue 12
    Json sent = Json::parse(encode_batch({r}));
    EXPECT_EQ(sent["responses"][0]["language"], "sv-x-easy");
    EXPECT_EQ(sent.dump().find("sv-easy"), std::string::npos);
}

}  // namespace
}  // namespace lkp::sync

namespace lkp::record {
namespace {

// What for_each_answer hands over, as one line per answer, for comparing.
std::vector<std::string> answers_read(std::string_view stored) {
    std::vector<std::string> out;
    for_each_answer(stored, [&](std::string_view question, const StoredAnswer& a) {
        static const char* const kinds[] = {"declined", "integer", "text", "other"};
        std::string line = std::string(question) + " " + kinds[static_cast<int>(a.kind)];
        if (a.kind == StoredAnswer::Kind::Integer) line += " " + std::to_string(a.integer);
        if (a.kind == StoredAnswer::Kind::Text || a.kind == StoredAnswer::Kind::Other)
            line += " " + std::string(a.text);
        out.push_back(line);
    });
    return out;
}

// The export reads stored answers in place; a text the quick reader does not take (escapes,
// decimals, spaces, nesting) goes through the JSON parser, and both must say the same.
TEST(StoredAnswers, TheQuickReaderAndTheParserAgree) {
    const std::vector<std::string> compact = {
        R"({"trygghet":2,"delaktighet":null,"livskvalitet":-3,"age_band":"30-44","gender":"K"})",
        R"({})",
        R"({"q":9223372036854775807})",
        R"({"q":"ትግርኛ فارسی"})",
    };
    for (const auto& text : compact) {
        OrderedJson parsed = OrderedJson::parse(text);
        std::string spaced = parsed.dump(1);  // the same answers with white space: only the parser reads it
        EXPECT_EQ(answers_read(text), answers_read(spaced)) << text;
    }
    EXPECT_EQ(answers_read(R"({"a":2,"b":null,"c":"x"})"),
              (std::vector<std::string>{"a integer 2", "b declined", "c text x"}));
    // Past the quick reader, each kind still comes out right, in stored order.
    EXPECT_EQ(answers_read(R"({"z":"say \"hi\"","a":2.5,"m":true,"n":[1,2],"big":18446744073709551615,"k":1})"),
              (std::vector<std::string>{"z text say \"hi\"", "a other 2.5", "m other true", "n other [1,2]",
                                        "big other 18446744073709551615", "k integer 1"}));
    // More answers than the quick reader holds at once.
    OrderedJson many = OrderedJson::object();
    for (int i = 0; i < 40; ++i) many["q" + std::to_string(i)] = i;
    auto read = answers_read(many.dump());
    ASSERT_EQ(read.size(), 40u);
    EXPECT_EQ(read[39], "q39 integer 39");
    EXPECT_THROW(answers_read("[1,2]"), std::runtime_error);
    EXPECT_THROW(answers_read(R"({"a":)"), std::runtime_error);
}

// A response as a kiosk stores it, in `language`, numbered `seq`.
Response stored(const std::string& language, std::int64_t seq) {
    Response r;
    r.id = "3f1c2a9e-5b7d-4c1e-9a2b-00000000000" + std::to_string(seq);
    r.kiosk_id = "bibliotek-1";
    r.survey_id = "helsingborg-lkp";
    r.survey_version = 1;
    r.language = language;
    r.answers = {{"trygghet", 2}};
    r.started_at = "2026-11-22T10:15:00.000Z";
    r.submitted_at = "2026-11-22T10:15:41.250Z";
    r.seq = seq;
    return r;
}

// The row's columns as views, as a backend hands them over.
RowView in_place(const Row& row) {
    RowView view;
    for (std::size_t i = 0; i < kRowColumns; ++i)
        if (row[i]) view[i] = *row[i];
    return view;
}

// A row read in place gives the same Response as the row copied out, which is what the kiosk's
// database and the store's rebuild read.
TEST(StoredAnswers, ARowReadInPlaceIsTheResponseStored) {
    Response r = stored("ti", 7);
    r.survey_version = 3;
    r.location = "001";
    r.answers = {{"trygghet", 2}, {"delaktighet", nullptr}, {"age_band", "30-44"}, {"note", "a \"quoted\" ;text"}};
    r.flags = {"test"};
    Row row = to_row(r);
    EXPECT_EQ(to_wire(from_row(row)), to_wire(r));
    RowView columns = in_place(row);
    ResponseView v = view_of(columns);
    EXPECT_EQ(v.id, r.id);
    EXPECT_EQ(v.submitted_at, r.submitted_at);
    EXPECT_EQ(columns[kIdColumn], r.id);
    EXPECT_EQ(columns[kSubmittedAtColumn], r.submitted_at);
    EXPECT_FALSE(v.district.has_value());
    EXPECT_EQ(flags_of(v.flags_json), r.flags);
    EXPECT_TRUE(flags_of("[]").empty());
    columns[0] = "seven";
    EXPECT_THROW(view_of(columns), std::runtime_error);
    EXPECT_THROW(flags_of("{}"), std::runtime_error);
}

// A row stored with "sv-easy" (before issue 12) reads as "sv-x-easy" both ways, so every export,
// the kiosk's sync and the store's read the valid tag; the row itself is not rewritten.
TEST(StoredAnswers, EasySwedishStoredUnderItsFormerTagReadsAsSvXEasy) {
    Response r = stored("sv-easy", 8);
    Row row = to_row(r);
    ASSERT_EQ(row[kLanguageColumn], "sv-easy") << "a row is written as given; only reading maps";
    EXPECT_EQ(from_row(row).language, "sv-x-easy");
    EXPECT_EQ(view_of(in_place(row)).language, "sv-x-easy");
    EXPECT_EQ(from_row(in_place(row)).language, "sv-x-easy");
    EXPECT_EQ(to_wire(r)["language"], "sv-x-easy");
    r.language = "sv";
    EXPECT_EQ(from_row(to_row(r)).language, "sv") << "other tags are left as they are";
}

}  // namespace
}  // namespace lkp::record
