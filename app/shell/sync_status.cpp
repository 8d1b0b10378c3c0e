#include "sync_status.h"

#include <string>

namespace lkp {

namespace {

std::string answers(std::int64_t n) { return std::to_string(n) + (n == 1 ? " answer" : " answers"); }

}  // namespace

SyncStatus::SyncStatus(LogLine log) : log_(std::move(log)) {}

void SyncStatus::update(const OutboxStatus& now) {
    // Before the first status nothing was known: no failure, no rejection.
    const OutboxStatus before = latest_.value_or(OutboxStatus{});
    if (now.last_round_failed()) {
        if (!before.last_round_failed())
            log_("sync failing: " + now.last_error + " (" + answers(now.unsent) + " waiting; retrying)");
        else if (now.last_error != before.last_error)
            log_("sync still failing, now: " + now.last_error);
    } else if (before.last_round_failed()) {
        log_("sync recovered (" + answers(now.unsent) + " still to send)");
    }
    if (now.rejected > before.rejected) {
        // Kept, not resent unchanged: staff see why with `lkp-kiosk status` and requeue them.
        std::string what = latest_ ? "the store rejected " + answers(now.rejected - before.rejected) + " (" +
                                         std::to_string(now.rejected) + " in all)"
                                   : answers(now.rejected) + " rejected by the store";
        log_(what + "; kept, not resent: `lkp-kiosk status` says why");
    }
    latest_ = now;
}

}  // namespace lkp
