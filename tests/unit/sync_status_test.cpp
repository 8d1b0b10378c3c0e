// The sync's state as the loop reports it: one log line per change, none for the same state
// handed over again. Statuses are made by hand, as the sync thread would announce them.
#include "shell/sync_status.h"

#include <gtest/gtest.h>

namespace lkp {
namespace {

OutboxStatus delivered(const std::string& at, std::int64_t unsent = 0) {
    OutboxStatus s;
    s.unsent = unsent;
    s.last_success_at = at;
    return s;
}

OutboxStatus failed(const std::string& at, const std::string& error, std::int64_t unsent = 1) {
    OutboxStatus s = delivered("2026-11-22T10:00:00.000Z", unsent);
    s.last_error = error;
    s.last_error_at = at;
    return s;
}

class SyncStatusTest : public ::testing::Test {
  protected:
    std::vector<std::string> lines;
    SyncStatus status{[this](const std::string& line) { lines.push_back(line); }};
};

TEST_F(SyncStatusTest, HealthyRoundsLogNothingAndTheLatestIsKept) {
    EXPECT_FALSE(status.latest());
    status.update(delivered("2026-11-22T10:00:00.000Z", 3));
    status.update(delivered("2026-11-22T10:00:05.000Z", 0));
    EXPECT_TRUE(lines.empty());
    ASSERT_TRUE(status.latest());
    EXPECT_EQ(status.latest()->last_success_at, "2026-11-22T10:00:05.000Z");
}

TEST_F(SyncStatusTest, FailingIsToldOnceWithTheErrorAndRecoveryOnce) {
    status.update(delivered("2026-11-22T10:00:00.000Z"));
    status.update(failed("2026-11-22T10:01:00.000Z", "cannot reach store.example: Timeout was reached", 2));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "sync failing: cannot reach store.example: Timeout was reached (2 answers waiting; retrying)");

    // Later rounds failing the same way, and the same status handed over again: nothing new.
    status.update(failed("2026-11-22T10:02:00.000Z", "cannot reach store.example: Timeout was reached", 3));
    status.update(failed("2026-11-22T10:02:00.000Z", "cannot reach store.example: Timeout was reached", 3));
    EXPECT_EQ(lines.size(), 1u);

    status.update(delivered("2026-11-22T10:05:00.000Z", 1));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[1], "sync recovered (1 answer still to send)");
    status.update(delivered("2026-11-22T10:05:01.000Z"));
    EXPECT_EQ(lines.size(), 2u);
}

TEST_F(SyncStatusTest, ANewErrorWhileFailingIsOneLine) {
    status.update(failed("2026-11-22T10:01:00.000Z", "cannot reach store.example: Couldn't connect to server"));
    status.update(failed("2026-11-22T10:02:00.000Z", "store.example refused the token (401)"));
    status.update(failed("2026-11-22T10:03:00.000Z", "store.example refused the token (401)"));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[1], "sync still failing, now: store.example refused the token (401)");
}

TEST_F(SyncStatusTest, RejectedAnswersAreToldWhenMoreAreRejected) {
    OutboxStatus s = delivered("2026-11-22T10:00:00.000Z");
    status.update(s);
    s.rejected = 2;
    status.update(s);
    status.update(s);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "the store rejected 2 answers (2 in all); kept, not resent: `lkp-kiosk status` says why");
    s.rejected = 3;
    status.update(s);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[1], "the store rejected 1 answer (3 in all); kept, not resent: `lkp-kiosk status` says why");
    s.rejected = 0;  // staff put them back in line
    status.update(s);
    EXPECT_EQ(lines.size(), 2u);
}

TEST_F(SyncStatusTest, TheFirstStatusTellsWhatIsAlreadySo) {
    OutboxStatus s = failed("2026-11-22T10:01:00.000Z", "cannot reach store.example: Could not resolve host", 5);
    s.rejected = 4;
    status.update(s);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0],
              "sync failing: cannot reach store.example: Could not resolve host (5 answers waiting; retrying)");
    EXPECT_EQ(lines[1], "4 answers rejected by the store; kept, not resent: `lkp-kiosk status` says why");
}

}  // namespace
}  // namespace lkp
