// lkp-store on PostgreSQL: a small pool of connections with prepared statements. A connection
// that went bad is dropped and the next request opens a new one, so the server outlives restarts
// of the database.
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>

#include "record/utc.h"
#include "store_backend.h"

namespace lkp::server {

namespace {

using Params = std::vector<std::optional<std::string>>;

// Timestamps are kept as timestamptz (for indicators) and read back in the wire's format.
#define LKP_UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

// Migration N brings schema version N-1 to N, each in its own transaction. A shipped step is never
// edited: a change is a new step (and kServerSchemaVersion + 1).
const char* const kMigrations[] = {
    // 1: the first release's schema. meta keeps schema_version.
    R"sql(
CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE kiosks (
  name text PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE TABLE responses (
  kiosk text NOT NULL,
  id text NOT NULL,
  seq bigint NOT NULL,
  survey_id text NOT NULL,
  survey_version integer NOT NULL,
  location text NOT NULL,
  language text NOT NULL,
  district text,
  answers jsonb NOT NULL,
  started_at timestamptz NOT NULL,
  submitted_at timestamptz NOT NULL,
  flags jsonb NOT NULL,
  content_hash text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (kiosk, id)
);
CREATE INDEX responses_by_district ON responses (survey_id, district, submitted_at);
CREATE TABLE idempotency (
  kiosk text NOT NULL,
  key text NOT NULL,
  body_hash text NOT NULL,
  result text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (kiosk, key)
);
CREATE TABLE heartbeats (
  kiosk text PRIMARY KEY,
  program_version text NOT NULL,
  unsent bigint NOT NULL,
  rejected bigint NOT NULL,
  oldest_unsent_age_s bigint,
  free_disk_bytes bigint,
  last_error text NOT NULL,
  sent_at text NOT NULL,
  received_at timestamptz NOT NULL
);
)sql",
    // 2: "absent" has one spelling, NULL: location may be NULL and schema 1's '' becomes NULL.
    R"sql(
ALTER TABLE responses ALTER COLUMN location DROP NOT NULL;
UPDATE responses SET location = NULL WHERE location = '';
-- kiosk_id: as the kiosk sent it; NULL for rows stored before schema 2 (then it equalled kiosk).
ALTER TABLE responses ADD COLUMN kiosk_id text;
COMMENT ON COLUMN responses.kiosk_id IS 'as the kiosk sent it; NULL for rows stored before schema 2';
)sql",
    // 3: Idempotency-Key records expire after kIdempotencyRetention; found by age, not by a scan.
    R"sql(
CREATE INDEX idempotency_by_created_at ON idempotency (created_at);
)sql",
    // 4: the indicators. Sums per Stockholm day kept as rows arrive (a query for any period adds
    // days up), keyed day first so a period is one range. Rows stored before are summed by the
    // rebuild `serve` runs when meta has no 'indicator_definitions' yet. Operators read exports;
    // the audit log says who took what out; Kolada series imported for comparison.
    R"sql(
CREATE TABLE indicator_days (
  survey_id text NOT NULL,
  day text NOT NULL,
  indicator text NOT NULL,
  district text NOT NULL,
  gender text NOT NULL,
  flagged boolean NOT NULL,
  n bigint NOT NULL,
  numerator bigint NOT NULL,
  sum double precision NOT NULL,
  sum_of_squares double precision NOT NULL,
  PRIMARY KEY (survey_id, day, indicator, district, gender, flagged)
);
COMMENT ON COLUMN indicator_days.district IS 'empty when the resident did not say';
COMMENT ON COLUMN indicator_days.gender IS 'the gender answer, empty when declined';
CREATE TABLE operators (
  name text PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE TABLE audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  detail text NOT NULL
);
CREATE TABLE reference_series (
  kpi text PRIMARY KEY,
  title text NOT NULL,
  source text NOT NULL,
  note text NOT NULL,
  indicator text NOT NULL,
  imported_at timestamptz NOT NULL
);
CREATE TABLE reference_values (
  kpi text NOT NULL,
  area text NOT NULL,
  period text NOT NULL,
  gender text NOT NULL,
  value double precision,
  count bigint,
  status text NOT NULL,
  PRIMARY KEY (kpi, area, period, gender)
);
)sql",
    // 5: exports read a survey's rows in time order. The index on (survey, time) gives that order
    // without sorting a million rows (a quarter of an export's time); it replaces the index by
    // district, which only exports of one district used and which they now do without (they read
    // the survey's rows in range and keep that district's), so a batch still updates two indexes.
    R"sql(
DROP INDEX responses_by_district;
CREATE INDEX responses_by_time ON responses (survey_id, submitted_at);
)sql",
    // 6: kiosk fleet health. The last heartbeat keeps version 2's fields (session counts, the
    // answers the kiosk holds rejected, by reason). kiosk_days counts stored answers per kiosk and
    // Stockholm day of submission (each added when inserted, in the batch's transaction) and keeps
    // the day's last session counters (cumulative), keyed day first so the page reads a range.
    // The answers already stored are counted here.
    R"sql(
ALTER TABLE heartbeats ADD COLUMN heartbeat_version integer NOT NULL DEFAULT 1,
  ADD COLUMN sessions_started bigint, ADD COLUMN sessions_completed bigint, ADD COLUMN sessions_abandoned bigint,
  ADD COLUMN abandoned_at text, ADD COLUMN rejected_reasons text NOT NULL DEFAULT '[]';
COMMENT ON COLUMN heartbeats.abandoned_at IS 'JSON {step: count}; NULL before version 2';
COMMENT ON COLUMN heartbeats.rejected_reasons IS 'JSON [{code, field, reason, count}]';
CREATE TABLE kiosk_days (
  day text NOT NULL,
  kiosk text NOT NULL,
  answers bigint NOT NULL DEFAULT 0,
  sessions_started bigint,
  sessions_completed bigint,
  sessions_abandoned bigint,
  PRIMARY KEY (day, kiosk)
);
COMMENT ON COLUMN kiosk_days.day IS 'YYYY-MM-DD in Stockholm';
COMMENT ON COLUMN kiosk_days.sessions_started IS 'the day''s last heartbeat''s counters; NULL: none of version 2';
INSERT INTO kiosk_days (day, kiosk, answers)
  SELECT to_char(submitted_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD') AS stockholm_day, kiosk, count(*)
  FROM responses GROUP BY stockholm_day, kiosk;
)sql",
    // 7: staff login (issue 10). A member's password only as an argon2id string; a session only
    // by the hash of its id (the id is in the cookie alone); wrong passwords counted per key
    // ("account:NAME", "address:IP") so the growing delay survives a restart.
    R"sql(
CREATE TABLE staff (
  name text PRIMARY KEY,
  password_hash text NOT NULL,
  admin boolean NOT NULL,
  created_at timestamptz NOT NULL,
  removed_at timestamptz,
  last_login_at timestamptz
);
CREATE TABLE staff_sessions (
  id_hash text PRIMARY KEY,
  staff text NOT NULL,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  client text NOT NULL
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff);
CREATE TABLE login_failures (
  key text PRIMARY KEY,
  failures bigint NOT NULL,
  last_failure_at timestamptz NOT NULL
);
)sql",
    // 8: clocks (issue 14). Every row already keeps received_at (schema 1); now also the kiosk's
    // clock when it sent the batch (NULL: not sent, so for every row stored before) and whether the
    // kiosk's clock was clearly wrong, which dates the row by received_at in the figures. Rows
    // stored before passed the old check (submitted_at within a day ahead and two years behind the
    // store's clock), which is the rule without the header: false is what they would get now.
    // Each kiosk keeps its last batch's two times, for its skew on the kiosk list and page.
    R"sql(
ALTER TABLE responses ADD COLUMN kiosk_sent_at timestamptz, ADD COLUMN clock_flag boolean NOT NULL DEFAULT false;
ALTER TABLE kiosks ADD COLUMN batch_received_at timestamptz, ADD COLUMN batch_sent_at timestamptz;
)sql",
    // 9: a kiosk's corrupt databases moved aside (issue 14, part 3), as its heartbeat counts them:
    // the files still in its data folder. NULL: not said (every heartbeat stored before, and
    // kiosks from before it).
    R"sql(
ALTER TABLE heartbeats ADD COLUMN quarantined_databases bigint;
COMMENT ON COLUMN heartbeats.quarantined_databases IS 'corrupt databases moved aside on the kiosk; NULL: not said';
)sql",
};
static_assert(std::size(kMigrations) == kServerSchemaVersion, "one migration per schema version");

// The statements of the hot paths, prepared once per connection. "insert" names its columns from
// the codec's list (insert_response_sql), built once at start-up.
const std::vector<std::pair<std::string, std::string>> kPrepared = {
    {"auth", "SELECT name FROM kiosks WHERE token_hash = $1 AND revoked_at IS NULL"},
    {"key_lock", "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))"},
    {"key_get", "SELECT body_hash, result FROM idempotency WHERE kiosk = $1 AND key = $2"},
    {"key_put", "INSERT INTO idempotency VALUES ($1, $2, $3, $4, $5)"},
    {"insert", insert_response_sql('$') + " RETURNING 1"},
    {"existing", "SELECT content_hash FROM responses WHERE kiosk = $1 AND id = $2"},
    // The kiosk's last batch, for its skew (kept unless a later batch was recorded already).
    {"batch_clock",
     "UPDATE kiosks SET batch_received_at = $1, batch_sent_at = $2 WHERE name = $3 AND "
     "(batch_received_at IS NULL OR batch_received_at <= $1)"},
    {"sums_add",
     "INSERT INTO indicator_days VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT "
     "(survey_id, day, indicator, district, gender, flagged) DO UPDATE SET n = indicator_days.n + excluded.n, "
     "numerator = indicator_days.numerator + excluded.numerator, sum = indicator_days.sum + excluded.sum, "
     "sum_of_squares = indicator_days.sum_of_squares + excluded.sum_of_squares"},
    {"heartbeat",
     std::string("INSERT INTO heartbeats (") + kHeartbeatColumns +
         ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) ON CONFLICT (kiosk) DO UPDATE SET " +
         kHeartbeatUpdate},
    // --- kiosk fleet health (schema 6) ---
    {"days_add",
     "INSERT INTO kiosk_days (day, kiosk, answers) VALUES ($1, $2, $3) ON CONFLICT (day, kiosk) DO UPDATE SET "
     "answers = kiosk_days.answers + excluded.answers"},
    {"day_sessions",
     "INSERT INTO kiosk_days (day, kiosk, sessions_started, sessions_completed, sessions_abandoned) "
     "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day, kiosk) DO UPDATE SET "
     "sessions_started = excluded.sessions_started, sessions_completed = excluded.sessions_completed, "
     "sessions_abandoned = excluded.sessions_abandoned"},
};

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// SQLSTATE classes that mean "try again later", not "this request is wrong": connection
// exceptions, insufficient resources (disk full), operator intervention, serialization failures.
bool transient(const char* sqlstate) {
    std::string s = sqlstate ? sqlstate : "";
    return s.rfind("08", 0) == 0 || s.rfind("53", 0) == 0 || s.rfind("57", 0) == 0 || s.rfind("40", 0) == 0;
}

// One pooled connection: throws Unavailable when it is lost, so the pool drops it.
class Connection {
  public:
    explicit Connection(const std::string& url) {
        const char* keys[] = {"dbname", "connect_timeout", nullptr};
        const char* values[] = {url.c_str(), "5", nullptr};
        conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
        if (PQstatus(conn_) != CONNECTION_OK) {
            std::string msg = PQerrorMessage(conn_);
            PQfinish(conn_);
            throw Unavailable("cannot connect to PostgreSQL: " + trimmed(msg));
        }
        PQsetNoticeProcessor(
            conn_, [](void*, const char*) {}, nullptr);  // "relation exists, skipping"
        PQsetClientEncoding(conn_, "UTF8");              // what the store sends, whatever the environment says
    }
    ~Connection() { PQfinish(conn_); }
    Connection(const Connection&) = delete;

    bool good() const { return PQstatus(conn_) == CONNECTION_OK; }

    void prepare_all() {
        for (const auto& [name, sql] : kPrepared)
            check(Result(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), PQclear), name);
    }

    // Without parameters the SQL may hold several statements (the schema).
    Result exec(const std::string& sql, const Params& params = {}) {
        if (params.empty()) return check(Result(PQexec(conn_, sql.c_str()), PQclear), sql.substr(0, 40));
        auto values = pointers(params);
        return check(Result(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                                         nullptr, nullptr, 0),
                            PQclear),
                     sql.substr(0, 40));
    }

    Result run(const char* prepared, const Params& params) {
        auto values = pointers(params);
        return check(
            Result(PQexecPrepared(conn_, prepared, static_cast<int>(params.size()), values.data(), nullptr, nullptr, 0),
                   PQclear),
            prepared);
    }

    // Sends every statement before reading any answer (libpq's pipeline mode): one round trip per
    // batch instead of one per response. Answers are small (RETURNING 1), so neither side's socket
    // buffer fills while the other waits.
    std::vector<Result> run_all(const char* prepared, const std::vector<Params>& each) {
        if (PQenterPipelineMode(conn_) != 1) throw Unavailable("PostgreSQL: cannot enter pipeline mode");
        for (const auto& params : each) {
            auto values = pointers(params);
            if (PQsendQueryPrepared(conn_, prepared, static_cast<int>(params.size()), values.data(), nullptr, nullptr,
                                    0) != 1)
                throw Unavailable("PostgreSQL (" + std::string(prepared) + "): " + trimmed(PQerrorMessage(conn_)));
        }
        if (PQpipelineSync(conn_) != 1) throw Unavailable("PostgreSQL: " + trimmed(PQerrorMessage(conn_)));
        // Read everything up to the sync point before judging any of it, so the connection is
        // back in a usable state even when one statement failed.
        std::vector<Result> out;
        for (bool after_end = false;;) {
            Result r(PQgetResult(conn_), PQclear);
            if (!r) {  // the end of one statement's results; two in a row: the connection broke
                if (after_end || !good())
                    throw Unavailable("PostgreSQL: connection lost: " + trimmed(PQerrorMessage(conn_)));
                after_end = true;
                continue;
            }
            after_end = false;
            if (PQresultStatus(r.get()) == PGRES_PIPELINE_SYNC) break;
            if (!good()) throw Unavailable("PostgreSQL: connection lost: " + trimmed(PQerrorMessage(conn_)));
            out.push_back(std::move(r));
        }
        PQexitPipelineMode(conn_);
        for (auto& r : out) check_result(r, prepared);
        return out;
    }

    // Each row of one query as it arrives (libpq's single-row mode), so an export of millions of
    // rows never sits in memory.
    void stream(const std::string& sql, const Params& params, const std::function<void(PGresult*)>& each) {
        auto values = pointers(params);
        if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(), nullptr,
                              nullptr, 0) != 1 ||
            PQsetSingleRowMode(conn_) != 1)
            throw Unavailable("PostgreSQL: " + trimmed(PQerrorMessage(conn_)));
        std::exception_ptr failed;
        for (;;) {
            Result r(PQgetResult(conn_), PQclear);
            if (!r) break;
            if (failed) continue;  // drain what is left, so the connection stays usable
            if (PQresultStatus(r.get()) == PGRES_SINGLE_TUPLE) {
                try {
                    each(r.get());
                } catch (...) {
                    failed = std::current_exception();
                    PQrequestCancel(conn_);
                }
                continue;
            }
            if (PQresultStatus(r.get()) == PGRES_TUPLES_OK) continue;  // the end
            try {
                check_result(r, sql.substr(0, 40));
            } catch (...) {
                failed = std::current_exception();
            }
        }
        if (failed) std::rethrow_exception(failed);
    }

  private:
    void check_result(const Result& r, const std::string& what) {
        auto status = PQresultStatus(r.get());
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
        std::string msg = "PostgreSQL (" + what + "): " + trimmed(PQresultErrorMessage(r.get()));
        if (!good() || transient(PQresultErrorField(r.get(), PG_DIAG_SQLSTATE))) throw Unavailable(msg);
        throw std::runtime_error(msg);
    }

    static std::string trimmed(std::string s) {
        while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
        return s;
    }

    static std::vector<const char*> pointers(const Params& params) {
        std::vector<const char*> out;
        for (const auto& p : params) out.push_back(p ? p->c_str() : nullptr);
        return out;
    }

    Result check(Result r, const std::string& what) {
        auto status = PQresultStatus(r.get());
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
        std::string msg = "PostgreSQL (" + what + "): " + trimmed(PQerrorMessage(conn_));
        if (!good() || transient(PQresultErrorField(r.get(), PG_DIAG_SQLSTATE))) throw Unavailable(msg);
        throw std::runtime_error(msg);
    }

    PGconn* conn_ = nullptr;
};

// Up to `max` connections, opened when needed; a caller waits when all are in use.
class Pool {
  public:
    Pool(std::string url, std::size_t max) : url_(std::move(url)), max_(max) {}

    struct Lease {
        Pool* pool;
        std::unique_ptr<Connection> conn;
        ~Lease() {
            if (conn) pool->give_back(std::move(conn));
        }
        Connection* operator->() { return conn.get(); }
    };

    Lease take() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
        if (!idle_.empty()) {
            auto conn = std::move(idle_.back());
            idle_.pop_back();
            return Lease{this, std::move(conn)};
        }
        ++open_;
        lock.unlock();
        try {
            auto conn = std::make_unique<Connection>(url_);
            conn->prepare_all();
            return Lease{this, std::move(conn)};
        } catch (...) {
            forget();
            throw;
        }
    }

  private:
    void give_back(std::unique_ptr<Connection> conn) {
        if (!conn->good()) {
            conn.reset();
            forget();
            return;
        }
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(conn));
        cv_.notify_one();
    }

    void forget() {
        std::lock_guard lock(mutex_);
        --open_;
        cv_.notify_one();
    }

    std::string url_;
    std::size_t max_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t open_ = 0;
};

// BEGIN ... COMMIT; rolls back when left early (a lost connection is then dropped by the pool).
class Tx {
  public:
    explicit Tx(Connection& c) : c_(c) { c_.exec("BEGIN"); }
    ~Tx() {
        if (!done_ && c_.good()) {
            try {
                c_.exec("ROLLBACK");
            } catch (...) {  // the connection is bad now; the pool drops it
            }
        }
    }
    void commit() {
        c_.exec("COMMIT");
        done_ = true;
    }

  private:
    Connection& c_;
    bool done_ = false;
};

std::optional<std::string> opt_value(PGresult* r, int row, int col) {
    if (PQgetisnull(r, row, col)) return std::nullopt;
    return std::string(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)));
}
std::string value(PGresult* r, int row, int col) { return opt_value(r, row, col).value_or(""); }
std::optional<std::int64_t> opt_int(PGresult* r, int row, int col) {
    auto v = opt_value(r, row, col);
    return v ? std::optional<std::int64_t>(std::stoll(*v)) : std::nullopt;
}
std::optional<std::string> opt_text(const std::optional<std::int64_t>& v) {
    return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
}

class PostgresBackend final : public StoreBackend {
  public:
    // The schema first, on a connection of its own: pooled connections prepare statements on it.
    PostgresBackend(const std::string& url, std::size_t max_connections)
        : url_(url), pool_(url, max_connections), front_(url, 2) {
        Connection setup(url);
        // Answers hold any script; a LATIN1 database would garble them, or fail a batch on every resend.
        std::string encoding = value(setup.exec("SHOW server_encoding").get(), 0, 0);
        if (encoding != "UTF8")
            throw std::runtime_error(
                "PostgreSQL: the database uses the encoding " + encoding +
                ", but lkp-store needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8' TEMPLATE template0)");
        migrate(setup);
    }

    const char* kind() const override { return "postgresql"; }

    // Health and token checks have their own connection, so they never queue behind batches.
    void ping() override { front_.take()->exec("SELECT 1"); }

    std::optional<std::string> kiosk_for_token(const std::string& token_hash) override {
        auto r = front_.take()->run("auth", {token_hash});
        if (PQntuples(r.get()) == 0) return std::nullopt;
        return value(r.get(), 0, 0);
    }

    BatchAnswer store_batch(BatchRequest req) override {
        auto c = pool_.take();
        expire_keys(*c.conn);
        Tx tx(*c.conn);
        // Requests with the same key wait for each other, so a replay sees the finished answer.
        c->run("key_lock", {req.kiosk, req.key});
        auto stored = c->run("key_get", {req.kiosk, req.key});
        if (PQntuples(stored.get()) > 0) {
            if (value(stored.get(), 0, 0) != req.body_hash)
                throw KeyReused("Idempotency-Key " + req.key + " was already used for a different batch");
            return {value(stored.get(), 0, 1), true};
        }
        std::vector<const NewRow*> inserted = insert_rows(*c.conn, req);
        std::vector<DaySums> added = merged_contributions(inserted);
        add_sums(*c.conn, added);
        add_kiosk_days(*c.conn, req.kiosk, answers_per_day(inserted));
        c->run("batch_clock", {req.received_at, req.kiosk_sent_at, req.kiosk});
        std::string body = sync::encode_results(req.key, req.results);
        c->run("key_put", {req.kiosk, req.key, req.body_hash, body, req.received_at});
        tx.commit();
        return {body, false, std::move(added)};
    }

    // The heartbeat and, from version 2, the session counters of its day, in one transaction.
    void store_heartbeat(const sync::Heartbeat& h, const std::string& received_at) override {
        auto c = pool_.take();
        Tx tx(*c.conn);
        HeartbeatColumns v2 = heartbeat_columns(h);
        c->run("heartbeat", {h.kiosk_id, h.program_version, std::to_string(h.unsent), std::to_string(h.rejected),
                             opt_text(h.oldest_unsent_age_s), opt_text(h.free_disk_bytes), h.last_error, h.sent_at,
                             received_at, v2.version, v2.started, v2.completed, v2.abandoned, v2.abandoned_at,
                             v2.rejected_reasons, v2.quarantined_databases});
        if (h.sessions)
            c->run("day_sessions", {stockholm_day(received_at), h.kiosk_id, v2.started, v2.completed, v2.abandoned});
        tx.commit();
    }

    KioskAdded add_kiosk(const std::string& name, const std::string& token_hash, const std::string& now) override {
        return add_named("kiosks", name, token_hash, now, kiosk_is_active);
    }

    bool revoke_kiosk(const std::string& name, const std::string& now) override {
        return revoke_named("kiosks", name, now);
    }

    std::vector<KioskInfo> kiosks() override {
        auto r = pool_.take()->exec(
            "SELECT k.name, " LKP_UTC("k.created_at") ", " LKP_UTC("k.revoked_at") ", h.program_version, h.unsent, "
            "h.rejected, h.oldest_unsent_age_s, h.free_disk_bytes, h.last_error, h.sent_at, " LKP_UTC("h.received_at")
            ", h.heartbeat_version, h.sessions_started, h.sessions_completed, h.sessions_abandoned, h.abandoned_at, "
            "h.rejected_reasons, " LKP_UTC("k.batch_received_at") ", " LKP_UTC("k.batch_sent_at")
            ", h.quarantined_databases FROM kiosks k LEFT JOIN heartbeats h ON h.kiosk = k.name ORDER BY k.name COLLATE \"C\"");
        std::vector<KioskInfo> out;
        for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back(kiosk_row(r.get(), i));
        return out;
    }

    // --- kiosk fleet health (schema 6) ---
    // On the front pool, like the other reads for pages: never behind a queue of batches.
    std::vector<KioskDayRow> kiosk_days(const std::string& first_day) override {
        auto r = front_.take()->exec(
            "SELECT kiosk, day, answers, sessions_started, sessions_completed, sessions_abandoned "
            "FROM kiosk_days WHERE day >= $1",  // no ORDER BY: fleet() takes any order, and a sort costs
            {first_day});
        std::vector<KioskDayRow> out;
        for (int i = 0; i < PQntuples(r.get()); ++i) {
            KioskDayRow row{
                .kiosk = value(r.get(), i, 0), .day = value(r.get(), i, 1), .answers = *opt_int(r.get(), i, 2)};
            if (auto started = opt_int(r.get(), i, 3))
                row.sessions = SessionCounters{*started, *opt_int(r.get(), i, 4), *opt_int(r.get(), i, 5)};
            out.push_back(std::move(row));
        }
        return out;
    }
    // --- end of kiosk fleet health ---

    std::vector<KioskCount> response_counts() override {
        auto r = pool_.take()->exec("SELECT kiosk, count(*) FROM responses GROUP BY kiosk ORDER BY kiosk");
        std::vector<KioskCount> out;
        for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back({value(r.get(), i, 0), *opt_int(r.get(), i, 1)});
        return out;
    }

    std::vector<MonthSums> month_sums(const SumsQuery& q) override {
        auto r = front_.take()->exec(
            "SELECT indicator, district, gender, substr(day, 1, 7) AS month, sum(n), sum(numerator), sum(sum), "
            "sum(sum_of_squares), min(day), max(day) FROM indicator_days "
            "WHERE survey_id = $1 AND day >= $2 AND day <= $3 AND (NOT flagged OR $4::boolean) "
            "GROUP BY indicator, district, gender, month",
            {q.survey_id, q.from_day, q.to_day.empty() ? "9999" : q.to_day, q.include_flagged ? "true" : "false"});
        std::vector<MonthSums> out;
        for (int i = 0; i < PQntuples(r.get()); ++i)
            out.push_back({.indicator = value(r.get(), i, 0),
                           .district = value(r.get(), i, 1),
                           .gender = value(r.get(), i, 2),
                           .month = value(r.get(), i, 3),
                           .sums = {*opt_int(r.get(), i, 4), *opt_int(r.get(), i, 5), std::stod(value(r.get(), i, 6)),
                                    std::stod(value(r.get(), i, 7))},
                           .first_day = value(r.get(), i, 8),
                           .last_day = value(r.get(), i, 9)});
        return out;
    }

    std::optional<std::pair<std::string, std::string>> sums_day_range(const std::string& survey_id) override {
        auto r = front_.take()->exec(
            "SELECT (SELECT min(day) FROM indicator_days WHERE survey_id = $1), "
            "(SELECT max(day) FROM indicator_days WHERE survey_id = $1)",
            {survey_id});
        auto first = opt_value(r.get(), 0, 0);
        if (!first) return std::nullopt;
        return std::make_pair(*first, value(r.get(), 0, 1));
    }

    std::vector<DaySums> day_sums() override {
        auto r = pool_.take()->exec(
            "SELECT survey_id, indicator, district, day, gender, flagged, n, numerator, sum, sum_of_squares "
            "FROM indicator_days ORDER BY survey_id COLLATE \"C\", indicator COLLATE \"C\", district COLLATE \"C\", "
            "day, gender COLLATE \"C\", flagged");
        std::vector<DaySums> out;
        for (int i = 0; i < PQntuples(r.get()); ++i)
            out.push_back({{value(r.get(), i, 0), value(r.get(), i, 1), value(r.get(), i, 2), value(r.get(), i, 3),
                            value(r.get(), i, 4), value(r.get(), i, 5) == "t"},
                           {*opt_int(r.get(), i, 6), *opt_int(r.get(), i, 7), std::stod(value(r.get(), i, 8)),
                            std::stod(value(r.get(), i, 9))}});
        return out;
    }

    // Inserts wait for the SHARE lock, so no row arrives between the scan and the commit.
    std::int64_t rebuild_sums(const ContributionsOf& contributions_of, const std::string& definitions) override {
        auto c = pool_.take();
        Tx tx(*c.conn);
        c->exec("LOCK TABLE responses IN SHARE MODE");
        c->exec("DELETE FROM indicator_days");
        std::int64_t rows = 0;
        DaySumsAdder sums;
        c->stream(select_responses_sql_, {}, [&](PGresult* r) {
            ++rows;
            StoredRowView v = row_view(r);
            Response row = record::from_row(v.row);
            sums.add(contributions_of(row, dated_at(row, v.clock_flag, std::string(v.received_at))));
        });
        add_sums(*c.conn, sums.sums());
        c->exec(
            "INSERT INTO meta VALUES ('indicator_definitions', $1) ON CONFLICT (key) DO UPDATE SET value = "
            "excluded.value",
            {definitions});
        tx.commit();
        return rows;
    }

    std::string sums_definitions() override {
        auto r = pool_.take()->exec("SELECT value FROM meta WHERE key = 'indicator_definitions'");
        return PQntuples(r.get()) ? value(r.get(), 0, 0) : std::string();
    }

    // On a connection of its own: an export may take minutes, and nobody else waits for it.
    void for_each_response(const ResponseQuery& q, const std::function<void(const StoredRowView&)>& each) override {
        Connection c(url_);
        std::string sql = select_responses_sql_ + " WHERE survey_id = $1";
        Params params{q.survey_id};
        // Plain bounds, so that the index gives the range and the order.
        if (!q.from_utc.empty()) {
            params.push_back(q.from_utc);
            sql += " AND submitted_at >= $" + std::to_string(params.size()) + "::timestamptz";
        }
        if (!q.to_utc.empty()) {
            params.push_back(q.to_utc);
            sql += " AND submitted_at < $" + std::to_string(params.size()) + "::timestamptz";
        }
        if (q.district) {
            params.push_back(*q.district);
            sql += " AND district = $" + std::to_string(params.size());
        }
        c.stream(sql + " ORDER BY submitted_at", params, [&](PGresult* r) { each(row_view(r)); });
    }

    KioskAdded add_operator(const std::string& name, const std::string& token_hash, const std::string& now) override {
        return add_named("operators", name, token_hash, now, operator_is_active);
    }

    bool revoke_operator(const std::string& name, const std::string& now) override {
        return revoke_named("operators", name, now);
    }

    std::optional<std::string> operator_for_token(const std::string& token_hash) override {
        auto r = front_.take()->exec("SELECT name FROM operators WHERE token_hash = $1 AND revoked_at IS NULL",
                                     {token_hash});
        if (PQntuples(r.get()) == 0) return std::nullopt;
        return value(r.get(), 0, 0);
    }

    std::vector<OperatorInfo> operators() override {
        auto r = pool_.take()->exec(
            "SELECT name, " LKP_UTC("created_at") ", " LKP_UTC("revoked_at") " FROM operators ORDER BY name");
        std::vector<OperatorInfo> out;
        for (int i = 0; i < PQntuples(r.get()); ++i)
            out.push_back({value(r.get(), i, 0), value(r.get(), i, 1), opt_value(r.get(), i, 2)});
        return out;
    }

    void audit(const AuditEntry& e) override {
        pool_.take()->exec("INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, $3, $4)",
                           {e.at, e.actor, e.action, e.detail});
    }

    std::vector<AuditEntry> audit_log() override {
        auto r = pool_.take()->exec("SELECT " LKP_UTC("at") ", actor, action, detail FROM audit ORDER BY id");
        std::vector<AuditEntry> out;
        for (int i = 0; i < PQntuples(r.get()); ++i)
            out.push_back({value(r.get(), i, 0), value(r.get(), i, 1), value(r.get(), i, 2), value(r.get(), i, 3)});
        return out;
    }

    void store_reference(const ReferenceSeries& s, const std::vector<ReferenceValue>& values) override {
        auto c = pool_.take();
        Tx tx(*c.conn);
        c->exec("DELETE FROM reference_values WHERE kpi = $1", {s.kpi});
        c->exec(
            "INSERT INTO reference_series VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kpi) DO UPDATE SET "
            "title = excluded.title, source = excluded.source, note = excluded.note, "
            "indicator = excluded.indicator, imported_at = excluded.imported_at",
            {s.kpi, s.title, s.source, s.note, s.indicator, s.imported_at});
        for (const auto& v : values)
            c->exec("INSERT INTO reference_values VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    {v.kpi, v.area, v.period, v.gender, v.value ? std::optional(number(*v.value)) : std::nullopt,
                     opt_text(v.count), v.status});
        tx.commit();
    }

    std::vector<ReferenceSeries> reference_series() override {
        auto r = front_.take()->exec("SELECT kpi, title, source, note, indicator, " LKP_UTC(
            "imported_at") " FROM reference_series ORDER BY kpi");
        std::vector<ReferenceSeries> out;
        for (int i = 0; i < PQntuples(r.get()); ++i)
            out.push_back({value(r.get(), i, 0), value(r.get(), i, 1), value(r.get(), i, 2), value(r.get(), i, 3),
                           value(r.get(), i, 4), value(r.get(), i, 5)});
        return out;
    }

    std::vector<ReferenceValue> reference_values(const std::string& kpi) override {
        auto r = front_.take()->exec(
            "SELECT kpi, area, period, gender, value, count, status FROM reference_values WHERE kpi = $1 "
            "ORDER BY area, period, gender",
            {kpi});
        std::vector<ReferenceValue> out;
        for (int i = 0; i < PQntuples(r.get()); ++i) {
            auto v = opt_value(r.get(), i, 4);
            out.push_back({value(r.get(), i, 0), value(r.get(), i, 1), value(r.get(), i, 2), value(r.get(), i, 3),
                           v ? std::optional<double>(std::stod(*v)) : std::nullopt, opt_int(r.get(), i, 5),
                           value(r.get(), i, 6)});
        }
        return out;
    }

    // ---- Staff login (issue 10, item 2): tables staff, staff_sessions, login_failures ----

    StaffAdded add_staff(const StaffAccount& a) override {
        auto c = pool_.take();
        Params params{a.name, a.password_hash, a.admin ? "true" : "false", a.created_at};
        auto again = c->exec(
            "UPDATE staff SET password_hash = $2, admin = $3, created_at = $4, removed_at = NULL, "
            "last_login_at = NULL WHERE name = $1 AND removed_at IS NOT NULL",
            params);
        if (std::string(PQcmdTuples(again.get())) == "1") return StaffAdded::AgainAfterRemove;
        auto r = c->exec(
            "INSERT INTO staff (name, password_hash, admin, created_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (name) DO NOTHING",
            params);
        if (std::string(PQcmdTuples(r.get())) != "1") throw std::runtime_error(staff_is_active(a.name));
        return StaffAdded::New;
    }

    bool remove_staff(const std::string& name, const std::string& now) override {
        auto c = pool_.take();
        Tx tx(*c.conn);
        auto r = c->exec("UPDATE staff SET removed_at = $2 WHERE name = $1 AND removed_at IS NULL", {name, now});
        c->exec("DELETE FROM staff_sessions WHERE staff = $1", {name});
        tx.commit();
        return std::string(PQcmdTuples(r.get())) != "0";
    }

    bool set_staff_password(const std::string& name, const std::string& password_hash) override {
        auto c = pool_.take();
        Tx tx(*c.conn);
        auto r = c->exec("UPDATE staff SET password_hash = $2 WHERE name = $1 AND removed_at IS NULL",
                         {name, password_hash});
        c->exec("DELETE FROM staff_sessions WHERE staff = $1", {name});
        tx.commit();
        return std::string(PQcmdTuples(r.get())) != "0";
    }

    void rehash_staff_password(const std::string& name, const std::string& old_hash,
                               const std::string& new_hash) override {
        pool_.take()->exec("UPDATE staff SET password_hash = $3 WHERE name = $1 AND password_hash = $2",
                           {name, old_hash, new_hash});
    }

    // On the front pool: a login never queues behind batches to read the account.
    std::optional<StaffAccount> staff_account(const std::string& name) override {
        auto r = front_.take()->exec("SELECT name, password_hash, admin, " LKP_UTC(
                                         "created_at") " FROM staff WHERE name = $1 AND removed_at IS NULL",
                                     {name});
        if (PQntuples(r.get()) == 0) return std::nullopt;
        return StaffAccount{value(r.get(), 0, 0), value(r.get(), 0, 1), value(r.get(), 0, 2) == "t",
                            value(r.get(), 0, 3)};
    }

    std::vector<StaffListEntry> staff_list(const std::string& seen_since, const std::string& created_since) override {
        auto r = pool_.take()->exec(
            "SELECT name, admin, " LKP_UTC("created_at") ", " LKP_UTC("removed_at") ", " LKP_UTC(
                "last_login_at") ", (SELECT count(*) FROM staff_sessions s WHERE s.staff = staff.name AND "
                                 "s.last_seen_at >= $1::timestamptz AND s.created_at >= $2::timestamptz) "
                                 "FROM staff ORDER BY name",
            {seen_since, created_since});
        std::vector<StaffListEntry> out;
        for (int i = 0; i < PQntuples(r.get()); ++i)
            out.push_back({value(r.get(), i, 0), value(r.get(), i, 1) == "t", value(r.get(), i, 2),
                           opt_value(r.get(), i, 3), opt_value(r.get(), i, 4), *opt_int(r.get(), i, 5)});
        return out;
    }

    bool start_staff_session(const StaffSessionRecord& s) override {
        auto c = pool_.take();
        Tx tx(*c.conn);
        auto login = c->exec("UPDATE staff SET last_login_at = $2 WHERE name = $1 AND removed_at IS NULL",
                             {s.staff, s.created_at});
        if (std::string(PQcmdTuples(login.get())) != "1") return false;  // rolled back: nothing was written
        c->exec("INSERT INTO staff_sessions VALUES ($1, $2, $3, $4, $5, $6)",
                {s.id_hash, s.staff, s.csrf_token, s.created_at, s.last_seen_at, s.client});
        tx.commit();
        return true;
    }

    // On the front pool, like the kiosks' tokens: every staff page asks.
    std::optional<StaffSessionRecord> staff_session(const std::string& id_hash) override {
        auto r = front_.take()->exec(
            "SELECT s.id_hash, s.staff, s.csrf_token, " LKP_UTC("s.created_at") ", " LKP_UTC(
                "s.last_seen_at") ", s.client, m.admin FROM staff_sessions s JOIN staff m ON m.name = s.staff "
                                  "AND m.removed_at IS NULL WHERE s.id_hash = $1",
            {id_hash});
        if (PQntuples(r.get()) == 0) return std::nullopt;
        return StaffSessionRecord{.id_hash = value(r.get(), 0, 0),
                                  .staff = value(r.get(), 0, 1),
                                  .csrf_token = value(r.get(), 0, 2),
                                  .created_at = value(r.get(), 0, 3),
                                  .last_seen_at = value(r.get(), 0, 4),
                                  .client = value(r.get(), 0, 5),
                                  .admin = value(r.get(), 0, 6) == "t"};
    }

    void touch_staff_session(const std::string& id_hash, const std::string& now, const std::string& client) override {
        pool_.take()->exec("UPDATE staff_sessions SET last_seen_at = $2, client = $3 WHERE id_hash = $1",
                           {id_hash, now, client});
    }

    std::optional<std::string> end_staff_session(const std::string& id_hash) override {
        auto r = pool_.take()->exec("DELETE FROM staff_sessions WHERE id_hash = $1 RETURNING staff", {id_hash});
        if (PQntuples(r.get()) == 0) return std::nullopt;
        return value(r.get(), 0, 0);
    }

    std::int64_t delete_expired_staff_records(const std::string& seen_before, const std::string& created_before,
                                              const std::string& failures_before) override {
        auto c = pool_.take();
        Tx tx(*c.conn);
        auto r =
            c->exec("DELETE FROM staff_sessions WHERE last_seen_at < $1::timestamptz OR created_at < $2::timestamptz",
                    {seen_before, created_before});
        c->exec("DELETE FROM login_failures WHERE last_failure_at < $1::timestamptz", {failures_before});
        tx.commit();
        return std::stoll(PQcmdTuples(r.get()));
    }

    std::optional<LoginFailures> login_failures(const std::string& key) override {
        auto r = front_.take()->exec(
            "SELECT failures, " LKP_UTC("last_failure_at") " FROM login_failures WHERE key = $1", {key});
        if (PQntuples(r.get()) == 0) return std::nullopt;
        return LoginFailures{*opt_int(r.get(), 0, 0), value(r.get(), 0, 1)};
    }

    LoginFailures add_login_failure(const std::string& key, const std::string& now,
                                    const std::string& forget_before) override {
        auto r = pool_.take()->exec(
            "INSERT INTO login_failures AS f VALUES ($1, 1, $2) ON CONFLICT (key) DO UPDATE SET "
            "failures = CASE WHEN f.last_failure_at < $3::timestamptz THEN 1 ELSE f.failures + 1 END, "
            "last_failure_at = excluded.last_failure_at RETURNING failures, " LKP_UTC("last_failure_at"),
            {key, now, forget_before});
        return LoginFailures{*opt_int(r.get(), 0, 0), value(r.get(), 0, 1)};
    }

    void clear_login_failures(const std::string& key) override {
        pool_.take()->exec("DELETE FROM login_failures WHERE key = $1", {key});
    }
    // ---- end of staff login ----

  private:
    // Idempotency-Key records past the retention, deleted at a process's first batch and then at
    // most hourly (one thread does it; the others go on). A failure only waits for the next turn,
    // unless the connection is gone, which the batch then finds out by itself.
    void expire_keys(Connection& c) {
        auto now = std::chrono::system_clock::now();
        auto ms = [](std::chrono::system_clock::time_point t) {
            return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
        };
        std::int64_t due = next_expiry_ms_.load();
        if (ms(now) < due || !next_expiry_ms_.compare_exchange_strong(due, ms(now + kIdempotencyExpiryInterval)))
            return;
        try {
            c.exec("DELETE FROM idempotency WHERE created_at < $1", {format_utc(now - kIdempotencyRetention)});
        } catch (const std::exception& e) {
            std::fprintf(stderr, "lkp-store: could not delete expired Idempotency-Key records: %s\n", e.what());
        }
    }

    // One step per transaction, each under the advisory lock, so two processes opening the same
    // database at once take turns and the second finds the step done. A database of a newer
    // version is refused before anything is written.
    static void migrate(Connection& c) {
        for (;;) {
            Tx tx(c);
            c.exec("SELECT pg_advisory_xact_lock(4242)");
            int version = stored_version(c);
            if (version > kServerSchemaVersion)
                throw std::runtime_error("PostgreSQL: schema version " + std::to_string(version) +
                                         " is newer than this lkp-store understands (" +
                                         std::to_string(kServerSchemaVersion) +
                                         "); the database was left untouched. Run a newer lkp-store.");
            if (version == kServerSchemaVersion) return;  // nothing written: the rollback is a no-op
            c.exec(kMigrations[version]);
            c.exec(
                "INSERT INTO meta VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                {std::to_string(version + 1)});
            tx.commit();
        }
    }

    // The version kept in meta; 0 for a database without our tables. Reads only.
    static int stored_version(Connection& c) {
        if (PQgetisnull(c.exec("SELECT to_regclass('meta')").get(), 0, 0)) return 0;
        auto r = c.exec("SELECT value FROM meta WHERE key = 'schema_version'");
        if (PQntuples(r.get()) == 0) return 0;
        std::string text = value(r.get(), 0, 0);
        try {
            return std::stoi(text);
        } catch (const std::exception&) {
            throw std::runtime_error("PostgreSQL: schema_version '" + text + "' in table meta is not a number");
        }
    }

    // The rows inserted now (not already stored).
    static std::vector<const NewRow*> insert_rows(Connection& c, BatchRequest& req) {
        std::vector<Params> rows;
        for (const NewRow& row : req.rows) rows.push_back(stored_values(req, row));
        auto inserted = c.run_all("insert", rows);
        std::vector<const NewRow*> out;
        for (std::size_t i = 0; i < req.rows.size(); ++i) {
            const NewRow& row = req.rows[i];
            if (PQntuples(inserted[i].get()) > 0) {
                out.push_back(&row);
                req.results[row.index] = row_outcome(row, true, "");
            } else {  // already stored: the same response again, or a conflict
                auto existing = c.run("existing", {req.kiosk, row.response->id});
                req.results[row.index] = row_outcome(row, false, value(existing.get(), 0, 0));
            }
        }
        return out;
    }

    // Adds day sums to the stored ones (inside the caller's transaction), in one round trip.
    static void add_sums(Connection& c, const std::vector<DaySums>& sums) {
        if (sums.empty()) return;
        std::vector<Params> each;
        for (const DaySums& d : sums)
            each.push_back({d.key.survey_id, d.key.day, d.key.indicator, d.key.district, d.key.gender,
                            d.key.flagged ? "true" : "false", std::to_string(d.sums.n),
                            std::to_string(d.sums.numerator), number(d.sums.sum), number(d.sums.sum_of_squares)});
        c.run_all("sums_add", each);
    }

    // Counts the answers inserted now in their kiosk's days (inside the caller's transaction).
    static void add_kiosk_days(Connection& c, const std::string& kiosk,
                               const std::vector<std::pair<std::string, std::int64_t>>& days) {
        if (days.empty()) return;
        std::vector<Params> each;
        for (const auto& [day, n] : days) each.push_back({day, kiosk, std::to_string(n)});
        c.run_all("days_add", each);
    }

    // Doubles as text that PostgreSQL reads back to the same value.
    static std::string number(double v) {
        char text[64];
        std::snprintf(text, sizeof text, "%.17g", v);
        return text;
    }

    // kiosk, the codec's columns in its order (times in the wire's format), received_at, clock_flag.
    static std::string select_responses_sql() {
        auto utc = [](const std::string& col) {
            return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
        };
        std::string sql = "SELECT kiosk";
        for (const auto& col : record::row_columns())
            sql += ", " + (col == "started_at" || col == "submitted_at" ? utc(col)
                           : col == "answers" || col == "flags"         ? col + "::text"
                                                                        : col);
        return sql + ", " + utc("received_at") + ", clock_flag FROM responses";
    }

    // The first row of a result of select_responses_sql_, in place (valid while `r` lives).
    static StoredRowView row_view(PGresult* r) {
        auto text = [r](int col) -> std::optional<std::string_view> {
            if (PQgetisnull(r, 0, col)) return std::nullopt;
            return std::string_view(PQgetvalue(r, 0, col), static_cast<std::size_t>(PQgetlength(r, 0, col)));
        };
        StoredRowView view{text(0).value_or(""), {}};
        for (std::size_t i = 0; i < record::kRowColumns; ++i) view.row[i] = text(static_cast<int>(1 + i));
        constexpr int after = 1 + static_cast<int>(record::kRowColumns);
        view.received_at = text(after).value_or("");
        view.clock_flag = text(after + 1) == std::optional<std::string_view>("t");
        return view;
    }

    bool revoke_named(const std::string& table, const std::string& name, const std::string& now) {
        auto r = pool_.take()->exec("UPDATE " + table + " SET revoked_at = coalesce(revoked_at, $2) WHERE name = $1",
                                    {name, now});
        return std::string(PQcmdTuples(r.get())) != "0";
    }

    // A name's row in kiosks or operators: allowed again after a revoke, or new.
    KioskAdded add_named(const char* table, const std::string& name, const std::string& token_hash,
                         const std::string& now, std::string (*is_active)(const std::string&)) {
        auto c = pool_.take();
        std::string t = table;
        auto again = c->exec(
            "UPDATE " + t + " SET token_hash = $2, revoked_at = NULL WHERE name = $1 AND revoked_at IS NOT NULL",
            {name, token_hash});
        if (std::string(PQcmdTuples(again.get())) == "1") return KioskAdded::AgainAfterRevoke;
        auto r = c->exec(
            "INSERT INTO " + t + " (name, token_hash, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
            {name, token_hash, now});
        if (std::string(PQcmdTuples(r.get())) != "1") throw std::runtime_error(is_active(name));
        return KioskAdded::New;
    }

    static KioskInfo kiosk_row(PGresult* r, int i) {
        KioskInfo k{.name = value(r, i, 0), .created_at = value(r, i, 1), .revoked_at = opt_value(r, i, 2)};
        if (auto version = opt_value(r, i, 3)) {
            k.heartbeat = sync::Heartbeat{.kiosk_id = k.name,
                                          .program_version = *version,
                                          .unsent = *opt_int(r, i, 4),
                                          .rejected = *opt_int(r, i, 5),
                                          .oldest_unsent_age_s = opt_int(r, i, 6),
                                          .free_disk_bytes = opt_int(r, i, 7),
                                          .last_error = value(r, i, 8),
                                          .sent_at = value(r, i, 9)};
            k.heartbeat_received_at = value(r, i, 10);
            read_heartbeat_columns(*k.heartbeat,
                                   {value(r, i, 11), opt_value(r, i, 12), opt_value(r, i, 13), opt_value(r, i, 14),
                                    opt_value(r, i, 15), value(r, i, 16), opt_value(r, i, 19)});
        }
        k.batch_received_at = value(r, i, 17);
        k.batch_sent_at = opt_value(r, i, 18);
        return k;
    }

    std::string url_;
    Pool pool_;
    Pool front_;  // token checks, health and public queries
    const std::string select_responses_sql_ = select_responses_sql();
    std::atomic<std::int64_t> next_expiry_ms_{0};  // since the epoch; 0: at the first batch
};

}  // namespace

std::unique_ptr<StoreBackend> open_postgres(const std::string& url, std::size_t max_connections) {
    return std::make_unique<PostgresBackend>(url, max_connections);
}

bool postgres_url_has_password(const std::string& url) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
    if (!options) {  // not a valid URL: libpq says why when the store connects
        PQfreemem(error);
        return false;
    }
    bool has = false;
    for (const PQconninfoOption* o = options; o->keyword; ++o)
        if (std::strcmp(o->keyword, "password") == 0 && o->val && *o->val) has = true;
    PQconninfoFree(options);
    return has;
}

}  // namespace lkp::server
