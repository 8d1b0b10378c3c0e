#include "recorder.h"

#include <exception>

namespace lkp {

Recorder::Recorder(std::string data_dir, LogLine log) : data_dir_(std::move(data_dir)), log_(std::move(log)) {}

bool Recorder::open(const std::string& kiosk_id, SteadyClock::time_point now) {
    try {
        std::optional<Recovery> recovery;
        store_.emplace(KioskDatabase::open_or_recover(data_dir_, recovery));
        store_->set_burst_rule(burst_);
        if (recovery)
            log_("the database was corrupt (" + recovery->problem + "): it was moved to " + recovery->quarantined +
                 " (kept, never deleted), a fresh one was started, and " + std::to_string(recovery->salvaged) +
                 " answers were read back from it into the outbox. `lkp-kiosk status` lists it.");
    } catch (const std::exception& e) {
        log_(e.what());
        return false;
    }
    log_("kiosk " + kiosk_id + " storing answers in " + store_->path());
    if (!unsaved_.empty()) retry(now);
    return true;
}

void Recorder::set_burst_rule(BurstRule rule) {
    burst_ = rule;
    if (store_) store_->set_burst_rule(rule);
}

void Recorder::persist(const Outcome& o, SteadyClock::time_point now) {
    try {
        if ((o.started || o.abandoned_at) && !store_) throw std::runtime_error("the store is not open yet");
        if (o.started) store_->record_started(false);
        if (o.abandoned_at) store_->record_abandoned(*o.abandoned_at, false);
    } catch (const std::exception& e) {
        log_(std::string("could not record a session count: ") + e.what());
    }
    if (o.completed) {
        unsaved_.push_back(*o.completed);
        last_save_failed_ = !retry(now);
    }
}

void Recorder::retry_if_due(SteadyClock::time_point now) {
    if (!unsaved_.empty() && now >= next_retry_) retry(now);
}

bool Recorder::retry(SteadyClock::time_point now) {
    while (!unsaved_.empty()) {
        try {
            if (!store_) throw std::runtime_error("the store is not open yet");
            store_->save(unsaved_.front());
            unsaved_.pop_front();
        } catch (const std::exception& e) {
            log_("could not store response " + unsaved_.front().id + " (kept in memory, will retry): " + e.what());
            next_retry_ = now + kRetryEvery;
            return false;
        }
    }
    return true;
}

std::optional<SteadyClock::time_point> Recorder::next_retry() const {
    if (unsaved_.empty()) return std::nullopt;
    return next_retry_;
}

}  // namespace lkp
