#include "sync_client.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace lkp::sync {

SyncClient::SyncClient(SyncSettings settings, std::function<void()> on_change,
                       std::optional<ResultsFetchSettings> results, std::chrono::milliseconds wake_every)
    : settings_(std::move(settings)),
      on_change_(std::move(on_change)),
      results_settings_(std::move(results)),
      wake_every_(wake_every),
      alive_at_(std::chrono::steady_clock::now().time_since_epoch().count()),
      thread_([this] { run(); }) {}

std::chrono::steady_clock::time_point SyncClient::alive_at() const {
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(alive_at_.load()));
}

void SyncClient::mark_alive() { alive_at_ = std::chrono::steady_clock::now().time_since_epoch().count(); }

// Test only (tests/e2e/watchdog_e2e_test.cpp): LKP_TEST_HANG_SYNC_AFTER_SECONDS=N makes the thread
// stop showing life N seconds after it started, as a thread stuck in a call would, so the test
// can see the watchdog's pings stop. It still ends when the client is destroyed.
void SyncClient::hang_if_asked() {
    if (!hang_at_ || std::chrono::steady_clock::now() < *hang_at_) return;
    std::fprintf(stderr, "lkp-kiosk: test hook: the sync thread hangs now\n");
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return stopping_.load(); });
}

SyncClient::~SyncClient() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void SyncClient::notify() {
    {
        std::lock_guard lock(mutex_);
        notified_ = true;
    }
    wake_.notify_all();
}

void SyncClient::sync_now() {
    {
        std::lock_guard lock(mutex_);
        now_requested_ = true;
    }
    wake_.notify_all();
}

std::string SyncClient::database_corrupt() const {
    std::lock_guard lock(mutex_);
    return database_corrupt_;
}

OutboxStatus SyncClient::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

std::optional<ResultsSnapshot> SyncClient::take_results() {
    std::lock_guard lock(mutex_);
    return std::exchange(results_, std::nullopt);
}

void SyncClient::fetch_results(ResultsFetcher& fetcher) {
    ResultsFetcher::Fetched got = fetcher.fetch(std::chrono::steady_clock::now());
    if (!got.error.empty()) std::fprintf(stderr, "lkp-kiosk: %s\n", got.error.c_str());
    if (!got.snapshot) return;  // the cache and the screen keep the figures they had
    {
        std::lock_guard lock(mutex_);
        results_ = std::move(got.snapshot);
    }
    if (on_change_) on_change_();
}

bool SyncClient::wait_for(std::chrono::milliseconds d, bool wake_on_notify) {
    std::unique_lock lock(mutex_);
    auto woken = [&] { return stopping_.load() || now_requested_ || (wake_on_notify && notified_); };
    auto until = std::chrono::steady_clock::now() + d;
    // In steps of at most wake_every_, each one a sign of life for the watchdog.
    while (!woken()) {
        auto now = std::chrono::steady_clock::now();
        if (now >= until) break;
        std::chrono::steady_clock::duration step = until - now;
        if (wake_every_.count() > 0) step = std::min<std::chrono::steady_clock::duration>(step, wake_every_);
        wake_.wait_for(lock, step, woken);
        if (!hang_at_ || std::chrono::steady_clock::now() < *hang_at_) mark_alive();
    }
    bool asked = now_requested_;
    if (wake_on_notify || asked) notified_ = false;
    now_requested_ = false;
    return asked;
}

void SyncClient::publish(SyncEngine& engine) {
    OutboxStatus now = engine.status();
    bool changed;
    {
        std::lock_guard lock(mutex_);
        changed = now.unsent != status_.unsent || now.rejected != status_.rejected ||
                  now.last_error_at != status_.last_error_at || now.last_success_at != status_.last_success_at;
        status_ = now;
    }
    if (changed && on_change_) on_change_();
}

void SyncClient::run() {
    if (auto hang = std::getenv("LKP_TEST_HANG_SYNC_AFTER_SECONDS"))
        hang_at_ = std::chrono::steady_clock::now() + std::chrono::seconds(std::atoi(hang));
    // A damaged database is the kiosk's to mend: said once, then nothing touches it until the
    // kiosk stops this thread (while its connection stays open, the file is never checkpointed).
    auto corrupt = [this](const std::exception& e) {
        std::fprintf(stderr, "lkp-kiosk: sync: the database is corrupt: %s\n", e.what());
        {
            std::lock_guard lock(mutex_);
            database_corrupt_ = e.what();
        }
        if (on_change_) on_change_();
        while (!stopping_) wait_for(std::chrono::hours(1), false);
    };
    std::optional<SyncEngine> engine;
    while (!stopping_ && !engine) {
        try {
            engine.emplace(settings_, &stopping_);
        } catch (const std::exception& e) {  // the kiosk keeps running; answers stay in the outbox
            if (means_corrupt_database(e)) return corrupt(e);
            std::fprintf(stderr, "lkp-kiosk: sync cannot start: %s\n", e.what());
            wait_for(settings_.backoff_cap, false);
        }
    }
    if (!engine) return;
    try {
        rounds(*engine);
    } catch (const std::exception& e) {
        if (!means_corrupt_database(e)) throw;
        corrupt(e);
    }
}

void SyncClient::rounds(SyncEngine& engine) {
    std::optional<ResultsFetcher> fetcher;
    if (results_settings_) fetcher.emplace(*results_settings_, &stopping_);
    auto last_heartbeat = std::chrono::steady_clock::time_point{};
    bool heartbeat_due = true;  // one at start-up, then after each round and every few minutes
    while (!stopping_) {
        hang_if_asked();
        if (stopping_) break;
        mark_alive();
        Attempt a;
        try {
            a = engine.send_next();
        } catch (const std::exception& e) {  // the local database failed (disk full?): try later
            if (means_corrupt_database(e)) throw;
            a = {Attempt::Outcome::RetryLater, {}, std::string("local database: ") + e.what(), {}};
        }
        publish(engine);
        mark_alive();  // one transfer at most between signs of life (the watchdog's grace is one)
        Pace pace = engine.pace(a);
        if (pace.next == Pace::Next::Now) {
            heartbeat_due = true;
            continue;
        }
        if (heartbeat_due || std::chrono::steady_clock::now() - last_heartbeat > settings_.heartbeat_every) {
            engine.send_heartbeat();
            last_heartbeat = std::chrono::steady_clock::now();
            heartbeat_due = false;
            publish(engine);  // a heartbeat may have recorded an error (an unusable token file)
            mark_alive();
        }
        if (fetcher && fetcher->due(std::chrono::steady_clock::now())) fetch_results(*fetcher);
        bool asked;
        if (pace.next == Pace::Next::Idle) {
            // Until the heartbeat, the next results fetch or a held answer's burst window closing.
            std::chrono::milliseconds idle = settings_.heartbeat_every;
            if (pace.wait.count() > 0) idle = std::min<std::chrono::milliseconds>(pace.wait, idle);
            if (fetcher)
                idle = std::clamp(std::chrono::ceil<std::chrono::milliseconds>(fetcher->next_fetch() -
                                                                               std::chrono::steady_clock::now()),
                                  std::chrono::milliseconds(0), idle);
            asked = wait_for(idle, true);
        } else {
            asked = wait_for(pace.wait, false);
        }
        if (asked) heartbeat_due = true;  // staff's "sync now" also tells the store the kiosk is there
    }
}

}  // namespace lkp::sync
