#include "recorder.h"

#include <exception>

namespace lkp {

Recorder::Recorder(std::string data_dir, LogLine log) : data_dir_(std::move(data_dir)), log_(std::move(log)) {}

namespace {

std::string recovery_line(const Recovery& r) {
    return "the database was corrupt (" + r.problem + "): it was moved to " + r.quarantined +
           (r.foreign_wal ? " with the WAL" : "") + " (kept, never deleted), a fresh one was started, and " +
           std::to_string(r.salvaged) + " answers were read back from " + (r.foreign_wal ? "the file alone" : "it") +
           " into the outbox. `lkp-kiosk status` lists it.";
}

}  // namespace

bool Recorder::open(const std::string& kiosk_id, SteadyClock::time_point now) {
    try {
        std::optional<Recovery> recovery;
        store_.emplace(KioskDatabase::open_or_recover(data_dir_, recovery));
        store_->set_burst_rule(burst_);
        if (recovery) log_(recovery_line(*recovery));
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

void Recorder::set_sync_control(std::function<void()> stop, std::function<void()> restart) {
    stop_sync_ = std::move(stop);
    restart_sync_ = std::move(restart);
}

bool Recorder::replace_corrupt_database(const std::string& problem) {
    if (stop_sync_) stop_sync_();
    if (store_) store_->keep_files_as_found();
    store_.reset();
    try {
        Recovery r;
        store_.emplace(KioskDatabase::recover(data_dir_, problem, r));
        store_->set_burst_rule(burst_);
        ++recoveries_;
        log_("while running, " + recovery_line(r));
    } catch (const std::exception& e) {
        store_.reset();
        log_(std::string("the database is corrupt and no fresh one could be started (answers wait in memory): ") +
             e.what());
    }
    if (restart_sync_) restart_sync_();
    return store_.has_value();
}

bool Recorder::recover_database(const std::string& problem, SteadyClock::time_point now) {
    if (!replace_corrupt_database(problem)) return false;
    if (closed_to_residents()) retry(now);
    return true;
}

bool Recorder::retry(SteadyClock::time_point now) {
    std::size_t stored = 0;
    std::string what;
    auto open_store = [this]() -> KioskDatabase& {
        if (!store_) throw std::runtime_error("the store is not open yet");
        return *store_;
    };
    auto store_waiting = [&] {
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
    };
    try {
        try {
            store_waiting();
        } catch (const std::exception& e) {
            // No retry mends a damaged file: it is moved aside now, and what waits goes into the
            // fresh one. Once: a fresh database that fails too waits like a full disk.
            if (!means_corrupt_database(e) || !store_) throw;
            if (!replace_corrupt_database(e.what())) throw;
            store_waiting();
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
