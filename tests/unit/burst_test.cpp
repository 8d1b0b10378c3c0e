// Repeated answers (issue 11): more than burst_limit real answers within burst_window seconds are
// all kept but flagged "burst", decided in the kiosk's own SQLite file before any of them is sent.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "kiosk_db/kiosk_database.h"
#include "record/utc.h"
#include "support/test_support.h"

namespace lkp {
namespace {

using namespace std::chrono_literals;
using WallClock = std::chrono::system_clock;

bool flagged_burst(const Response& r) { return std::count(r.flags.begin(), r.flags.end(), "burst") == 1; }

class BurstTest : public ::testing::Test {
  protected:
    // Given long ago, so that the hold of the last minute plays no part unless a test wants it.
    const WallClock::time_point base_ = WallClock::now() - 1h;

    // A real answer given `after` the base time (milliseconds count), with `flags`.
    Response save(std::chrono::milliseconds after, std::vector<std::string> flags = {}) {
        Response r = test::sample_response();
        r.started_at = format_utc(base_ + after - 40s);
        r.submitted_at = format_utc(base_ + after);
        r.flags = std::move(flags);
        store_.save(r);
        return r;
    }
    // The flags as stored, in seq order.
    std::vector<bool> stored_bursts() {
        std::vector<bool> out;
        for (const Response& r : store_.all_responses()) out.push_back(flagged_burst(r));
        return out;
    }
    std::vector<std::vector<std::string>> stored_flags() {
        std::vector<std::vector<std::string>> out;
        for (const Response& r : store_.all_responses()) out.push_back(r.flags);
        return out;
    }

    test::TempDir dir_;
    KioskDatabase store_ = KioskDatabase::open(dir_.path());
};

TEST_F(BurstTest, TheDefaultRuleIsMoreThanThreeWithinAMinute) {
    EXPECT_EQ(store_.burst_rule().limit, 3);
    EXPECT_EQ(store_.burst_rule().window, 60s);
}

TEST_F(BurstTest, ExactlyTheLimitWithinTheWindowIsNoBurst) {
    for (auto t : {0s, 10s, 20s}) EXPECT_FALSE(flagged_burst(save(t)));
    EXPECT_EQ(stored_bursts(), (std::vector<bool>{false, false, false}));
}

TEST_F(BurstTest, OneMoreThanTheLimitFlagsEveryAnswerOfTheWindowTheFirstOnesToo) {
    save(-5min);  // long before: not part of it
    for (auto t : {0s, 10s, 20s}) save(t);
    Response fourth = save(30s);
    EXPECT_TRUE(flagged_burst(fourth)) << "the caller's copy says so too";
    EXPECT_EQ(stored_bursts(), (std::vector<bool>{false, true, true, true, true}));
    // The burst goes on: each new one is flagged, none twice.
    save(45s);
    EXPECT_EQ(stored_bursts(), (std::vector<bool>{false, true, true, true, true, true}));
    // Kept across a reopen, and what the sync sends (unsent() reads the same rows).
    KioskDatabase reopened = KioskDatabase::open(dir_.path());
    auto waiting = reopened.unsent(100);
    ASSERT_EQ(waiting.size(), 6u);
    EXPECT_FALSE(flagged_burst(waiting[0]));
    for (std::size_t i = 1; i < waiting.size(); ++i) EXPECT_TRUE(flagged_burst(waiting[i])) << i;
}

TEST_F(BurstTest, OtherFlagsAreKeptBesideTheBurstFlag) {
    save(0s, {"kiosk-note"});
    for (auto t : {1s, 2s, 3s}) save(t);
    EXPECT_EQ(stored_flags().front(), (std::vector<std::string>{"kiosk-note", "burst"}));
}

// The window ends at the new answer and holds both its ends: the first of four given exactly
// burst_window before the fourth counts, a millisecond earlier it does not.
struct Edge {
    std::chrono::milliseconds fourth_after_first;
    bool burst;
};
class BurstEdge : public BurstTest, public ::testing::WithParamInterface<Edge> {};

TEST_P(BurstEdge, TheWindowsEdges) {
    save(0ms);
    save(20s);
    save(40s);
    save(GetParam().fourth_after_first);
    bool b = GetParam().burst;
    EXPECT_EQ(stored_bursts(), (std::vector<bool>{b, b, b, b}));
}
std::string edge_name(const ::testing::TestParamInfo<Edge>& edge) {
    return std::to_string(edge.param.fourth_after_first.count()) + "ms";
}
INSTANTIATE_TEST_SUITE_P(Burst, BurstEdge,
                         ::testing::Values(Edge{59'999ms, true}, Edge{60'000ms, true}, Edge{60'001ms, false}),
                         edge_name);

TEST_F(BurstTest, AResidentAnsweringAgainAfterAMinuteIsNoBurst) {
    for (int i = 0; i < 6; ++i) save(i * 61s);
    EXPECT_EQ(stored_bursts(), std::vector<bool>(6, false));
}

TEST_F(BurstTest, SyntheticAndTestAnswersNeitherCountNorAreFlagged) {
    for (auto t : {0s, 1s, 2s, 3s, 4s}) save(t, {"synthetic"});
    save(5s, {"test"});
    for (auto t : {6s, 7s, 8s}) save(t);
    save(9s, {"synthetic"});
    EXPECT_EQ(stored_bursts(), std::vector<bool>(10, false)) << "three real ones are no burst";
    save(10s);
    EXPECT_EQ(stored_bursts(),
              (std::vector<bool>{false, false, false, false, false, false, true, true, true, false, true}));
    EXPECT_EQ(stored_flags()[0], std::vector<std::string>{"synthetic"});
    EXPECT_EQ(stored_flags()[5], std::vector<std::string>{"test"});
}

// Answers given "after" the new one (the clock was set back since) are not in its window.
TEST_F(BurstTest, AnswersFromBeforeTheClockWasSetBackDoNotCount) {
    save(24h * 365);  // given while the clock was a year ahead
    save(24h * 365 + 1s);
    save(3s);  // a little ahead (an NTP step back)
    for (auto t : {0s, 1s, 2s}) save(t);
    EXPECT_EQ(stored_bursts(), std::vector<bool>(6, false)) << "three in the window: the one 3 s ahead is after it";
    save(2500ms);
    EXPECT_EQ(stored_bursts(), (std::vector<bool>{false, false, false, true, true, true, true}));
}

TEST_F(BurstTest, ARuleOfItsOwn) {
    store_.set_burst_rule({.limit = 1, .window = 10s});
    save(0s);
    save(11s);
    EXPECT_EQ(stored_bursts(), (std::vector<bool>{false, false}));
    save(21s);
    EXPECT_EQ(stored_bursts(), (std::vector<bool>{false, true, true}));
}

TEST_F(BurstTest, AWindowOfZeroIsNoRuleAndHoldsNothing) {
    store_.set_burst_rule({.limit = 3, .window = 0s});
    for (int i = 0; i < 6; ++i) {
        Response r = test::sample_response();
        r.submitted_at = now_utc();
        store_.save(r);
    }
    EXPECT_EQ(stored_bursts(), std::vector<bool>(6, false));
    EXPECT_EQ(store_.unsent(100).size(), 6u);
    EXPECT_EQ(store_.next_release(), std::nullopt);
}

// --- the hold: an answer is sent once its window has closed, so that a burst is flagged whole ---

TEST_F(BurstTest, AnAnswerIsHeldUntilItsWindowHasClosed) {
    const auto now = WallClock::now();
    Response old = test::sample_response();
    old.submitted_at = format_utc(now - 61s);
    store_.save(old);
    Response recent = test::sample_response();
    recent.submitted_at = format_utc(now - 20s);
    store_.save(recent);
    std::vector<Response> out = store_.unsent(100, 0, now);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].id, old.id);
    EXPECT_EQ(store_.outbox_status().unsent, 2) << "a held answer is waiting";
    auto due = store_.next_release(now);
    ASSERT_TRUE(due);
    EXPECT_EQ(format_utc(*due), format_utc(*parse_utc(recent.submitted_at) + 60s));
    EXPECT_EQ(store_.unsent(100, 0, *due - 1ms).size(), 1u) << "a millisecond before";
    EXPECT_EQ(store_.unsent(100, 0, *due).size(), 2u) << "exactly burst_window after it was given";
    EXPECT_EQ(store_.next_release(*due), std::nullopt);
    // The sync's connection holds it by the same rule.
    KioskDatabase sync = KioskDatabase::open(dir_.path(), KioskDatabase::Role::Sync);
    EXPECT_EQ(sync.unsent(100, 0, now).size(), 1u);
    sync.set_burst_rule({.limit = 3, .window = 10s});
    EXPECT_EQ(sync.unsent(100, 0, now).size(), 2u);
}

TEST_F(BurstTest, AnswersGivenAfterNowAreNotHeldTheClockWasSetBack) {
    const auto now = WallClock::now();
    Response ahead = test::sample_response();
    ahead.submitted_at = format_utc(now + 24h * 365);
    store_.save(ahead);
    Response just_ahead = test::sample_response();
    just_ahead.submitted_at = format_utc(now + 1s);
    store_.save(just_ahead);
    EXPECT_EQ(store_.unsent(100, 0, now).size(), 2u);
    EXPECT_EQ(store_.next_release(now), std::nullopt);
}

TEST_F(BurstTest, SyntheticAndTestAnswersAreNotHeld) {
    const auto now = WallClock::now();
    for (const char* flag : {"synthetic", "test"}) {
        Response r = test::sample_response();
        r.submitted_at = format_utc(now - 1s);
        r.flags = {flag};
        store_.save(r);
    }
    EXPECT_EQ(store_.unsent(100, 0, now).size(), 2u);
    EXPECT_EQ(store_.next_release(now), std::nullopt);
}

TEST_F(BurstTest, TimesWithoutMillisecondsAreHeldAlike) {
    const auto now = WallClock::now();
    Response r = test::sample_response();
    std::string t = format_utc(std::chrono::floor<std::chrono::seconds>(now - 30s));
    r.submitted_at = t.substr(0, 19) + "Z";  // the wire also takes "2026-11-22T10:15:00Z"
    store_.save(r);
    EXPECT_TRUE(store_.unsent(100, 0, now).empty());
    ASSERT_TRUE(store_.next_release(now));
    EXPECT_EQ(*store_.next_release(now), *parse_utc(r.submitted_at) + 60s);
}

}  // namespace
}  // namespace lkp
