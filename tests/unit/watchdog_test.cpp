// The watchdog's rule (both the loop and the sync thread alive, or no ping) and its messages,
// read from a real AF_UNIX datagram socket standing in for systemd's notify socket.
#include "shell/watchdog.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "support/notify_socket.h"

namespace lkp {
namespace {

using namespace std::chrono_literals;

TEST(WatchdogRule, PingsOnlyWhileBothAreAlive) {
    auto now = WatchdogClock::now();
    EXPECT_TRUE(watchdog_alive(now, now - 1s, 2s, now - 1s, 2s));
    EXPECT_TRUE(watchdog_alive(now, now, 2s, std::nullopt, 2s)) << "no sync thread holds nothing back";
    EXPECT_FALSE(watchdog_alive(now, now - 3s, 2s, now, 2s)) << "a stale loop";
    EXPECT_FALSE(watchdog_alive(now, now, 2s, now - 3s, 2s)) << "a stale sync thread";
    EXPECT_TRUE(watchdog_alive(now, now, 2s, now - 3s, 5s)) << "within the sync thread's own limit";
}

class WatchdogEnv : public ::testing::Test {
  protected:
    void SetUp() override {
        setenv("NOTIFY_SOCKET", socket_.path().c_str(), 1);
        setenv("WATCHDOG_USEC", "2000000", 1);
        unsetenv("WATCHDOG_PID");
    }
    void TearDown() override {
        unsetenv("NOTIFY_SOCKET");
        unsetenv("WATCHDOG_USEC");
        unsetenv("WATCHDOG_PID");
    }
    test::NotifySocket socket_{"watchdog-unit"};
};

TEST_F(WatchdogEnv, ReadyOnceThenPingsEveryHalfInterval) {
    Watchdog w = Watchdog::from_environment();
    ASSERT_EQ(w.interval(), 2s);
    EXPECT_EQ(w.wake_every(), 1s);
    auto t0 = WatchdogClock::now();
    EXPECT_FALSE(w.tick(t0, std::nullopt)) << "no ping before READY=1";
    EXPECT_EQ(socket_.next(), "");
    w.ready();
    w.ready();
    EXPECT_EQ(socket_.next(), "READY=1");
    EXPECT_TRUE(w.tick(t0, t0));
    EXPECT_EQ(socket_.next(), "WATCHDOG=1");
    EXPECT_EQ(socket_.next(), "") << "READY=1 only once";
    EXPECT_FALSE(w.tick(t0 + 500ms, t0)) << "not due yet";
    EXPECT_EQ(w.next_deadline(), t0 + 1s);
    EXPECT_TRUE(w.tick(t0 + 1s, t0 + 1s));
    EXPECT_EQ(socket_.next(), "WATCHDOG=1");
}

TEST_F(WatchdogEnv, AStaleSyncThreadHoldsThePingBack) {
    Watchdog w = Watchdog::from_environment();
    w.ready();
    EXPECT_EQ(socket_.next(), "READY=1");
    auto t0 = WatchdogClock::now();
    EXPECT_FALSE(w.tick(t0, t0 - 3s));
    EXPECT_EQ(socket_.next(), "");
    EXPECT_EQ(w.next_deadline(), t0 + 1s) << "the next look is half an interval on, not a busy loop";
    EXPECT_TRUE(w.tick(t0 + 1s, t0 + 1s)) << "pings again once the thread is back";
    EXPECT_EQ(socket_.next(), "WATCHDOG=1");
}

TEST_F(WatchdogEnv, NoWatchdogForAnotherProcessOrWithoutSocket) {
    setenv("WATCHDOG_PID", "1", 1);  // systemd meant PID 1, not us (nor our parent, the test runner)
    if (getppid() != 1) {
        EXPECT_FALSE(Watchdog::from_environment().interval());
    }
    setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
    EXPECT_TRUE(Watchdog::from_environment().interval());
    unsetenv("NOTIFY_SOCKET");
    Watchdog w = Watchdog::from_environment();
    EXPECT_FALSE(w.interval());
    w.ready();
    EXPECT_FALSE(w.next_deadline());
}

}  // namespace
}  // namespace lkp
