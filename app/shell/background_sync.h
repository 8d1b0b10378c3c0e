#pragma once
// The running kiosk's sync, seen from its loop: started once the store is open, told of every
// saved answer, and heard from when its thread wakes the loop. Without a store URL in the
// config nothing is started and every call does nothing.
#include <atomic>
#include <functional>
#include <memory>

#include "client/sync_client.h"
#include "core/survey.h"
#include "sync_status.h"

namespace lkp {

class BackgroundSync {
  public:
    // `wake_loop` is called on the sync's thread when its status changed.
    explicit BackgroundSync(std::function<void()> wake_loop);

    // Also fetches the residents' figures of `survey` for the district `location` (may be empty).
    // `wake_every` (above zero): the thread wakes at least that often, for the watchdog.
    void start(sync::SyncSettings settings, const Survey& survey, const std::string& location,
               std::chrono::milliseconds wake_every = std::chrono::milliseconds(0));
    // Around a corrupt database being moved aside (Recorder::set_sync_control): stop() ends the
    // thread and closes its connection; restart() starts it again as start() did, on the fresh file.
    void stop();
    void restart();
    // SQLite's words when the sync found the database corrupt; empty while all is well. The loop
    // then has the recorder move it aside (Recorder::recover_database).
    std::string database_corrupt() const { return client_ ? client_->database_corrupt() : std::string(); }
    void answer_saved();  // send soon
    void sync_now();      // staff asked: send now, whatever the backoff says
    bool running() const { return client_ != nullptr; }
    // When the sync thread last showed life; nullopt when none runs.
    std::optional<std::chrono::steady_clock::time_point> alive_at() const;
    // Called each time the loop wakes: a status the sync announced since becomes log lines.
    void check_status();
    const SyncStatus& status() const { return status_; }
    // Figures fetched since the last call (already in the cache file), for the attract screen.
    std::optional<ResultsSnapshot> take_results();

  private:
    void start_client();
    std::function<void()> wake_loop_;
    // What start() was given, for restart().
    std::optional<sync::SyncSettings> settings_;
    std::optional<sync::ResultsFetchSettings> results_;
    std::chrono::milliseconds wake_every_{0};
    std::atomic<bool> changed_{false};
    SyncStatus status_;
    // Last, so it is destroyed first: its thread stops before what its callback touches.
    std::unique_ptr<sync::SyncClient> client_;
};

// The figures cached in `data_dir` at start (core/results.h); nullopt when there are none or
// they cannot be used, which is logged in one line naming the file and the problem.
std::optional<ResultsSnapshot> read_cached_results(const std::string& data_dir, const Survey& survey);

}  // namespace lkp
