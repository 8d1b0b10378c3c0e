#pragma once
// Stores what the session produces: session counts and completed answers. An answer that cannot
// be committed (a full disk, say) is kept in memory, retried every 30 s and never dropped; the
// thank-you screen apologises meanwhile. No ImGui, no GLFW: the loop passes the time in.
#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>

#include "core/session.h"
#include "kiosk_db/kiosk_database.h"
#include "log.h"

namespace lkp {

class Recorder {
  public:
    static constexpr std::chrono::seconds kRetryEvery{30};

    explicit Recorder(std::string data_dir, LogLine log = log_to_stderr);

    // The burst rule the database flags repeated answers by (the defaults until set); before or after open().
    void set_burst_rule(BurstRule rule);

    // Opens (and checks) DIR/responses.sqlite, then stores the answers that waited for it. A
    // corrupt one is moved aside and what it still holds is put back (KioskDatabase::
    // open_or_recover), which is logged. Logs why and returns false when the database is refused
    // (another program's, written by a newer version).
    bool open(const std::string& kiosk_id, SteadyClock::time_point now);

    // Counts a started or abandoned session (a failure is logged; counts are not kept for a
    // retry) and stores a completed answer, behind any that still wait, so the order holds.
    void persist(const Outcome& outcome, SteadyClock::time_point now);

    // Tries again once next_retry() has come.
    void retry_if_due(SteadyClock::time_point now);
    // Tries to store every waiting answer, oldest first; true when none is left.
    bool retry(SteadyClock::time_point now);

    // The last completed answer could not be stored when it came: the thank-you screen says so.
    bool last_save_failed() const { return last_save_failed_; }
    // When to try again; nullopt when nothing waits.
    std::optional<SteadyClock::time_point> next_retry() const;
    // The open database, for staff mode (its audit and overview); nullptr before open().
    KioskDatabase* database() { return store_ ? &*store_ : nullptr; }
    // Completed answers held in memory, not yet stored.
    std::size_t waiting() const { return unsaved_.size(); }

  private:
    std::string data_dir_;
    LogLine log_;
    BurstRule burst_;
    std::optional<KioskDatabase> store_;
    std::deque<Response> unsaved_;  // oldest first
    SteadyClock::time_point next_retry_{};
    bool last_save_failed_ = false;
};

}  // namespace lkp
