#pragma once
// The kiosk's own SQLite file (DIR/responses.sqlite) and everything in it: responses, the outbox
// of what the indicator store has not yet confirmed, the batch in flight, sync bookkeeping and
// session counts, and staff mode's audit. This class is the file's only owner: others call its typed operations and
// never see SQL. Answers are committed durably (WAL, synchronous=FULL) before the resident sees
// "thank you", with their outbox entry in the same transaction.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "record/response.h"

namespace lkp {

class Database;

inline constexpr int kKioskSchemaVersion = 5;
inline constexpr const char* kDatabaseFile = "responses.sqlite";

// Answers and the response rate.
struct KioskStatus {
    std::int64_t responses = 0;  // stored responses, synthetic included
    std::int64_t synthetic = 0;
    std::int64_t test = 0;              // given in staff's test mode
    std::int64_t sessions_started = 0;  // real (non-synthetic) sessions only
    std::int64_t sessions_completed = 0;
    std::int64_t sessions_abandoned = 0;
    std::map<std::string, std::int64_t> abandoned_at;  // step -> count
    std::int64_t synthetic_sessions = 0;               // started by `simulate`; kept out of the response rate
    std::string first_submitted_at, last_submitted_at;
};

// Real (non-synthetic) sessions since the database began, for the heartbeat: cumulative counts.
struct SessionTotals {
    std::int64_t started = 0, completed = 0, abandoned = 0;
    std::map<std::string, std::int64_t> abandoned_at;  // step -> count
};

// What waits for the indicator store, and how the last rounds went.
struct OutboxStatus {
    std::int64_t unsent = 0;    // waiting to be sent (rejected ones not included)
    std::int64_t rejected = 0;  // refused by the store; kept, shown, not resent unchanged
    std::optional<std::int64_t> oldest_unsent_age_s;
    std::string last_success_at, last_error, last_error_at;
    bool last_round_failed() const { return !last_error_at.empty() && last_error_at > last_success_at; }
};

// Why the store refused answers, most frequent first, for `lkp-kiosk status`.
struct Rejection {
    std::string code, field, reason;
    std::int64_t count = 0;
};

// Real answers (not `simulate`'s, not staff's test mode's) per district chosen; nullopt: declined.
struct DistrictCount {
    std::optional<std::string> district;
    std::int64_t today = 0, week = 0, total = 0;
};

// One thing staff did at the kiosk, or a wrong PIN.
struct StaffAuditEntry {
    std::string at;  // UTC, "YYYY-MM-DDTHH:MM:SSZ"
    std::string action, detail;
};

// The batch in flight, saved before its first send so that every retry, also after a power cut,
// sends the same bytes under the same Idempotency-Key.
struct PendingBatch {
    std::string key;
    std::string body;                // exactly the bytes sent (the sync gzips its JSON)
    std::vector<std::int64_t> seqs;  // request order
    std::vector<std::string> ids;    // request order
    int attempts = 0;
};

// What the store said about one response of the batch in flight.
struct ItemVerdict {
    bool delivered = false;           // stored now or before: it leaves the outbox
    std::string code, field, reason;  // why not, when not delivered
};

// Repeated answers (issue 11, docs/indicators.md): when a new answer makes more than `limit` real
// answers (not synthetic, not test) given within `window` (by submitted_at, the window ending at
// the new one, both ends included), every one of them is kept but flagged "burst". So that the
// first ones of a burst can still be flagged, a real answer is not sent until `window` has passed
// since it was given. A window of 0 turns the rule and the wait off.
struct BurstRule {
    int limit = 3;
    std::chrono::seconds window{60};
};

// What open_or_recover or recover did with a database found corrupt.
struct Recovery {
    std::string quarantined;    // where the file went (its -wal beside it, same name + "-wal")
    std::string problem;        // what SQLite said of it
    std::int64_t salvaged = 0;  // answers read back from it into the fresh database's outbox
    bool foreign_wal = false;   // its WAL was another database's: the answers came from the file alone
};

// Whether an error means the database file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB), which no
// retry mends: the file must be moved aside (KioskDatabase::recover).
bool means_corrupt_database(const std::exception& e);

// The corrupt databases moved aside in DIR so far (full paths, oldest first), for `status`.
std::vector<std::string> quarantined_databases(const std::string& data_dir);

class KioskDatabase {
  public:
    enum class Role {
        Kiosk,  // saves answers: every commit is flushed to disk (synchronous=FULL)
        // Sync bookkeeping only (batch in flight, which rows left the outbox). A power cut may undo
        // its last commit, which is safe: the answers go again and the store calls them duplicates.
        // It saves two disk flushes per batch.
        Sync,
    };

    // Opens (creating if needed) DIR/responses.sqlite, brought up to the current schema. Throws
    // DatabaseError, and writes nothing, when the file is corrupt, is not an LKP Kiosk database,
    // or is from a newer program.
    static KioskDatabase open(const std::string& data_dir, Role role = Role::Kiosk);
    static KioskDatabase open_file(const std::string& db_path, Role role = Role::Kiosk);
    // For the running kiosk: like open(), but a database SQLite finds corrupt (at the quick_check or
    // as "not a database") is moved aside to DIR/responses.sqlite.corrupt-<UTC time> with its WAL,
    // never deleted; a fresh one is started so residents can go on answering; and every answer
    // still readable from the old file goes back into the outbox once (an id already there is
    // skipped; the store recognises the ones it has). `recovery` says what was done. Any other
    // refusal (another program's file, a newer schema) still throws.
    // Before all that, a WAL beside the file is checked to be the file's own: SQLite applies any
    // WAL whose checksums hold, and another database's would make this one look like that one. Such
    // a pair is moved aside the same way, and the answers are read from the file alone.
    static KioskDatabase open_or_recover(const std::string& data_dir, std::optional<Recovery>& recovery);
    // For a database found corrupt while the kiosk runs (means_corrupt_database): the same moving
    // aside, fresh start and salvage as open_or_recover's. Every connection to the file must be
    // closed first, the last one after keep_files_as_found(), so that they stay as they were found.
    static KioskDatabase recover(const std::string& data_dir, const std::string& problem, Recovery& recovery);
    // For reading commands: nullopt when DIR holds no database (a mistyped folder is not created).
    static std::optional<KioskDatabase> open_existing(const std::string& data_dir);

    KioskDatabase(KioskDatabase&&) noexcept;
    KioskDatabase& operator=(KioskDatabase&&) noexcept;
    ~KioskDatabase();

    const std::string& path() const;
    // Closing this connection will not checkpoint the WAL into the file (SQLite's last connection
    // does): for a damaged file that is about to be moved aside as it is.
    void keep_files_as_found();
    // How this connection commits, for tests and benchmarks to check: "wal" and 2 (FULL) for Kiosk.
    struct Durability {
        std::string journal_mode;
        std::int64_t synchronous = 0;
    };
    Durability durability();

    // The rule save() flags bursts by and unsent() holds answers for; the defaults until set.
    void set_burst_rule(BurstRule rule) { burst_ = rule; }
    const BurstRule& burst_rule() const { return burst_; }

    // --- answers and sessions (the kiosk's thread) ---
    // Commits the response, its outbox entry and a "completed" session event in one
    // transaction; sets r.seq. Returns only after the commit is durable. When the response makes
    // a burst, it and every earlier one of the burst are flagged "burst" in the same transaction
    // (r.flags too).
    void save(Response& r);
    void record_started(bool synthetic);
    void record_abandoned(const std::string& step, bool synthetic);
    std::vector<Response> all_responses();
    KioskStatus status();
    SessionTotals session_totals();  // the sessions part of status(), without counting answers
    // Real answers per district: since `today_from_utc`, since `week_from_utc` (UTC times, the
    // codec's format) and in all; most answers first.
    std::vector<DistrictCount> answers_by_district(const std::string& today_from_utc, const std::string& week_from_utc);

    // --- the outbox (the sync's thread, on a connection of its own) ---
    std::optional<PendingBatch> saved_batch();
    // The oldest waiting responses after `after_seq`, in seq order, but none the burst rule still
    // holds: a real answer given less than the burst window before `now`. One given "after" `now`
    // (the clock was set back since) is not held: it would wait for as long as the clock was off.
    using WallClock = std::chrono::system_clock;
    std::vector<Response> unsent(std::size_t max_items, std::int64_t after_seq = 0,
                                 WallClock::time_point now = WallClock::now());
    // When the first answer held by the burst rule may go; nullopt when none is held.
    std::optional<WallClock::time_point> next_release(WallClock::time_point now = WallClock::now());
    void save_batch(const PendingBatch& batch);
    void count_attempt();
    // One transaction: delivered rows leave the outbox, rejected ones are marked, the batch is
    // done and the time of this success is kept. `verdicts` is in request order.
    void finish_batch(const PendingBatch& batch, const std::vector<ItemVerdict>& verdicts);
    // The store refused the whole request: every response is marked with this reason.
    void reject_batch(const PendingBatch& batch, const std::string& code, const std::string& reason);
    void drop_batch();  // sent no more (too large): the next one is built anew
    void record_sync_error(const std::string& message);
    // Puts rejected responses back in line, for staff once the cause is fixed at the store.
    std::int64_t requeue_rejected();
    OutboxStatus outbox_status();
    // Most frequent first (ties in code, field, reason order), at most `limit` groups.
    std::vector<Rejection> rejections(int limit = 5);

    // --- staff mode's audit (the kiosk's thread) ---
    void record_staff_action(const std::string& action, const std::string& detail = "");
    std::vector<StaffAuditEntry> staff_audit(int limit);  // newest first
    // When each wrong PIN since the last right one was entered, oldest first (the lock-out's input).
    std::vector<std::string> wrong_pins_since_right();

  private:
    KioskDatabase(std::unique_ptr<Database> db, Role role);
    // Moves DIR's database (with its WAL and index) to r.quarantined, opens a fresh one and puts
    // back what can be read from the moved one; r.problem and r.foreign_wal are the caller's.
    static KioskDatabase move_aside_and_start_afresh(const std::string& data_dir, Recovery& r);
    void record_event(const char* kind, const std::string& step, bool synthetic);
    bool put_back(const Response& r);  // a salvaged answer, with its outbox row; false if already here
    void set_sync_state(const std::string& key, const std::string& value);
    // Inside save()'s transaction, before `r` is inserted: whether `r` makes a burst, and if so
    // the earlier answers of its window are flagged.
    bool flag_burst_before(const Response& r);
    std::unique_ptr<Database> db_;
    Role role_;
    BurstRule burst_;
};

// Brings a database at user_version `from` up to `to` (each step in its own transaction).
// Exposed so tests can build a database at every earlier version.
void migrate_kiosk_database(Database& db, int from, int to);

}  // namespace lkp
