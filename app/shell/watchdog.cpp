#include "watchdog.h"

#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace lkp {

bool watchdog_alive(WatchdogClock::time_point now, WatchdogClock::time_point loop_seen, std::chrono::microseconds limit,
                    std::optional<WatchdogClock::time_point> sync_seen, std::chrono::microseconds sync_limit) {
    if (now - loop_seen > limit) return false;
    return !sync_seen || now - *sync_seen <= sync_limit;
}

namespace {

// A positive decimal number from the environment, or nullopt (unset or not a number).
std::optional<long long> env_number(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    char* end = nullptr;
    long long n = std::strtoll(v, &end, 10);
    if (*end != '\0' || n <= 0) {
        std::fprintf(stderr, "lkp-kiosk: %s=\"%s\" is not a positive number; ignored\n", name, v);
        return std::nullopt;
    }
    return n;
}

}  // namespace

Watchdog Watchdog::from_environment() {
    Watchdog w;
    w.enabled_ = std::getenv("NOTIFY_SOCKET") != nullptr;
    auto usec = env_number("WATCHDOG_USEC");
    auto pid = env_number("WATCHDOG_PID");
    // sd_watchdog_enabled() would refuse cage's PID, hence the check of our own.
    bool ours = !pid || *pid == getpid() || *pid == getppid();
    if (w.enabled_ && usec && ours) w.interval_ = std::chrono::microseconds(*usec);
    if (w.interval_)
        std::fprintf(stderr, "lkp-kiosk: systemd watchdog every %lld ms\n",
                     static_cast<long long>(w.interval_->count() / 1000));
    return w;
}

std::optional<std::chrono::microseconds> Watchdog::wake_every() const {
    if (!interval_) return std::nullopt;
    return *interval_ / 2;
}

void Watchdog::ready() {
    if (!enabled_ || ready_sent_) return;
    ready_sent_ = true;
    if (sd_notify(0, "READY=1") < 0) std::fprintf(stderr, "lkp-kiosk: could not tell systemd READY=1\n");
}

bool Watchdog::tick(WatchdogClock::time_point now, std::optional<WatchdogClock::time_point> sync_seen) {
    if (!interval_ || !ready_sent_) return false;
    if (last_check_ && now - *last_check_ < *wake_every()) return false;
    last_check_ = now;  // also when the sync thread holds the ping back: the next look is half an interval on
    // The loop is alive: it is the one calling. The sync thread must have woken within its limit.
    if (!watchdog_alive(now, now, *interval_, sync_seen, *interval_ + sync_grace_)) {
        std::fprintf(stderr, "lkp-kiosk: the sync thread has not shown life for too long; no watchdog ping\n");
        return false;
    }
    return sd_notify(0, "WATCHDOG=1") > 0;
}

std::optional<WatchdogClock::time_point> Watchdog::next_deadline() const {
    if (!interval_ || !ready_sent_) return std::nullopt;
    if (!last_check_) return WatchdogClock::now();
    return *last_check_ + *wake_every();
}

}  // namespace lkp
