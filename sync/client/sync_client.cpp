#include "sync_client.h"

#include <cstdio>

namespace lkp::sync {

SyncClient::SyncClient(SyncSettings settings, std::function<void()> on_change)
    : settings_(std::move(settings)), on_change_(std::move(on_change)), thread_([this] { run(); }) {}

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

OutboxStatus SyncClient::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

void SyncClient::wait_for(std::chrono::milliseconds d, bool wake_on_notify) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, d, [&] { return stopping_.load() || (wake_on_notify && notified_); });
    if (wake_on_notify) notified_ = false;
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
    std::optional<SyncEngine> engine;
    while (!stopping_ && !engine) {
        try {
            engine.emplace(settings_, &stopping_);
        } catch (const std::exception& e) {  // the kiosk keeps running; answers stay in the outbox
            std::fprintf(stderr, "lkp-kiosk: sync cannot start: %s\n", e.what());
            wait_for(settings_.backoff_cap, false);
        }
    }
    auto last_heartbeat = std::chrono::steady_clock::time_point{};
    bool heartbeat_due = true;  // one at start-up, then after each round and every few minutes
    while (!stopping_) {
        Attempt a;
        try {
            a = engine->send_next();
        } catch (const std::exception& e) {  // the local database failed (disk full?): try later
            a = {Attempt::Outcome::RetryLater, {}, std::string("local database: ") + e.what(), {}};
        }
        publish(*engine);
        Pace pace = engine->pace(a);
        if (pace.next == Pace::Next::Now) {
            heartbeat_due = true;
            continue;
        }
        if (heartbeat_due || std::chrono::steady_clock::now() - last_heartbeat > settings_.heartbeat_every) {
            engine->send_heartbeat();
            last_heartbeat = std::chrono::steady_clock::now();
            heartbeat_due = false;
            publish(*engine);  // a heartbeat may have recorded an error (an unusable token file)
        }
        if (pace.next == Pace::Next::Idle)  // a held answer wakes it when its burst window has closed
            wait_for(pace.wait.count() > 0 ? std::min<std::chrono::milliseconds>(pace.wait, settings_.heartbeat_every)
                                           : settings_.heartbeat_every,
                     true);
        else
            wait_for(pace.wait, false);
    }
}

}  // namespace lkp::sync
