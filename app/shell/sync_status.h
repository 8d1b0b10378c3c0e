#pragma once
// What the kiosk's sync is doing, as the loop last heard. The loop hands over each OutboxStatus
// the sync thread announced (SyncClient::status()); every change staff should hear of becomes
// one log line: sync started failing (with the error), the error changed, it recovered, the
// store rejected answers. An unchanged state logs nothing, however often it is handed over.
// The latest status stays here for screens that will show it (a staff mode is planned).
#include <optional>

#include "kiosk_db/kiosk_database.h"
#include "log.h"

namespace lkp {

class SyncStatus {
  public:
    explicit SyncStatus(LogLine log = log_to_stderr);

    void update(const OutboxStatus& now);
    // The last status handed over; nullopt before the first.
    const std::optional<OutboxStatus>& latest() const { return latest_; }

  private:
    LogLine log_;
    std::optional<OutboxStatus> latest_;
};

}  // namespace lkp
