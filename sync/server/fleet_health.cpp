#include "fleet_health.h"

#include <cstdlib>

#include "record/utc.h"

namespace lkp::server {

const char* to_string(KioskState state) {
    switch (state) {
        case KioskState::Ok:
            return "ok";
        case KioskState::Stale:
            return "stale";
        case KioskState::Failing:
            return "failing";
        case KioskState::Revoked:
            return "revoked";
    }
    return "?";
}

KioskVerdict classify(const KioskInfo& k, const FleetThresholds& t, std::chrono::system_clock::time_point now) {
    KioskVerdict v;
    if (k.revoked_at) {
        v.state = KioskState::Revoked;
        return v;
    }
    auto received = k.heartbeat ? parse_utc(k.heartbeat_received_at) : std::nullopt;
    bool stale = !received || now - *received > t.stale_after;
    if (stale) v.reasons.push_back("stale");
    if (const auto& h = k.heartbeat) {
        if (!h->last_error.empty()) v.reasons.push_back("last_error");
        if (h->rejected > 0) v.reasons.push_back("rejected");
        if (h->free_disk_bytes && *h->free_disk_bytes < t.low_disk_bytes) v.reasons.push_back("low_disk");
        if (auto skew = clock_skew_s(k); skew && std::llabs(*skew) > t.max_clock_skew.count())
            v.reasons.push_back("clock_skew");
        if (h->oldest_unsent_age_s && *h->oldest_unsent_age_s > std::chrono::seconds(t.max_backlog_age).count())
            v.reasons.push_back("backlog");
        if (h->quarantined_databases && *h->quarantined_databases > 0) v.reasons.push_back("database_moved_aside");
    }
    v.state = stale ? KioskState::Stale : v.reasons.empty() ? KioskState::Ok : KioskState::Failing;
    return v;
}

std::vector<std::optional<SessionCounters>> sessions_per_day(const KioskHealth& k) {
    std::vector<std::optional<SessionCounters>> out;
    std::optional<SessionCounters> last = k.sessions_before;
    for (const KioskDay& d : k.days) {
        if (!d.sessions) {
            out.emplace_back();
            continue;
        }
        const SessionCounters& now = *d.sessions;
        if (!last) {
            out.emplace_back();
        } else if (now.started < last->started || now.completed < last->completed || now.abandoned < last->abandoned) {
            out.push_back(now);  // a new database on the kiosk: its counters began again at zero
        } else {
            out.push_back(SessionCounters{now.started - last->started, now.completed - last->completed,
                                          now.abandoned - last->abandoned});
        }
        last = now;
    }
    return out;
}

}  // namespace lkp::server
