// Whether a kiosk needs staff (ok, stale, failing, revoked, and why), and its sessions per day
// from the cumulative counters its heartbeats send.
#include "fleet_health.h"

#include <gtest/gtest.h>

#include "record/utc.h"

namespace lkp::server {
namespace {

using namespace std::chrono_literals;
const auto kNow = *parse_utc("2026-11-22T12:00:00.000Z");

// A kiosk heard from a minute ago, with nothing wrong.
KioskInfo healthy() {
    KioskInfo k{.name = "bibliotek-1", .created_at = "2026-01-01T00:00:00.000Z"};
    k.heartbeat = sync::Heartbeat{.kiosk_id = k.name,
                                  .program_version = "0.2.0",
                                  .unsent = 3,
                                  .rejected = 0,
                                  .oldest_unsent_age_s = 60,
                                  .free_disk_bytes = 20'000'000'000,
                                  .last_error = "",
                                  .sent_at = format_utc(kNow - 61s)};
    k.heartbeat_received_at = format_utc(kNow - 60s);
    return k;
}

}  // namespace

// Failures show the state and reasons, not the object's bytes.
void PrintTo(const KioskVerdict& v, std::ostream* out) {
    *out << to_string(v.state) << " {";
    for (const auto& r : v.reasons) *out << " " << r;
    *out << " }";
}

namespace {

KioskVerdict verdict(const KioskInfo& k, FleetThresholds t = {}) { return classify(k, t, kNow); }

TEST(FleetHealth, AHealthyKioskIsOk) {
    EXPECT_EQ(verdict(healthy()), (KioskVerdict{KioskState::Ok, {}}));
    EXPECT_STREQ(to_string(KioskState::Ok), "ok");
}

// Heard from last at `at`, its clock right.
void last_heard(KioskInfo& k, std::chrono::system_clock::time_point at) {
    k.heartbeat_received_at = format_utc(at);
    k.heartbeat->sent_at = format_utc(at - 1s);
}

TEST(FleetHealth, NoHeartbeatForLongerThanStaleAfterIsStale) {
    KioskInfo k = healthy();
    last_heard(k, kNow - 61min);
    EXPECT_EQ(verdict(k), (KioskVerdict{KioskState::Stale, {"stale"}}));
    last_heard(k, kNow - 60min);
    EXPECT_EQ(verdict(k).state, KioskState::Ok) << "exactly the limit is not yet stale";
    FleetThresholds quick{.stale_after = 15min};
    EXPECT_EQ(verdict(k, quick).state, KioskState::Stale) << "--stale-after 15";

    KioskInfo never{.name = "ny", .created_at = "2026-11-22T11:59:00.000Z"};
    EXPECT_EQ(verdict(never), (KioskVerdict{KioskState::Stale, {"stale"}})) << "never heard from";

    // What its last heartbeat said still shows.
    last_heard(k, kNow - 3h);
    k.heartbeat->last_error = "cannot reach the store";
    EXPECT_EQ(verdict(k), (KioskVerdict{KioskState::Stale, {"stale", "last_error"}}));
}

TEST(FleetHealth, EachFailingReason) {
    auto failing = [](auto change) {
        KioskInfo k = healthy();
        change(*k.heartbeat, k);
        return verdict(k);
    };
    using H = sync::Heartbeat;
    EXPECT_EQ(failing([](H& h, KioskInfo&) { h.last_error = "HTTP 503"; }),
              (KioskVerdict{KioskState::Failing, {"last_error"}}));
    EXPECT_EQ(failing([](H& h, KioskInfo&) { h.rejected = 1; }), (KioskVerdict{KioskState::Failing, {"rejected"}}));
    EXPECT_EQ(failing([](H& h, KioskInfo&) { h.free_disk_bytes = 199'999'999; }),
              (KioskVerdict{KioskState::Failing, {"low_disk"}}));
    EXPECT_EQ(failing([](H& h, KioskInfo&) { h.free_disk_bytes = 200'000'000; }).state, KioskState::Ok);
    EXPECT_EQ(failing([](H& h, KioskInfo&) { h.free_disk_bytes.reset(); }).state, KioskState::Ok) << "not known";
    // The kiosk's clock 6 minutes behind, or ahead: sent_at that far from received_at.
    EXPECT_EQ(failing([](H& h, KioskInfo&) { h.sent_at = format_utc(kNow - 7min); }),
              (KioskVerdict{KioskState::Failing, {"clock_skew"}}));
    EXPECT_EQ(failing([](H& h, KioskInfo&) { h.sent_at = format_utc(kNow + 5min); }),
              (KioskVerdict{KioskState::Failing, {"clock_skew"}}));
    EXPECT_EQ(failing([](H& h, KioskInfo&) { h.sent_at = format_utc(kNow - 6min); }).state, KioskState::Ok)
        << "5 minutes off is still fine";
    EXPECT_EQ(failing([](H& h, KioskInfo&) { h.oldest_unsent_age_s = 24 * 3600 + 1; }),
              (KioskVerdict{KioskState::Failing, {"backlog"}}));
    // A corrupt database moved aside on the kiosk, its file still there: staff should look.
    EXPECT_EQ(failing([](H& h, KioskInfo&) { h.quarantined_databases = 1; }),
              (KioskVerdict{KioskState::Failing, {"database_moved_aside"}}));
    EXPECT_EQ(failing([](H& h, KioskInfo&) { h.quarantined_databases = 0; }).state, KioskState::Ok)
        << "none there (never, or staff removed them)";
    EXPECT_EQ(failing([](H& h, KioskInfo&) { h.quarantined_databases.reset(); }).state, KioskState::Ok)
        << "a kiosk from before the count";
    EXPECT_EQ(failing([](H& h, KioskInfo&) {
                  h.last_error = "disk full";
                  h.rejected = 2;
                  h.free_disk_bytes = 0;
                  h.sent_at = format_utc(kNow + 1h);
                  h.oldest_unsent_age_s = 3 * 24 * 3600;
                  h.quarantined_databases = 2;
              }),
              (KioskVerdict{KioskState::Failing,
                            {"last_error", "rejected", "low_disk", "clock_skew", "backlog", "database_moved_aside"}}));
}

TEST(FleetHealth, ARevokedKioskIsNeitherStaleNorFailing) {
    KioskInfo k = healthy();
    k.revoked_at = "2026-11-01T00:00:00.000Z";
    k.heartbeat->last_error = "HTTP 401";
    k.heartbeat_received_at = format_utc(kNow - 30 * 24h);
    EXPECT_EQ(verdict(k), (KioskVerdict{KioskState::Revoked, {}}));
}

TEST(FleetHealth, ClockSkewIsReceivedMinusSent) {
    KioskInfo k = healthy();
    k.heartbeat->sent_at = format_utc(kNow - 10min);
    k.heartbeat_received_at = format_utc(kNow);
    EXPECT_EQ(clock_skew_s(k), 600) << "the kiosk's clock is 10 minutes behind";
    k.heartbeat->sent_at = format_utc(kNow + 90s);
    EXPECT_EQ(clock_skew_s(k), -90);
    k.heartbeat.reset();
    EXPECT_FALSE(clock_skew_s(k));
}

TEST(FleetHealth, SessionsPerDayAreDifferencesOfTheCumulativeCounters) {
    KioskHealth k;
    k.sessions_before = SessionCounters{100, 80, 20};
    k.days = {{"2026-11-18", 5, SessionCounters{110, 88, 22}},
              {"2026-11-19", 0, std::nullopt},  // no heartbeat that day
              {"2026-11-20", 3, SessionCounters{115, 92, 23}},
              {"2026-11-21", 4, SessionCounters{4, 3, 1}},  // a new database on the kiosk
              {"2026-11-22", 2, SessionCounters{4, 3, 1}}};
    std::vector<std::optional<SessionCounters>> expected = {SessionCounters{10, 8, 2}, std::nullopt,
                                                            SessionCounters{5, 4, 1}, SessionCounters{4, 3, 1},
                                                            SessionCounters{0, 0, 0}};
    EXPECT_EQ(sessions_per_day(k), expected);

    k.sessions_before.reset();  // nothing known before the first day
    expected[0].reset();
    EXPECT_EQ(sessions_per_day(k), expected);
}

}  // namespace
}  // namespace lkp::server
