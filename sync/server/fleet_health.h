#pragma once
// Whether a kiosk needs staff: a pure reading of what the store holds about it (store_backend.h:
// KioskInfo, KioskHealth), shared by `lkp-store kiosk list` and the staff's kiosk page.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store_backend.h"

namespace lkp::server {

// When a kiosk counts as stale or failing. `serve --stale-after` and `kiosk list --stale-after`
// set stale_after; the rest are fixed here.
struct FleetThresholds {
    std::chrono::minutes stale_after{60};         // no heartbeat for longer: stale
    std::int64_t low_disk_bytes = 200'000'000;    // less free disk in the data folder: low_disk
    std::chrono::seconds max_clock_skew{5 * 60};  // a kiosk clock further off: clock_skew
    std::chrono::hours max_backlog_age{24};       // an answer waiting longer: backlog
};

enum class KioskState {
    Ok,
    Stale,    // no heartbeat within stale_after (or never): what it last said may no longer hold
    Failing,  // it is heard from, and something needs staff
    Revoked,  // its token no longer works: nothing is expected from it
};
const char* to_string(KioskState state);  // "ok", "stale", "failing", "revoked"

// The state and why, as short codes a page translates: "stale", then any of "last_error",
// "rejected", "low_disk", "clock_skew", "backlog", "database_moved_aside" (in that order) that the
// last heartbeat shows. database_moved_aside: a corrupt database was moved aside on the kiosk and
// its file is still there; it holds until staff have looked and removed the file.
// A stale kiosk keeps the reasons of its last heartbeat; a revoked one has none.
struct KioskVerdict {
    KioskState state = KioskState::Ok;
    std::vector<std::string> reasons;
    bool operator==(const KioskVerdict&) const = default;
};
KioskVerdict classify(const KioskInfo& kiosk, const FleetThresholds& thresholds,
                      std::chrono::system_clock::time_point now);

// Sessions per day of `kiosk.days` (same order): each day's counters minus the last ones before
// it. nullopt for a day without counters, or when no earlier ones are known. A kiosk whose
// counters went down began a new database: that day counts from zero.
std::vector<std::optional<SessionCounters>> sessions_per_day(const KioskHealth& kiosk);

}  // namespace lkp::server
