// Kiosk fleet health on both backends, through the real lkp-store: heartbeats of either version
// stored and read back by StoreBackend::fleet, answers counted per kiosk and Stockholm day once
// however often a batch is sent, session counters kept per day, and `kiosk list`'s status.
#include <map>

#include "fleet_health.h"
#include "protocol/heartbeat.h"
#include "record/utc.h"
#include "store_backend.h"
#include "store_fixture.h"

namespace lkp::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

class FleetTest : public StoreTest {
  protected:
    // A connection of the test's own to the server's database, through the same backend code.
    std::unique_ptr<server::StoreBackend> backend() {
        auto args = server_->db_args();
        return args[0] == "--db" ? server::open_sqlite(args[1]) : server::open_postgres(args[1], 1);
    }

    server::KioskHealth health_of(const std::string& kiosk, int days = 7) {
        for (auto& k : backend()->fleet(days))
            if (k.kiosk.name == kiosk) return k;
        throw std::runtime_error("no kiosk " + kiosk + " in fleet()");
    }

    Reply post_heartbeat(const std::string& body, const std::string& token = "") {
        return post(sync::kHeartbeatPath, body, {{"Authorization", "Bearer " + (token.empty() ? token_ : token)}});
    }

    sync::Heartbeat heartbeat(const std::string& kiosk = "") const {
        sync::Heartbeat h{.kiosk_id = kiosk.empty() ? kiosk_ : kiosk,
                          .program_version = "0.2.0",
                          .unsent = 4,
                          .rejected = 0,
                          .oldest_unsent_age_s = 120,
                          .free_disk_bytes = 9'000'000'000,
                          .last_error = "",
                          .sent_at = format_utc(Clock::now())};
        h.sessions = sync::SessionCounts{.started = 40,
                                         .completed = 30,
                                         .abandoned = 10,
                                         .abandoned_at = {{"language", 4}, {"district", 3}, {"trygghet", 3}}};
        return h;
    }

    // Answers per day of the kiosk as kiosk_days holds them.
    std::map<std::string, std::string> stored_days(const std::string& kiosk) {
        std::map<std::string, std::string> out;
        for (const auto& row :
             server_->query("SELECT day || ' ' || CAST(answers AS TEXT) FROM kiosk_days WHERE kiosk = '" + kiosk + "'"))
            out[row.substr(0, 10)] = row.substr(11);
        return out;
    }
};

bool is_problem(const Reply& r) { return r.header("Content-Type").rfind("application/problem+json", 0) == 0; }

std::string today() { return server::stockholm_day(format_utc(Clock::now())); }

// A response submitted at `at` (its session began 40 s before).
Response answered_at(const std::string& kiosk, std::int64_t seq, Clock::time_point at) {
    Response r = valid_response(kiosk, seq);
    r.submitted_at = format_utc(at);
    r.started_at = format_utc(at - 40s);
    return r;
}

TEST_P(FleetTest, AHeartbeatOfTodaysKiosksIsAcceptedAndStoredWithoutTheNewFields) {
    sync::Heartbeat h = heartbeat();
    h.version = 1;
    std::string body = sync::encode_heartbeat(h);
    ASSERT_EQ(body.find("\"version\""), std::string::npos) << body;
    ASSERT_EQ(body.find("sessions"), std::string::npos) << body;
    Reply r = post_heartbeat(body);
    ASSERT_EQ(r.status, 204) << r.body;

    server::KioskHealth k = health_of(kiosk_);
    ASSERT_TRUE(k.kiosk.heartbeat);
    EXPECT_EQ(k.kiosk.heartbeat->version, 1);
    EXPECT_EQ(k.kiosk.heartbeat->unsent, 4);
    EXPECT_EQ(k.kiosk.heartbeat->free_disk_bytes, 9'000'000'000);
    EXPECT_FALSE(k.kiosk.heartbeat->sessions) << "a version 1 kiosk counts no sessions";
    EXPECT_TRUE(k.kiosk.heartbeat->rejected_reasons.empty());
    ASSERT_EQ(k.days.size(), 7u);
    EXPECT_EQ(k.days.back().day, today());
    for (const auto& d : k.days) EXPECT_FALSE(d.sessions) << d.day;
    EXPECT_EQ(server_->query("SELECT count(*) FROM kiosk_days").at(0), "0");
}

TEST_P(FleetTest, VersionTwoFieldsRoundTripToTheBackend) {
    sync::Heartbeat h = heartbeat();
    h.rejected = 3;
    h.sent_at = format_utc(Clock::now() - 10min);  // the kiosk's clock is 10 minutes behind
    h.rejected_reasons = {{"invalid", "answers.trygghet", "9 är inget svar på trygghet", 2},
                          {"refused", "", "the store refused the batch (HTTP 400): \x1b[2J", 1}};
    Reply r = post_heartbeat(sync::encode_heartbeat(h));
    ASSERT_EQ(r.status, 204) << r.body;

    server::KioskHealth k = health_of(kiosk_, 3);
    ASSERT_TRUE(k.kiosk.heartbeat);
    const sync::Heartbeat& back = *k.kiosk.heartbeat;
    EXPECT_EQ(back.version, 2);
    EXPECT_EQ(back.program_version, "0.2.0");
    EXPECT_EQ(back.sent_at, h.sent_at);
    EXPECT_EQ(back.sessions, h.sessions);
    EXPECT_EQ(back.rejected_reasons, h.rejected_reasons);
    ASSERT_TRUE(k.clock_skew_s);
    EXPECT_GE(*k.clock_skew_s, 600);
    EXPECT_LE(*k.clock_skew_s, 610);

    // The day it was received keeps its counters.
    ASSERT_EQ(k.days.size(), 3u);
    EXPECT_EQ(k.days[2].day, today());
    EXPECT_EQ(k.days[2].sessions, (server::SessionCounters{40, 30, 10}));
    EXPECT_EQ(k.days[2].answers, 0);
    EXPECT_EQ(server::classify(k.kiosk, {}, Clock::now()),
              (server::KioskVerdict{server::KioskState::Failing, {"rejected", "clock_skew"}}));

    // A later heartbeat of the same day replaces them; a heartbeat of version 1 leaves them.
    h.sessions->started = 45;
    h.sessions->abandoned_at["thanks"] = 1;
    h.rejected_reasons.clear();
    ASSERT_EQ(post_heartbeat(sync::encode_heartbeat(h)).status, 204);
    k = health_of(kiosk_, 3);
    EXPECT_EQ(k.days[2].sessions, (server::SessionCounters{45, 30, 10}));
    EXPECT_EQ(k.kiosk.heartbeat->sessions, h.sessions);
    EXPECT_TRUE(k.kiosk.heartbeat->rejected_reasons.empty());
    h.version = 1;
    ASSERT_EQ(post_heartbeat(sync::encode_heartbeat(h)).status, 204);
    k = health_of(kiosk_, 3);
    EXPECT_FALSE(k.kiosk.heartbeat->sessions) << "the last heartbeat is what it is";
    EXPECT_EQ(k.days[2].sessions, (server::SessionCounters{45, 30, 10})) << "the day's last counters stay";
}

TEST_P(FleetTest, BadVersionTwoFieldsAre400NamingTheFieldAndStoreNothing) {
    Json good = Json::parse(sync::encode_heartbeat(heartbeat()));
    auto with = [&](const std::string& pointer, const Json& value) {
        Json j = good;
        j[Json::json_pointer(pointer)] = value;
        return j.dump();
    };
    for (const auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
             {with("/version", 7), "version"},
             {with("/sessions/started", -1), "sessions.started"},
             {with("/sessions/abandoned_at/district", "3"), "sessions.abandoned_at.district"},
             {with("/rejected_reasons",
                   Json::array({Json{{"code", "x"}, {"field", ""}, {"reason", "r"}, {"count", 1.5}}})),
              "rejected_reasons[0].count"},
             {with("/rejected_reasons/0", Json{{"code", "x"}, {"field", ""}, {"count", 1}}),
              "rejected_reasons[0].reason"}}) {
        Reply r = post_heartbeat(body);
        EXPECT_EQ(r.status, 400) << body;
        EXPECT_TRUE(is_problem(r)) << r.body;
        EXPECT_NE(r.body.find("\\\"" + field + "\\\""), std::string::npos) << field << ": " << r.body;
    }
    EXPECT_NE(server_->cli({"kiosk", "list"}).out.find("heartbeat=never"), std::string::npos);
    EXPECT_EQ(server_->query("SELECT count(*) FROM kiosk_days").at(0), "0");
}

// Each answer is counted in its kiosk's Stockholm day once: when it is inserted, not when a batch
// is sent again (replayed under its key, or resent under a new one), nor when a conflict is refused.
TEST_P(FleetTest, AnswersAreCountedPerKioskAndStockholmDayOnce) {
    // 23:30 UTC the day before yesterday is already the next day in Stockholm.
    Clock::time_point midnight_utc = std::chrono::floor<std::chrono::days>(Clock::now());
    Clock::time_point late = midnight_utc - 24h - 30min, earlier = midnight_utc - 36h;
    const std::string late_day = server::stockholm_day(format_utc(late)),
                      earlier_day = server::stockholm_day(format_utc(earlier));
    ASSERT_NE(late_day, format_utc(late).substr(0, 10)) << "a late answer belongs to the next day in Stockholm";
    ASSERT_EQ(earlier_day, format_utc(earlier).substr(0, 10));

    std::vector<Response> batch = {answered_at(kiosk_, 1, earlier), answered_at(kiosk_, 2, earlier),
                                   answered_at(kiosk_, 3, late), answered_at(kiosk_, 4, Clock::now() - 1min)};
    const std::string key = new_uuid_v4();
    const std::map<std::string, std::string> expected = {{earlier_day, "2"}, {late_day, "1"}, {today(), "1"}};
    ASSERT_EQ(post_batch(batch, key).status, 200);
    EXPECT_EQ(stored_days(kiosk_), expected);

    Reply replay = post_batch(batch, key);  // the answer lost, the same batch again
    ASSERT_EQ(replay.status, 200);
    for (const auto& r : results(post_batch(batch), batch))  // resent under a new key: duplicates
        EXPECT_EQ(r.status, sync::ItemResult::Status::Duplicate);
    EXPECT_EQ(stored_days(kiosk_), expected) << "a resent batch adds nothing";

    // One new answer among duplicates and a conflict: only the new one counts.
    Response conflicting = batch[1];
    conflicting.seq = 99;
    std::vector<Response> mixed = {batch[0], conflicting, answered_at(kiosk_, 5, earlier)};
    auto results_of_mixed = results(post_batch(mixed), mixed);
    EXPECT_EQ(results_of_mixed[1].code, "conflict");
    std::map<std::string, std::string> after = expected;
    after[earlier_day] = "3";
    EXPECT_EQ(stored_days(kiosk_), after);

    // Another kiosk's answers go to its own rows; fleet() shows both, one entry per day.
    std::string other_token = server_->add_kiosk("kiosk-2");
    std::swap(token_, other_token);
    std::vector<Response> theirs = {answered_at("kiosk-2", 1, earlier)};
    ASSERT_EQ(post_batch(theirs).status, 200);
    std::swap(token_, other_token);
    auto fleet = backend()->fleet(4);
    ASSERT_EQ(fleet.size(), 2u);
    EXPECT_EQ(fleet[0].kiosk.name, kiosk_);
    EXPECT_EQ(fleet[1].kiosk.name, "kiosk-2");
    std::map<std::string, std::int64_t> mine, other;
    for (const auto& d : fleet[0].days) mine[d.day] = d.answers;
    for (const auto& d : fleet[1].days) other[d.day] = d.answers;
    EXPECT_EQ(mine.size(), 4u);
    EXPECT_EQ(mine[earlier_day], 3);
    EXPECT_EQ(mine[late_day], 1);
    EXPECT_EQ(mine[today()], 1);
    EXPECT_EQ(other[earlier_day], 1);
    EXPECT_EQ(other[today()], 0);
}

// The counters of earlier days are those of their last heartbeat; the page takes differences.
TEST_P(FleetTest, SessionCountersPerDayAndTheirDifferences) {
    sync::Heartbeat h = heartbeat();
    ASSERT_EQ(post_heartbeat(sync::encode_heartbeat(h)).status, 204);
    h.sessions->started = 52;
    h.sessions->completed = 38;
    h.sessions->abandoned = 13;
    ASSERT_EQ(post_heartbeat(sync::encode_heartbeat(h)).status, 204);

    // Earlier days as heartbeats of those days left them.
    auto day = [](int days_ago) {
        return server::stockholm_day(format_utc(Clock::now() - std::chrono::days{days_ago}));
    };
    auto put = [&](int days_ago, const std::string& counters) {
        server_->execute(
            "INSERT INTO kiosk_days (day, kiosk, answers, sessions_started, sessions_completed, "
            "sessions_abandoned) VALUES ('" +
            day(days_ago) + "', '" + kiosk_ + "', 0, " + counters + ")");
    };
    put(40, "1, 1, 0");   // beyond the look back
    put(10, "12, 9, 3");  // before the window, but not the last day before it
    put(3, "20, 15, 5");  // the last day before the window of three days
    put(1, "30, 22, 8");

    server::KioskHealth k = health_of(kiosk_, 3);
    EXPECT_EQ(k.sessions_before, (server::SessionCounters{20, 15, 5}));
    ASSERT_EQ(k.days.size(), 3u);
    EXPECT_EQ(k.days[0].day, day(2));
    std::vector<std::optional<server::SessionCounters>> expected = {std::nullopt, server::SessionCounters{10, 7, 3},
                                                                    server::SessionCounters{22, 16, 5}};
    EXPECT_EQ(server::sessions_per_day(k), expected);
    EXPECT_THROW(backend()->fleet(0), std::invalid_argument);
}

TEST_P(FleetTest, KioskListShowsStatusReasonsAndSkew) {
    auto send = [&](const std::string& kiosk, auto change) {
        std::string token = server_->add_kiosk(kiosk);
        sync::Heartbeat h = heartbeat(kiosk);
        change(h);
        Reply r = post_heartbeat(sync::encode_heartbeat(h), token);
        ASSERT_EQ(r.status, 204) << r.body;
    };
    send("ok-kiosk", [](sync::Heartbeat&) {});
    send("failing-kiosk", [](sync::Heartbeat& h) {
        h.last_error = "cannot reach the store\x1b[2J";
        h.free_disk_bytes = 1000;
        h.sent_at = format_utc(Clock::now() + 1h);
    });
    send("stale-kiosk", [](sync::Heartbeat&) {});
    // Heard from two hours ago: its clock was right then.
    std::string two_hours_ago = format_utc(Clock::now() - 2h);
    server_->execute("UPDATE heartbeats SET received_at = '" + two_hours_ago + "', sent_at = '" + two_hours_ago +
                     "' WHERE kiosk = 'stale-kiosk'");
    server_->add_kiosk("silent-kiosk");
    send("gone-kiosk", [](sync::Heartbeat&) {});
    ASSERT_EQ(server_->cli({"kiosk", "revoke", "gone-kiosk"}).exit_code, 0);

    auto line_of = [](const std::string& out, const std::string& kiosk) {
        std::size_t at = out.find(kiosk + "  ");
        return at == std::string::npos ? "" : out.substr(at, out.find('\n', at) - at);
    };
    auto skew_of = [](const std::string& line) {
        std::size_t at = line.find("skew_s=");
        return at == std::string::npos ? -999999.0 : std::stod(line.substr(at + 7));
    };
    auto list = server_->cli({"kiosk", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_NE(line_of(list.out, "ok-kiosk").find("status=ok  reasons=-"), std::string::npos) << list.out;
    std::string failing = line_of(list.out, "failing-kiosk");
    EXPECT_NE(failing.find("status=failing  reasons=last_error,low_disk,clock_skew"), std::string::npos) << failing;
    EXPECT_NEAR(skew_of(failing), -3600, 5) << failing;
    EXPECT_NE(failing.find("last_error=\"cannot reach the store\\x1b[2J\""), std::string::npos) << failing;
    EXPECT_NE(line_of(list.out, "stale-kiosk").find("status=stale  reasons=stale"), std::string::npos) << list.out;
    EXPECT_NE(line_of(list.out, "silent-kiosk").find("status=stale  reasons=stale"), std::string::npos) << list.out;
    EXPECT_NE(line_of(list.out, "gone-kiosk").find("status=revoked  reasons=-"), std::string::npos) << list.out;
    EXPECT_NEAR(skew_of(line_of(list.out, "ok-kiosk")), 0, 5) << list.out;

    auto patient = server_->cli({"kiosk", "list", "--stale-after", "180"});
    ASSERT_EQ(patient.exit_code, 0) << patient.err;
    EXPECT_NE(line_of(patient.out, "stale-kiosk").find("status=ok"), std::string::npos) << patient.out;
    for (const std::string bad : {"0", "-5", "abc", "10081"}) {
        auto refused = server_->cli({"kiosk", "list", "--stale-after", bad});
        EXPECT_EQ(refused.exit_code, 2) << bad;
        EXPECT_NE(refused.err.find("--stale-after"), std::string::npos) << refused.err;
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, FleetTest, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

}  // namespace
}  // namespace lkp::test
