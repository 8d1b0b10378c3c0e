#pragma once
// The running kiosk's sync: a background thread that sends answers as they are saved, backs off
// when the network or the store is unwell, and never blocks the screens. The kiosk's loop calls
// notify() after each saved answer. `on_change` (called on the sync thread when the outbox status
// changed) wakes the loop, which then reads status() and logs what changed
// (app/shell/sync_status.h); no screen shows the status yet.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "results_fetch.h"
#include "sync_engine.h"

namespace lkp::sync {

class SyncClient {
  public:
    // With `results`, the thread also fetches the residents' figures (results_fetch.h); a new
    // snapshot calls `on_change` too.
    // With `wake_every` above zero, no wait lasts longer: systemd's watchdog wants to hear from
    // the thread (alive_at()) at least that often.
    SyncClient(SyncSettings settings, std::function<void()> on_change,
               std::optional<ResultsFetchSettings> results = std::nullopt,
               std::chrono::milliseconds wake_every = std::chrono::milliseconds(0));
    ~SyncClient();  // stops the thread, ending a transfer in progress at once
    SyncClient(const SyncClient&) = delete;
    SyncClient& operator=(const SyncClient&) = delete;

    void notify();    // a response was saved: send soon
    void sync_now();  // staff asked: send (and say hello to the store) now, whatever the backoff says
    OutboxStatus status() const;
    // The snapshot fetched (and cached) since the last call, if any.
    std::optional<ResultsSnapshot> take_results();
    // When the thread last showed life: each round and each wake-up of its waits.
    std::chrono::steady_clock::time_point alive_at() const;
    // SQLite's words when the database was found corrupt (kiosk_database.h: means_corrupt_database);
    // the thread then leaves it alone and waits to be stopped: the kiosk moves it aside and starts
    // a new client. Empty while all is well. `on_change` is called when it is set.
    std::string database_corrupt() const;

  private:
    void mark_alive();
    void hang_if_asked();  // the test-only hook LKP_TEST_HANG_SYNC_AFTER_SECONDS
    void run();
    void rounds(SyncEngine& engine);  // sends and waits until stopped
    void publish(SyncEngine& engine);
    void fetch_results(ResultsFetcher& fetcher);
    // Sleeps up to `d`; wakes early on stop and sync_now(), and on notify() when `wake_on_notify`.
    // True when sync_now() woke it.
    bool wait_for(std::chrono::milliseconds d, bool wake_on_notify);

    SyncSettings settings_;
    std::function<void()> on_change_;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool notified_ = false;
    bool now_requested_ = false;  // sync_now(): ends any wait
    OutboxStatus status_;
    std::string database_corrupt_;
    std::optional<ResultsFetchSettings> results_settings_;
    std::optional<ResultsSnapshot> results_;
    std::chrono::milliseconds wake_every_;
    std::atomic<std::chrono::steady_clock::rep> alive_at_;
    std::optional<std::chrono::steady_clock::time_point> hang_at_;
    std::thread thread_;
};

}  // namespace lkp::sync
