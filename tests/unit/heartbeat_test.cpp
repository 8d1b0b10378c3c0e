// The heartbeat's versions on the wire: today's kiosks (version 1) still understood, version 2's
// session counts and rejected reasons checked field by field, and a kiosk keeping within bounds.
#include "protocol/heartbeat.h"

#include <gtest/gtest.h>

#include "protocol/batch.h"

namespace lkp::sync {
namespace {

// What the kiosks of before version 2 send, byte for byte.
const std::string kVersionOneBody =
    R"({"free_disk_bytes":51234567890,"kiosk_id":"bibliotek-1","last_error":"","oldest_unsent_age_s":3600,)"
    R"("program_version":"0.1.0","rejected":0,"sent_at":"2026-11-22T10:16:00.000Z","unsent":12})";

Heartbeat version_two() {
    Heartbeat h{"bibliotek-1", "0.2.0", 12, 3, 3600, 1'000'000'000, "timeout", "2026-11-22T10:00:00.000Z"};
    h.sessions = SessionCounts{.started = 120,
                               .completed = 100,
                               .abandoned = 20,
                               .abandoned_at = {{"language", 5}, {"district", 7}, {"trygghet", 8}}};
    h.rejected_reasons = {{"invalid", "answers.trygghet", "9 is not an option of trygghet", 2},
                          {"refused", "", "the store refused the batch (HTTP 400): för stor", 1}};
    return h;
}

// The detail of the 400 `body` gets, or "" when it was accepted.
std::string refusal(const std::string& body) {
    try {
        parse_heartbeat(body);
        return "";
    } catch (const BatchError& e) {
        EXPECT_EQ(e.status(), 400);
        return e.what();
    }
}

TEST(Heartbeat, VersionOneIsStillUnderstoodWithNoSessionsOrReasons) {
    Heartbeat h = parse_heartbeat(kVersionOneBody);
    EXPECT_EQ(h.version, 1);
    EXPECT_EQ(h.unsent, 12);
    EXPECT_EQ(h.free_disk_bytes, 51234567890);
    EXPECT_FALSE(h.sessions);
    EXPECT_TRUE(h.rejected_reasons.empty());

    // A version 1 heartbeat encodes as the first kiosks sent it: no field of version 2.
    h.version = 1;
    EXPECT_EQ(encode_heartbeat(h), kVersionOneBody);
    Json explicit_one = Json::parse(kVersionOneBody);
    explicit_one["version"] = 1;
    explicit_one["sessions"] = "not looked at in version 1";
    EXPECT_FALSE(parse_heartbeat(explicit_one.dump()).sessions);
}

TEST(Heartbeat, VersionTwoRoundTrips) {
    Heartbeat h = version_two();
    Json wire = Json::parse(encode_heartbeat(h));
    EXPECT_EQ(wire["version"], 2);
    EXPECT_EQ(wire["sessions"]["abandoned_at"]["district"], 7);
    Heartbeat back = parse_heartbeat(wire.dump());
    EXPECT_EQ(back.version, 2);
    EXPECT_EQ(back.sessions, h.sessions);
    EXPECT_EQ(back.rejected_reasons, h.rejected_reasons);
    EXPECT_EQ(back.last_error, "timeout");

    EXPECT_EQ(parse_abandoned_at(encode_abandoned_at(h.sessions->abandoned_at)), h.sessions->abandoned_at);
    EXPECT_EQ(parse_rejected_reasons(encode_rejected_reasons(h.rejected_reasons)), h.rejected_reasons);
    EXPECT_TRUE(parse_rejected_reasons("[]").empty());
}

TEST(Heartbeat, BadVersionTwoFieldsAreRefusedNamingTheField) {
    const Json good = Json::parse(encode_heartbeat(version_two()));
    ASSERT_EQ(refusal(good.dump()), "");
    auto with = [&](const std::string& pointer, const Json& value) {
        Json j = good;
        j[Json::json_pointer(pointer)] = value;
        return j.dump();
    };
    auto without = [&](const std::string& key) {
        Json j = good;
        j.erase(key);
        return j.dump();
    };
    std::string long_reason(kMaxRejectedReasonBytes + 1, 'x');
    Json many = Json::array();
    for (int i = 0; i < 21; ++i) many.push_back({{"code", "invalid"}, {"field", ""}, {"reason", "r"}, {"count", 1}});
    const std::vector<std::pair<std::string, std::string>> cases = {
        {with("/version", 3), "\"version\" must be 1 or 2"},
        {with("/version", "2"), "\"version\""},
        {with("/version", 2.0), "\"version\""},
        {without("sessions"), "\"sessions\""},
        {with("/sessions", Json::array()), "\"sessions\""},
        {with("/sessions/started", -1), "\"sessions.started\" must be a whole number from 0 to"},
        {with("/sessions/completed", "3"), "\"sessions.completed\""},
        {with("/sessions/abandoned", kMaxHeartbeatCount + 1), "\"sessions.abandoned\""},
        {with("/sessions/abandoned", 1.5), "\"sessions.abandoned\""},
        {with("/sessions/abandoned_at", Json::array()), "\"sessions.abandoned_at\""},
        {with("/sessions/abandoned_at/language", -2), "\"sessions.abandoned_at.language\""},
        {with("/sessions/abandoned_at/" + std::string(kMaxStepBytes + 1, 's'), 1), "\"sessions.abandoned_at\""},
        {without("rejected_reasons"), "\"rejected_reasons\""},
        {with("/rejected_reasons", many), "at most 20 reasons"},
        {with("/rejected_reasons/0", "invalid"), "\"rejected_reasons[0]\""},
        {with("/rejected_reasons/1/reason", long_reason), "\"rejected_reasons[1].reason\" must be a string of at most"},
        {with("/rejected_reasons/0/code", 5), "\"rejected_reasons[0].code\""},
        {with("/rejected_reasons/0/count", -1), "\"rejected_reasons[0].count\""},
        {with("/rejected_reasons/0/count", nullptr), "\"rejected_reasons[0].count\""},
    };
    for (const auto& [body, expected] : cases) {
        std::string detail = refusal(body);
        EXPECT_NE(detail.find(expected), std::string::npos) << "'" << detail << "' for " << body.substr(0, 300);
    }
    // Deeper than an object of counts, or far too many values: refused while parsing.
    EXPECT_NE(refusal(with("/sessions/abandoned_at/language", Json{{"x", 1}})), "");
    Json steps = Json::object();
    for (int i = 0; i < 300; ++i) steps["s" + std::to_string(i)] = 1;
    EXPECT_NE(refusal(with("/sessions/abandoned_at", steps)).find("at most 256 values"), std::string::npos);
}

TEST(Heartbeat, AKioskKeepsWithinTheBoundsAndCutsTextAtACharacterBoundary) {
    Heartbeat h = version_two();
    h.rejected_reasons.clear();
    for (int i = 0; i < 25; ++i) h.rejected_reasons.push_back({"invalid", "answers.q" + std::to_string(i), "r", i + 1});
    h.rejected_reasons[0].reason = std::string(kMaxRejectedReasonBytes - 4, 'x') + "åäö";  // the cut falls in å
    h.rejected_reasons[0].count = 1000;
    h.rejected_reasons[1].code = std::string(100, 'c');
    h.last_error = std::string(2000, 'e');
    h.sessions->abandoned_at.clear();
    for (int i = 0; i < 40; ++i) h.sessions->abandoned_at["q" + std::to_string(i)] = i;
    h.sessions->abandoned_at[std::string(100, 'L')] = 1000;
    h.sessions->started = kMaxHeartbeatCount + 5;

    fit_to_limits(h);
    ASSERT_EQ(h.rejected_reasons.size(), kMaxRejectedReasons);
    EXPECT_EQ(h.rejected_reasons[0].count, 1000) << "the most frequent first";
    EXPECT_EQ(h.rejected_reasons[1].count, 25);
    EXPECT_EQ(h.rejected_reasons.back().count, 7) << "the least frequent left out";
    const std::string& cut = h.rejected_reasons[0].reason;
    EXPECT_LE(cut.size(), kMaxRejectedReasonBytes);
    EXPECT_EQ(cut.substr(cut.size() - 3), "\u2026");
    EXPECT_EQ(cut.find("\xc3\u2026"), std::string::npos) << "cut inside a character";
    EXPECT_EQ(h.last_error.size(), kMaxLastErrorBytes);
    EXPECT_EQ(h.sessions->abandoned_at.size(), kMaxAbandonSteps);
    EXPECT_EQ(h.sessions->abandoned_at.count("q39"), 1u);
    EXPECT_EQ(h.sessions->abandoned_at.count("q7"), 0u) << "the steps where fewest stopped are left out";
    EXPECT_EQ(h.sessions->abandoned_at[std::string(kMaxStepBytes - 3, 'L') + "\u2026"], 1000);
    EXPECT_EQ(h.sessions->started, kMaxHeartbeatCount);

    Heartbeat back = parse_heartbeat(encode_heartbeat(h));  // now the store takes it
    EXPECT_EQ(back.rejected_reasons, h.rejected_reasons);
    EXPECT_EQ(back.sessions, h.sessions);
}

// The count of corrupt databases moved aside (issue 14, part 3): sent by today's kiosks, absent
// from older ones (version 2 without it, and version 1), and refused when it is no count.
TEST(Heartbeat, QuarantinedDatabasesRoundTripsAndMayBeAbsent) {
    Heartbeat h = version_two();
    h.quarantined_databases = 2;
    Json wire = Json::parse(encode_heartbeat(h));
    EXPECT_EQ(wire["quarantined_databases"], 2);
    EXPECT_EQ(parse_heartbeat(wire.dump()).quarantined_databases, 2);
    h.quarantined_databases = 0;
    EXPECT_EQ(parse_heartbeat(encode_heartbeat(h)).quarantined_databases, 0) << "none moved aside is said, too";

    // A version 2 kiosk from before it sends no such field, and one that does not know writes none.
    h.quarantined_databases.reset();
    EXPECT_FALSE(Json::parse(encode_heartbeat(h)).contains("quarantined_databases"));
    Json older = wire;
    older.erase("quarantined_databases");
    Heartbeat back = parse_heartbeat(older.dump());
    EXPECT_FALSE(back.quarantined_databases);
    EXPECT_EQ(back.sessions, version_two().sessions) << "the rest read as before";
    EXPECT_FALSE(parse_heartbeat(kVersionOneBody).quarantined_databases);
    Json one = Json::parse(kVersionOneBody);
    one["quarantined_databases"] = 3;
    EXPECT_FALSE(parse_heartbeat(one.dump()).quarantined_databases) << "version 1 has no such field";
    Heartbeat first = parse_heartbeat(kVersionOneBody);
    first.quarantined_databases = 3;
    EXPECT_EQ(encode_heartbeat(first), kVersionOneBody) << "nor does a version 1 heartbeat carry it";

    for (const Json& bad :
         {Json(-1), Json("1"), Json(1.5), Json(nullptr), Json::array(), Json(true), Json(kMaxHeartbeatCount + 1)}) {
        Json j = wire;
        j["quarantined_databases"] = bad;
        EXPECT_NE(refusal(j.dump()).find("\"quarantined_databases\" must be a whole number from 0 to"),
                  std::string::npos)
            << bad.dump();
    }

    // A kiosk keeps it within bounds like its other counts.
    Heartbeat many = version_two();
    many.quarantined_databases = kMaxHeartbeatCount + 7;
    fit_to_limits(many);
    EXPECT_EQ(many.quarantined_databases, kMaxHeartbeatCount);
}

}  // namespace
}  // namespace lkp::sync
