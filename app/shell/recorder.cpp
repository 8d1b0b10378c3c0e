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
    if (closed_to_residents()) retry(now);
    return true;
}

void Recorder::set_burst_rule(BurstRule rule) {
    burst_ = rule;
    if (store_) store_->set_burst_rule(rule);
}

void Recorder::persist(const Outcome& o, SteadyClock::time_point now) {
    if (o.started) uncounted_.push_back({});
    if (o.abandoned_at) uncounted_.push_back({o.abandoned_at});
    if (o.completed) unsaved_.push_back(*o.completed);
    if (!o.started && !o.abandoned_at && !o.completed) return;
    bool stored = retry(now);
    if (o.completed) last_save_failed_ = !stored;
}

void Recorder::retry_if_due(SteadyClock::time_point now) {
    if (closed_to_residents() && now >= next_retry_) retry(now);
}

bool Recorder::retry(SteadyClock::time_point now) {
    std::size_t stored = 0;
    std::string what;
    auto open_store = [this]() -> KioskDatabase& {
        if (!store_) throw std::runtime_error("the store is not open yet");
        return *store_;
    };
    try {
        for (; !uncounted_.empty(); uncounted_.pop_front()) {
            what = "a session count";
            if (uncounted_.front().abandoned_at)
                open_store().record_abandoned(*uncounted_.front().abandoned_at, false);
            else
                open_store().record_started(false);
        }
        for (; !unsaved_.empty(); unsaved_.pop_front(), ++stored) {
            what = "response " + unsaved_.front().id;
            open_store().save(unsaved_.front());
        }
    } catch (const std::exception& e) {
        // A disk that stays full fails every retry the same way: the journal gets the first.
        if (e.what() != last_problem_)
            log_("could not store " + what + " (kept in memory, will retry every " +
                 std::to_string(kRetryEvery.count()) + " s; closed to residents until then): " + e.what());
        last_problem_ = e.what();
        next_retry_ = now + kRetryEvery;
        return false;
    }
    if (!last_problem_.empty()) {
        log_("stored " + std::to_string(stored) + " waiting answer(s) and the session counts; open to residents again");
        last_problem_.clear();
    }
    return true;
}

std::optional<SteadyClock::time_point> Recorder::next_retry() const {
    if (!closed_to_residents()) return std::nullopt;
    return next_retry_;
}

}  // namespace lkp
