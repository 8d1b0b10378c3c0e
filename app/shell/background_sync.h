#pragma once
// The running kiosk's sync, seen from its loop: started once the store is open, told of every
// saved answer, and heard from when its thread wakes the loop. Without a store URL in the
// config nothing is started and every call does nothing.
#include <atomic>
#include <functional>
#include <memory>

#include "client/sync_client.h"
#include "sync_status.h"

namespace lkp {

class BackgroundSync {
  public:
    // `wake_loop` is called on the sync's thread when its status changed.
    explicit BackgroundSync(std::function<void()> wake_loop);

    void start(sync::SyncSettings settings);
    void answer_saved();  // send soon
    void sync_now();      // staff asked: send now, whatever the backoff says
    bool running() const { return client_ != nullptr; }
    // Called each time the loop wakes: a status the sync announced since becomes log lines.
    void check_status();
    const SyncStatus& status() const { return status_; }

  private:
    std::function<void()> wake_loop_;
    std::atomic<bool> changed_{false};
    SyncStatus status_;
    // Last, so it is destroyed first: its thread stops before what its callback touches.
    std::unique_ptr<sync::SyncClient> client_;
};

}  // namespace lkp
