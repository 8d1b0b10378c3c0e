#pragma once
// Stores what the session produces: session counts and completed answers. An answer that cannot
// be committed (a full disk, say) is kept in memory, retried every 10 s and never dropped; the
// thank-you screen apologises, and the kiosk is closed to residents until it is stored, so no
// second answer joins it in memory. No ImGui, no GLFW: the loop passes the time in.
//
// A database SQLite calls corrupt while the kiosk runs (at a save, or at the sync's reads) is not
// retried: it is moved aside at once and a fresh one started, with what could be read from it
// back in the outbox (KioskDatabase::recover), and then the waiting answer is stored.
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "core/session.h"
#include "kiosk_db/kiosk_database.h"
#include "log.h"

namespace lkp {

class Recorder {
  public:
    // Short, so the kiosk opens again soon after space returns; a failed commit costs next to nothing.
    static constexpr std::chrono::seconds kRetryEvery{10};

    explicit Recorder(std::string data_dir, LogLine log = log_to_stderr);

    // The burst rule the database flags repeated answers by (the defaults until set); before or after open().
    void set_burst_rule(BurstRule rule);

    // Opens (and checks) DIR/responses.sqlite, then stores the answers that waited for it. A
    // corrupt one is moved aside and what it still holds is put back (KioskDatabase::
    // open_or_recover), which is logged. Logs why and returns false when the database is refused
    // (another program's, written by a newer version).
    bool open(const std::string& kiosk_id, SteadyClock::time_point now);

    // Counts a started or abandoned session and stores a completed answer, behind any that still
    // wait, so the order holds. What cannot be stored now waits in memory for the retry: the
    // counts too, since the response rate is figured from them.
    void persist(const Outcome& outcome, SteadyClock::time_point now);

    // Called around a recovery: `stop` before the database is moved aside (the sync's connection
    // must be closed by then), `restart` after the fresh one is open (or the attempt failed).
    void set_sync_control(std::function<void()> stop, std::function<void()> restart);
    // The database was found corrupt elsewhere (the sync's reads): moves it aside now and stores
    // what waits. `problem` is SQLite's words. False when the fresh database could not be opened.
    bool recover_database(const std::string& problem, SteadyClock::time_point now);
    // Corrupt databases moved aside while running (the open database object is then a new one).
    int recoveries() const { return recoveries_; }

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
    // While an answer waits, residents see "temporarily closed" instead of the invitation.
    bool closed_to_residents() const { return !unsaved_.empty() || !uncounted_.empty(); }

  private:
    // Closes the corrupt database as found and starts the fresh one; logs what was done.
    bool replace_corrupt_database(const std::string& problem);
    std::string data_dir_;
    LogLine log_;
    BurstRule burst_;
    std::optional<KioskDatabase> store_;
    std::deque<Response> unsaved_;  // oldest first
    struct SessionCount {
        std::optional<std::string> abandoned_at;  // nullopt: a session started
    };
    std::deque<SessionCount> uncounted_;
    SteadyClock::time_point next_retry_{};
    bool last_save_failed_ = false;
    std::string last_problem_;  // logged once, not on every retry of a disk that stays full
    std::function<void()> stop_sync_, restart_sync_;
    int recoveries_ = 0;
};

}  // namespace lkp
