#pragma once
// systemd's watchdog for the running kiosk (kiosk/lkp-kiosk.service: Type=notify, WatchdogSec=).
// The loop calls tick() on every wake-up; WATCHDOG=1 goes to systemd only while the loop and the
// sync thread (when it runs) both showed life recently, so a hung loop or a stuck sync thread
// stops the pings and systemd restarts the kiosk. READY=1 goes once, after the first frame.
// Outside systemd (no NOTIFY_SOCKET) every call does nothing.
#include <chrono>
#include <optional>

namespace lkp {

using WatchdogClock = std::chrono::steady_clock;

// The liveness rule on its own: both parts reported within their limits. `sync_seen` is
// nullopt when no sync thread runs (no store_url), which does not hold the pings back.
bool watchdog_alive(WatchdogClock::time_point now, WatchdogClock::time_point loop_seen, std::chrono::microseconds limit,
                    std::optional<WatchdogClock::time_point> sync_seen, std::chrono::microseconds sync_limit);

class Watchdog {
  public:
    // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID. Under cage (the unit's ExecStart) the
    // main PID systemd names is cage, our parent, so that one is accepted as well as our own.
    static Watchdog from_environment();

    // Whether systemd wants pings, and how often at the latest (WATCHDOG_USEC).
    std::optional<std::chrono::microseconds> interval() const { return interval_; }
    // How often the loop and the sync thread should wake: half the interval, so a ping is never late.
    std::optional<std::chrono::microseconds> wake_every() const;
    // The sync thread may be silent for a whole transfer (connect and transfer timeouts) plus the interval.
    void set_sync_grace(std::chrono::microseconds grace) { sync_grace_ = grace; }

    void ready();  // READY=1, once
    // The loop is alive at `now`; pings if one is due and the sync thread (if any) is alive too.
    // True when WATCHDOG=1 was sent.
    bool tick(WatchdogClock::time_point now, std::optional<WatchdogClock::time_point> sync_seen);
    // When the loop must wake next for the watchdog, or nullopt without one.
    std::optional<WatchdogClock::time_point> next_deadline() const;

  private:
    bool enabled_ = false;  // a notify socket is there
    bool ready_sent_ = false;
    std::optional<std::chrono::microseconds> interval_;
    std::chrono::microseconds sync_grace_{0};
    std::optional<WatchdogClock::time_point> last_check_;  // when tick() last decided
};

}  // namespace lkp
