#pragma once
// What lkp-store needs from its database, implemented for SQLite and PostgreSQL with the same
// semantics: one transaction per batch, a response row never changes once written.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "indicator_sums.h"
#include "protocol/batch.h"
#include "protocol/heartbeat.h"
#include "record/response_codec.h"

namespace lkp::server {

// The database cannot take the request now (gone, locked, disk full): the client retries later.
class Unavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The Idempotency-Key was used before for a different body (HTTP 422).
class KeyReused : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A valid response of a batch, at its position in the request, with its columns as stored and
// what it adds to its survey's indicators (added only when the row is new).
struct NewRow {
    std::size_t index;
    const Response* response;
    record::Row columns;       // record::row_columns(), as the codec writes them
    std::string content_hash;  // of every field sent: equal hashes = the same response (never the clock flag)
    std::vector<Contribution> contributions;
    std::string day;          // the Stockholm day it is dated by, YYYY-MM-DD: where kiosk_days counts it
    bool clock_flag = false;  // the kiosk's clock was clearly wrong: dated by received_at (kClockFlag)
};
// `received_at` dates the row instead of its submitted_at when `clock_flag` (dated_at()).
NewRow make_row(std::size_t index, const Response& r, const Survey& survey, bool clock_flag,
                const std::string& received_at);
// The time a stored answer counts at in the figures and kiosk_days: when the store received it
// if its kiosk's clock was clearly wrong, else when it was given by the kiosk's clock.
const std::string& dated_at(const Response& r, bool clock_flag, const std::string& received_at);

struct BatchRequest {
    std::string kiosk;
    std::string key;        // Idempotency-Key
    std::string body_hash;  // hex BLAKE2b of the (decompressed) body
    std::string received_at;
    std::optional<std::string> kiosk_sent_at;  // the Kiosk-Sent-At header; nullopt: not sent (an older kiosk)
    std::vector<NewRow> rows;
    std::vector<sync::ItemResult> results;  // rejections already decided; rows' entries are filled in
};

struct DaySums {
    DayKey key;
    Sums sums;
    bool operator==(const DaySums&) const = default;
};

struct BatchAnswer {
    std::string body;  // encode_results(), stored with the key so a replay is byte-identical
    bool replayed = false;
    std::vector<DaySums> added;  // what the rows inserted now added to the indicator sums
};

struct KioskInfo {
    std::string name, created_at;
    std::optional<std::string> revoked_at;
    std::optional<sync::Heartbeat> heartbeat;
    std::string heartbeat_received_at;
    // The kiosk's last batch (schema 8): when the store received it, and the kiosk's clock when it
    // was sent (nullopt: the batch had no Kiosk-Sent-At). batch_received_at "": no batch yet.
    std::string batch_received_at;
    std::optional<std::string> batch_sent_at;
};

// --- kiosk fleet health (schema 6): what the staff's kiosk page shows ---

// A kiosk's session counters as its heartbeat sent them: cumulative since its database began.
struct SessionCounters {
    std::int64_t started = 0, completed = 0, abandoned = 0;
    bool operator==(const SessionCounters&) const = default;
};

// A row of kiosk_days as stored.
struct KioskDayRow {
    std::string kiosk, day;                   // day: YYYY-MM-DD in Stockholm
    std::int64_t answers = 0;                 // stored answers submitted that day (each counted once, when inserted)
    std::optional<SessionCounters> sessions;  // the day's last heartbeat's; nullopt: none of version 2
};

// One day of a kiosk on the page.
struct KioskDay {
    std::string day;
    std::int64_t answers = 0;
    std::optional<SessionCounters> sessions;  // cumulative, as stored; sessions_per_day() differences
};

// Everything the page shows of one kiosk.
struct KioskHealth {
    KioskInfo kiosk;                           // its last heartbeat with every field (session counts, rejected reasons)
    std::optional<std::int64_t> clock_skew_s;  // received_at - sent_at: > 0 when the kiosk's clock is behind
    std::optional<std::int64_t> batch_clock_skew_s;  // the same of its last batch (batch_clock_skew_s())
    std::vector<KioskDay> days;                      // the last N Stockholm days, oldest first, one per day
    // The last counters before the first of `days` (looked for kSessionsLookbackDays back), so the
    // first day has a difference too.
    std::optional<SessionCounters> sessions_before;
};

inline constexpr int kMaxFleetDays = 366;
inline constexpr int kSessionsLookbackDays = 31;

// received_at - sent_at of the kiosk's last heartbeat, in whole seconds (network time included:
// well under a second); nullopt without a heartbeat.
std::optional<std::int64_t> clock_skew_s(const KioskInfo& k);
// received_at - Kiosk-Sent-At of the kiosk's last batch, in whole seconds; nullopt without a batch
// or when it had no Kiosk-Sent-At. This is the skew that decides a batch's clock flag.
std::optional<std::int64_t> batch_clock_skew_s(const KioskInfo& k);

// The Stockholm day of a UTC time text, YYYY-MM-DD; "" when it is no UTC time.
std::string stockholm_day(const std::string& utc);

// How both backends store a heartbeat: the columns of table heartbeats in the order of an insert's
// values, what an upsert sets, and version 2's fields as texts (NULL for absent). quarantined_databases
// came with schema 9.
inline constexpr const char* kHeartbeatColumns =
    "kiosk, program_version, unsent, rejected, oldest_unsent_age_s, free_disk_bytes, last_error, sent_at, "
    "received_at, heartbeat_version, sessions_started, sessions_completed, sessions_abandoned, abandoned_at, "
    "rejected_reasons, quarantined_databases";
inline constexpr const char* kHeartbeatUpdate =
    "program_version = excluded.program_version, unsent = excluded.unsent, rejected = excluded.rejected, "
    "oldest_unsent_age_s = excluded.oldest_unsent_age_s, free_disk_bytes = excluded.free_disk_bytes, "
    "last_error = excluded.last_error, sent_at = excluded.sent_at, received_at = excluded.received_at, "
    "heartbeat_version = excluded.heartbeat_version, sessions_started = excluded.sessions_started, "
    "sessions_completed = excluded.sessions_completed, sessions_abandoned = excluded.sessions_abandoned, "
    "abandoned_at = excluded.abandoned_at, rejected_reasons = excluded.rejected_reasons, "
    "quarantined_databases = excluded.quarantined_databases";
struct HeartbeatColumns {
    std::string version;
    std::optional<std::string> started, completed, abandoned;  // NULL from version 1
    std::optional<std::string> abandoned_at;                   // JSON {step: count}; NULL from version 1
    std::string rejected_reasons;                              // JSON [{code, field, reason, count}]
    std::optional<std::string> quarantined_databases;          // NULL: the kiosk did not say
};
HeartbeatColumns heartbeat_columns(const sync::Heartbeat& h);
void read_heartbeat_columns(sync::Heartbeat& h, const HeartbeatColumns& columns);

// Stored answers per day among the rows inserted now, in the order days first appear.
std::vector<std::pair<std::string, std::int64_t>> answers_per_day(const std::vector<const NewRow*>& inserted);

// --- end of kiosk fleet health ---

enum class KioskAdded { New, AgainAfterRevoke };

struct KioskCount {
    std::string kiosk;
    std::int64_t responses = 0;
};

// The indicator sums of a survey added up per calendar month (of Stockholm days), with the first
// and last day that had an answer. Days are "YYYY-MM-DD"; an empty bound is open.
struct SumsQuery {
    std::string survey_id;
    std::string from_day, to_day;  // inclusive
    bool include_flagged = false;
};
struct MonthSums {
    std::string indicator, district, gender;
    std::string month;  // "YYYY-MM"
    Sums sums;
    std::string first_day, last_day;
};

// A stored row as an export reads it, in place: views into the database's buffers, valid
// during the callback only (record::view_of reads the columns).
struct StoredRowView {
    std::string_view kiosk;  // the kiosk that sent it
    record::RowView row;
    std::string_view received_at;  // the store's clock when its batch arrived
    bool clock_flag = false;       // its kiosk's clock was clearly wrong (kClockFlag): dated by received_at
};
// One survey's rows whose submitted_at lies in [from_utc, to_utc) (UTC texts; empty: open), in
// time order as the index responses_by_time holds them, not sorted (rows of the same millisecond
// in the order they arrived, on SQLite; in any order, on PostgreSQL).
struct ResponseQuery {
    std::string survey_id;
    std::string from_utc, to_utc;
    std::optional<std::string> district;
};

// Who may read exports over HTTP until the staff login exists: named, with a hashed token.
struct OperatorInfo {
    std::string name, created_at;
    std::optional<std::string> revoked_at;
};

// One line of the audit log: who took which data out, or changed who may.
struct AuditEntry {
    std::string at, actor, action, detail;
};

// A series imported from Kolada's published data, kept beside the kiosks' own.
struct ReferenceSeries {
    std::string kpi, title, source, note;
    std::string indicator;  // the survey indicator it is compared with; "" when none
    std::string imported_at;
};
struct ReferenceValue {
    std::string kpi;
    std::string area;  // Kolada's municipality or ou id
    std::string period, gender;
    std::optional<double> value;
    std::optional<std::int64_t> count;
    std::string status;
};

// ---- Staff login (issue 10, item 2): accounts, server-side sessions, failed-login counters ----
// Tables staff, staff_sessions and login_failures. Only sync/server/staff/ (StaffAuth) calls the
// operations below; times are format_utc() texts.

// A member of staff who may log in: their password only as an argon2id string (crypto_pwhash_str).
struct StaffAccount {
    std::string name, password_hash;
    bool admin = false;
    std::string created_at;
};
// A line of `lkp-store staff list`: removed members too, never a hash.
struct StaffListEntry {
    std::string name;
    bool admin = false;
    std::string created_at;
    std::optional<std::string> removed_at, last_login_at;
    std::int64_t active_sessions = 0;
};
// A login session, found by the hash of its id (the id itself is only ever in the cookie).
struct StaffSessionRecord {
    std::string id_hash, staff, csrf_token, created_at, last_seen_at, client;
    bool admin = false;  // the member's, as read with the session
};
// Wrong passwords counted under a key such as "account:NAME" or "address:IP".
struct LoginFailures {
    std::int64_t failures = 0;
    std::string last_failure_at;
};
enum class StaffAdded { New, AgainAfterRemove };
// ---- end of staff login types ----

class StoreBackend {
  public:
    virtual ~StoreBackend() = default;
    virtual const char* kind() const = 0;  // "sqlite" or "postgresql"
    virtual void ping() = 0;               // throws Unavailable

    // The kiosk whose unrevoked token has this hash.
    virtual std::optional<std::string> kiosk_for_token(const std::string& token_hash) = 0;
    // Inserts the rows and records the key in one transaction, or replays the stored answer.
    virtual BatchAnswer store_batch(BatchRequest request) = 0;
    virtual void store_heartbeat(const sync::Heartbeat& h, const std::string& received_at) = 0;

    // A new kiosk, or a revoked one allowed again under this new token (only the new hash is kept,
    // so its old token stays dead). Throws std::runtime_error when an active kiosk has the name.
    virtual KioskAdded add_kiosk(const std::string& name, const std::string& token_hash, const std::string& now) = 0;
    virtual bool revoke_kiosk(const std::string& name, const std::string& now) = 0;  // false: unknown
    virtual std::vector<KioskInfo> kiosks() = 0;  // by name, each with its last heartbeat
    virtual std::vector<KioskCount> response_counts() = 0;

    // --- kiosk fleet health (schema 6) ---
    // store_batch adds each inserted row to its kiosk's day in kiosk_days, in the batch's
    // transaction; store_heartbeat keeps a version 2 heartbeat's session counters in the row of
    // the Stockholm day it was received (the day's last heartbeat wins).
    // Every row of kiosk_days from `first_day` (YYYY-MM-DD) on, in any order.
    virtual std::vector<KioskDayRow> kiosk_days(const std::string& first_day) = 0;
    // Every kiosk (by name) with its last heartbeat and its last `days` Stockholm days up to the
    // day of `now`: two queries, one of them a range of kiosk_days' key. Throws
    // std::invalid_argument unless 1 <= days <= kMaxFleetDays.
    std::vector<KioskHealth> fleet(int days,
                                   std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
    // --- end of kiosk fleet health ---

    // Indicator sums, kept per day as rows arrive (store_batch adds each new row's contributions
    // in its transaction).
    virtual std::vector<MonthSums> month_sums(const SumsQuery& query) = 0;
    virtual std::vector<DaySums> day_sums() = 0;  // every stored day, in key order
    // The first and last day with sums of a survey (flagged or not); nullopt when none.
    virtual std::optional<std::pair<std::string, std::string>> sums_day_range(const std::string& survey_id) = 0;
    // Deletes every sum and adds them up again from the stored rows, in one transaction (batches
    // wait meanwhile), and records `definitions` (what the sums were computed for) in meta.
    // Returns the number of rows read.
    // Called with each row and the time it is dated by (dated_at()).
    using ContributionsOf = std::function<std::vector<Contribution>(const Response&, const std::string& dated_at)>;
    virtual std::int64_t rebuild_sums(const ContributionsOf& contributions_of, const std::string& definitions) = 0;
    // The definitions the stored sums were last rebuilt for; "" when never.
    virtual std::string sums_definitions() = 0;

    virtual void for_each_response(const ResponseQuery& query,
                                   const std::function<void(const StoredRowView&)>& each) = 0;

    virtual KioskAdded add_operator(const std::string& name, const std::string& token_hash, const std::string& now) = 0;
    virtual bool revoke_operator(const std::string& name, const std::string& now) = 0;
    virtual std::optional<std::string> operator_for_token(const std::string& token_hash) = 0;
    virtual std::vector<OperatorInfo> operators() = 0;

    virtual void audit(const AuditEntry& entry) = 0;
    virtual std::vector<AuditEntry> audit_log() = 0;  // oldest first

    // Replaces the series of this KPI and its values, in one transaction.
    virtual void store_reference(const ReferenceSeries& series, const std::vector<ReferenceValue>& values) = 0;
    virtual std::vector<ReferenceSeries> reference_series() = 0;
    virtual std::vector<ReferenceValue> reference_values(const std::string& kpi) = 0;

    // ---- Staff login (issue 10, item 2); see the types above ----
    // A new member, or a removed one allowed again (new hash, admin flag and created_at). Throws
    // std::runtime_error (staff_is_active) when an active member has the name.
    virtual StaffAdded add_staff(const StaffAccount& account) = 0;
    // Marks the member removed and deletes their sessions, in one transaction; false: no active member.
    virtual bool remove_staff(const std::string& name, const std::string& now) = 0;
    // A new password: every session of theirs ends in the same transaction; false: no active member.
    virtual bool set_staff_password(const std::string& name, const std::string& password_hash) = 0;
    // The same password hashed with today's parameters, stored only while the old hash is still
    // there (a concurrent `staff passwd` wins); sessions stay.
    virtual void rehash_staff_password(const std::string& name, const std::string& old_hash,
                                       const std::string& new_hash) = 0;
    virtual std::optional<StaffAccount> staff_account(const std::string& name) = 0;  // active members only
    // Every member by name; active_sessions counts those seen since `seen_since` and created since
    // `created_since` (the idle and absolute expiry).
    virtual std::vector<StaffListEntry> staff_list(const std::string& seen_since, const std::string& created_since) = 0;
    // Stores the session and the member's last login, in one transaction; false (nothing stored)
    // when the member is not active (removed while their password was being checked).
    virtual bool start_staff_session(const StaffSessionRecord& session) = 0;
    // The session and its member's admin flag; nullopt when unknown or the member was removed.
    virtual std::optional<StaffSessionRecord> staff_session(const std::string& id_hash) = 0;
    virtual void touch_staff_session(const std::string& id_hash, const std::string& now, const std::string& client) = 0;
    // Deletes the session; the member's name, or nullopt when there was none.
    virtual std::optional<std::string> end_staff_session(const std::string& id_hash) = 0;
    // Deletes sessions last seen before `seen_before` or created before `created_before`, and
    // failure counters last added to before `failures_before`. Returns the sessions deleted.
    virtual std::int64_t delete_expired_staff_records(const std::string& seen_before, const std::string& created_before,
                                                      const std::string& failures_before) = 0;
    virtual std::optional<LoginFailures> login_failures(const std::string& key) = 0;
    // One more failure under `key`, counted from 1 again when the last one was before `forget_before`.
    virtual LoginFailures add_login_failure(const std::string& key, const std::string& now,
                                            const std::string& forget_before) = 0;
    virtual void clear_login_failures(const std::string& key) = 0;
    // ---- end of staff login ----
};

// How long an Idempotency-Key's stored answer is kept. Exactly-once does not rest on it: the
// unique (kiosk, id) of every response makes a resend a duplicate at any age. The record only
// makes the retry of a batch byte-identical to its first answer, and a kiosk retries within
// minutes, at most days (a store or network down over a long weekend). Older records are deleted,
// so the table no longer grows for ever.
inline constexpr std::chrono::hours kIdempotencyRetention{24 * 7};
// How often a running store deletes expired records: at its first batch, then at most hourly (one
// indexed range delete, in its own statement before the batch's transaction).
inline constexpr std::chrono::hours kIdempotencyExpiryInterval{1};

// The schema both backends migrate to (their kMigrations, one step per version); kept in table
// `meta` under 'schema_version'.
inline constexpr int kServerSchemaVersion = 9;

// How both backends store a row, built from the codec's column list so that a new field of the
// record needs only a migration: the authenticated kiosk, record::row_columns(), then what the
// store adds (content_hash, received_at, kiosk_sent_at, clock_flag). insert_response_sql() numbers its placeholders
// "?1".. (SQLite) or "$1".. (PostgreSQL) in the order of stored_values(), and ends with ON CONFLICT (kiosk, id) DO
// NOTHING.
std::string insert_response_sql(char placeholder);
record::Row stored_values(const BatchRequest& request, const NewRow& row);

// Both create the schema on first open, bring an older one up to kServerSchemaVersion, and refuse
// (untouched) a database of a newer schema version.
std::unique_ptr<StoreBackend> open_sqlite(const std::string& path);
std::unique_ptr<StoreBackend> open_postgres(const std::string& url, std::size_t max_connections);
// True when a --postgres URL (URI or keyword form) carries a password, which would show in `ps`.
bool postgres_url_has_password(const std::string& url);

// Shared by both backends: the per-item outcome of trying to insert a row. Not inserted: the
// same content (stored hash of either form) is a duplicate, anything else a conflict.
sync::ItemResult row_outcome(const NewRow& row, bool inserted, const std::string& stored_hash);
// Why add_kiosk refused a name in use, and what to do instead.
std::string kiosk_is_active(const std::string& name);
std::string operator_is_active(const std::string& name);
// Why add_staff refused a name in use (staff login).
std::string staff_is_active(const std::string& name);

// Contributions added up per day key, in the order keys first appear: most answers of a batch
// share a day, district and gender, so a batch is a handful of upserts, not one per answer and
// indicator; a rebuild writes each day once.
class DaySumsAdder {
  public:
    void add(const std::vector<Contribution>& contributions);
    const std::vector<DaySums>& sums() const { return sums_; }

  private:
    std::vector<DaySums> sums_;
    std::unordered_map<std::string, std::size_t> index_;
};
std::vector<DaySums> merged_contributions(const std::vector<const NewRow*>& inserted);

}  // namespace lkp::server
