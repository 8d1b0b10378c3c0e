// lkp-store on one SQLite file: WAL, synchronous=FULL (the kiosk deletes its copy on our 200, so
// an acknowledged batch must survive a power cut), one connection and one writer at a time.
#include <chrono>
#include <cstdio>
#include <iterator>
#include <mutex>
#include <type_traits>

#include "record/utc.h"
#include "sqlite/database.h"
#include "store_backend.h"

namespace lkp::server {

namespace {

// Migration N brings schema version N-1 to N, each in its own transaction. A shipped step is never
// edited: a change is a new step (and kServerSchemaVersion + 1).
const char* const kMigrations[] = {
    // 1: the first release's schema. meta keeps schema_version.
    R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE kiosks (
  name TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE responses (
  kiosk TEXT NOT NULL,
  id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  survey_id TEXT NOT NULL,
  survey_version INTEGER NOT NULL,
  location TEXT NOT NULL,
  language TEXT NOT NULL,
  district TEXT,
  answers TEXT NOT NULL,
  started_at TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  flags TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (kiosk, id)
);
CREATE INDEX responses_by_district ON responses (survey_id, district, submitted_at);
CREATE TABLE idempotency (
  kiosk TEXT NOT NULL,
  key TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  result TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (kiosk, key)
);
CREATE TABLE heartbeats (
  kiosk TEXT PRIMARY KEY,
  program_version TEXT NOT NULL,
  unsent INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  oldest_unsent_age_s INTEGER,
  free_disk_bytes INTEGER,
  last_error TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  received_at TEXT NOT NULL
);
)sql",
    // 2: "absent" has one spelling, NULL: location may be NULL and schema 1's '' becomes NULL.
    // kiosk_id keeps what the kiosk sent. SQLite cannot drop NOT NULL, so the table is rebuilt.
    R"sql(
CREATE TABLE responses_v2 (
  kiosk TEXT NOT NULL,
  id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  survey_id TEXT NOT NULL,
  survey_version INTEGER NOT NULL,
  location TEXT,
  language TEXT NOT NULL,
  district TEXT,
  answers TEXT NOT NULL,
  started_at TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  flags TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  received_at TEXT NOT NULL,
  kiosk_id TEXT,  -- as the kiosk sent it; NULL for rows stored before schema 2 (then it equalled kiosk)
  PRIMARY KEY (kiosk, id)
);
INSERT INTO responses_v2 (kiosk, id, seq, survey_id, survey_version, location, language, district, answers,
                          started_at, submitted_at, flags, content_hash, received_at)
  SELECT kiosk, id, seq, survey_id, survey_version, NULLIF(location, ''), language, district, answers,
         started_at, submitted_at, flags, content_hash, received_at
  FROM responses;
DROP TABLE responses;
ALTER TABLE responses_v2 RENAME TO responses;
CREATE INDEX responses_by_district ON responses (survey_id, district, submitted_at);
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
  survey_id TEXT NOT NULL,
  day TEXT NOT NULL,
  indicator TEXT NOT NULL,
  district TEXT NOT NULL,  -- '' when the resident did not say
  gender TEXT NOT NULL,    -- the gender answer, '' when declined
  flagged INTEGER NOT NULL,
  n INTEGER NOT NULL,
  numerator INTEGER NOT NULL,
  sum REAL NOT NULL,
  sum_of_squares REAL NOT NULL,
  PRIMARY KEY (survey_id, day, indicator, district, gender, flagged)
) WITHOUT ROWID;
CREATE TABLE operators (
  name TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE TABLE reference_series (
  kpi TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  source TEXT NOT NULL,
  note TEXT NOT NULL,
  indicator TEXT NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE TABLE reference_values (
  kpi TEXT NOT NULL,
  area TEXT NOT NULL,
  period TEXT NOT NULL,
  gender TEXT NOT NULL,
  value REAL,
  count INTEGER,
  status TEXT NOT NULL,
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
    // The answers already stored are counted here. SQLite knows no time zones: Stockholm's day is
    // the EU rule lib/indicators/stockholm_time.h uses (UTC+2 from 01:00 UTC on the last Sunday of
    // March to 01:00 UTC on the last Sunday of October, else UTC+1).
    R"sql(
ALTER TABLE heartbeats ADD COLUMN heartbeat_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE heartbeats ADD COLUMN sessions_started INTEGER;
ALTER TABLE heartbeats ADD COLUMN sessions_completed INTEGER;
ALTER TABLE heartbeats ADD COLUMN sessions_abandoned INTEGER;
ALTER TABLE heartbeats ADD COLUMN abandoned_at TEXT;  -- JSON {step: count}; NULL before version 2
ALTER TABLE heartbeats ADD COLUMN rejected_reasons TEXT NOT NULL DEFAULT '[]';  -- JSON [{code, field, reason, count}]
CREATE TABLE kiosk_days (
  day TEXT NOT NULL,  -- YYYY-MM-DD in Stockholm
  kiosk TEXT NOT NULL,
  answers INTEGER NOT NULL DEFAULT 0,
  sessions_started INTEGER,  -- the day's last heartbeat's counters; NULL: none of version 2
  sessions_completed INTEGER,
  sessions_abandoned INTEGER,
  PRIMARY KEY (day, kiosk)
) WITHOUT ROWID;
INSERT INTO kiosk_days (day, kiosk, answers)
  SELECT date(submitted_at,
              CASE WHEN substr(submitted_at, 1, 19) >= date(substr(submitted_at, 1, 4) || '-03-25', 'weekday 0') ||
                                                       'T01:00:00'
                    AND substr(submitted_at, 1, 19) < date(substr(submitted_at, 1, 4) || '-10-25', 'weekday 0') ||
                                                      'T01:00:00'
                   THEN '+2 hours' ELSE '+1 hours' END) AS stockholm_day,
         kiosk, count(*)
  FROM responses GROUP BY stockholm_day, kiosk;
)sql",
    // 7: staff login (issue 10). A member's password only as an argon2id string; a session only
    // by the hash of its id (the id is in the cookie alone); wrong passwords counted per key
    // ("account:NAME", "address:IP") so the growing delay survives a restart.
    R"sql(
CREATE TABLE staff (
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  admin INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  removed_at TEXT,
  last_login_at TEXT
);
CREATE TABLE staff_sessions (
  id_hash TEXT PRIMARY KEY,
  staff TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  client TEXT NOT NULL
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff);
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at TEXT NOT NULL
);
)sql",
    // 8: clocks (issue 14). Every row already keeps received_at (schema 1); now also the kiosk's
    // clock when it sent the batch (NULL: not sent, so for every row stored before) and whether the
    // kiosk's clock was clearly wrong, which dates the row by received_at in the figures. Rows
    // stored before passed the old check (submitted_at within a day ahead and two years behind the
    // store's clock), which is the rule without the header: 0 is what they would get now. Each
    // kiosk keeps its last batch's two times, for its skew on the kiosk list and page.
    R"sql(
ALTER TABLE responses ADD COLUMN kiosk_sent_at TEXT;
ALTER TABLE responses ADD COLUMN clock_flag INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kiosks ADD COLUMN batch_received_at TEXT;
ALTER TABLE kiosks ADD COLUMN batch_sent_at TEXT;
)sql",
    // 9: a kiosk's corrupt databases moved aside (issue 14, part 3), as its heartbeat counts them:
    // the files still in its data folder. NULL: not said (every heartbeat stored before, and
    // kiosks from before it).
    R"sql(
ALTER TABLE heartbeats ADD COLUMN quarantined_databases INTEGER;
)sql",
};
static_assert(std::size(kMigrations) == kServerSchemaVersion, "one migration per schema version");

std::optional<std::string> opt_int_text(const std::optional<std::int64_t>& v) {
    return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
}

std::optional<std::int64_t> opt_int(const std::optional<std::string>& v) {
    return v ? std::optional<std::int64_t>(std::stoll(*v)) : std::nullopt;
}

// kiosk, the codec's columns in its order, received_at, clock_flag.
std::string select_responses_sql() {
    std::string sql = "SELECT kiosk";
    for (const auto& c : record::row_columns()) sql += ", " + c;
    return sql + ", received_at, clock_flag FROM responses";
}

class SqliteBackend final : public StoreBackend {
  public:
    explicit SqliteBackend(const std::string& path)
        : db_(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX) {
        db_.exec("PRAGMA busy_timeout=5000");
        // Look before touching: a database we refuse is left as it was (the pragmas below may write).
        check_version(stored_version());
        // Set before the first table exists (ignored afterwards): a WAL frame is one write per page,
        // and a batch of 200 responses fills about 60 pages of 4 KiB; 16 KiB pages need a quarter
        // of the system calls, which cost dearly on a virtual machine.
        db_.exec("PRAGMA page_size=16384");
        db_.exec("PRAGMA journal_mode=WAL");
        db_.exec("PRAGMA synchronous=FULL");
        // The default 2 MB page cache misses on the (kiosk, id) index once a store holds a few
        // hundred thousand rows; 64 MB keeps it in memory.
        db_.exec("PRAGMA cache_size=-65536");
        migrate();
        front_.emplace(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
        front_->exec("PRAGMA busy_timeout=1000");
        reader_.emplace(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
        reader_->exec("PRAGMA busy_timeout=1000");
        reader_->exec("PRAGMA cache_size=-32768");
    }

    const char* kind() const override { return "sqlite"; }

    // The front connection: a WAL reader, so health and token checks never wait for a batch's write.
    void ping() override {
        guarded(front_mutex_, [&] { front_->pragma_int("schema_version"); });
    }

    std::optional<std::string> kiosk_for_token(const std::string& token_hash) override {
        return guarded(front_mutex_, [&]() -> std::optional<std::string> {
            auto st = front_->prepare("SELECT name FROM kiosks WHERE token_hash = ? AND revoked_at IS NULL");
            st.bind(1, token_hash);
            if (!st.step()) return std::nullopt;
            return st.text_col(0);
        });
    }

    BatchAnswer store_batch(BatchRequest req) override {
        return guarded([&] { return store_batch_locked(req); });
    }

    // The heartbeat and, from version 2, the session counters of its day, in one transaction.
    void store_heartbeat(const sync::Heartbeat& h, const std::string& received_at) override {
        guarded([&] {
            Transaction tx(db_);
            auto st = db_.prepare(std::string("INSERT INTO heartbeats (") + kHeartbeatColumns +
                                  ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (kiosk) DO UPDATE SET " +
                                  kHeartbeatUpdate);
            st.bind(1, h.kiosk_id).bind(2, h.program_version).bind(3, h.unsent).bind(4, h.rejected);
            st.bind(5, opt_int_text(h.oldest_unsent_age_s)).bind(6, opt_int_text(h.free_disk_bytes));
            st.bind(7, h.last_error).bind(8, h.sent_at).bind(9, received_at);
            HeartbeatColumns v2 = heartbeat_columns(h);
            st.bind(10, v2.version).bind(11, v2.started).bind(12, v2.completed).bind(13, v2.abandoned);
            st.bind(14, v2.abandoned_at).bind(15, v2.rejected_reasons).bind(16, v2.quarantined_databases);
            st.run();
            if (h.sessions) {
                auto day = db_.prepare(
                    "INSERT INTO kiosk_days (day, kiosk, sessions_started, sessions_completed, sessions_abandoned) "
                    "VALUES (?,?,?,?,?) ON CONFLICT (day, kiosk) DO UPDATE SET "
                    "sessions_started = excluded.sessions_started, sessions_completed = excluded.sessions_completed, "
                    "sessions_abandoned = excluded.sessions_abandoned");
                day.bind(1, stockholm_day(received_at)).bind(2, h.kiosk_id).bind(3, h.sessions->started);
                day.bind(4, h.sessions->completed).bind(5, h.sessions->abandoned);
                day.run();
            }
            tx.commit();
        });
    }

    KioskAdded add_kiosk(const std::string& name, const std::string& token_hash, const std::string& now) override {
        return add_named("kiosks", name, token_hash, now, kiosk_is_active);
    }

    bool revoke_kiosk(const std::string& name, const std::string& now) override {
        return revoke_named("kiosks", name, now);
    }

    std::vector<KioskInfo> kiosks() override {
        return guarded([&] {
            auto st = db_.prepare(
                "SELECT k.name, k.created_at, k.revoked_at, h.program_version, h.unsent, h.rejected, "
                "h.oldest_unsent_age_s, h.free_disk_bytes, h.last_error, h.sent_at, h.received_at, "
                "h.heartbeat_version, h.sessions_started, h.sessions_completed, h.sessions_abandoned, h.abandoned_at, "
                "h.rejected_reasons, k.batch_received_at, k.batch_sent_at, h.quarantined_databases "
                "FROM kiosks k LEFT JOIN heartbeats h "
                "ON h.kiosk = k.name ORDER BY k.name");
            std::vector<KioskInfo> out;
            while (st.step()) out.push_back(kiosk_row(st));
            return out;
        });
    }

    // --- kiosk fleet health (schema 6) ---
    // On the reader connection: the page never waits for a batch's write.
    std::vector<KioskDayRow> kiosk_days(const std::string& first_day) override {
        return guarded(reader_mutex_, [&] {
            auto st = reader_->prepare(
                "SELECT kiosk, day, answers, sessions_started, sessions_completed, sessions_abandoned "
                "FROM kiosk_days WHERE day >= ?");
            st.bind(1, first_day);
            std::vector<KioskDayRow> out;
            while (st.step()) {
                KioskDayRow row{.kiosk = st.text_col(0), .day = st.text_col(1), .answers = st.int_col(2)};
                if (!st.is_null(3)) row.sessions = SessionCounters{st.int_col(3), st.int_col(4), st.int_col(5)};
                out.push_back(std::move(row));
            }
            return out;
        });
    }
    // --- end of kiosk fleet health ---

    std::vector<KioskCount> response_counts() override {
        return guarded([&] {
            auto st = db_.prepare("SELECT kiosk, count(*) FROM responses GROUP BY kiosk ORDER BY kiosk");
            std::vector<KioskCount> out;
            while (st.step()) out.push_back({st.text_col(0), st.int_col(1)});
            return out;
        });
    }

    std::vector<MonthSums> month_sums(const SumsQuery& q) override {
        return guarded(reader_mutex_, [&] {
            auto st = reader_->prepare(
                "SELECT indicator, district, gender, substr(day, 1, 7) AS month, sum(n), sum(numerator), sum(sum), "
                "sum(sum_of_squares), min(day), max(day) FROM indicator_days "
                "WHERE survey_id = ?1 AND day >= ?2 AND day <= ?3 AND (flagged = 0 OR ?4) "
                "GROUP BY indicator, district, gender, month");
            st.bind(1, q.survey_id).bind(2, q.from_day).bind(3, q.to_day.empty() ? "9999" : q.to_day);
            st.bind(4, std::int64_t{q.include_flagged});
            std::vector<MonthSums> out;
            while (st.step())
                out.push_back({.indicator = st.text_col(0),
                               .district = st.text_col(1),
                               .gender = st.text_col(2),
                               .month = st.text_col(3),
                               .sums = {st.int_col(4), st.int_col(5), st.double_col(6), st.double_col(7)},
                               .first_day = st.text_col(8),
                               .last_day = st.text_col(9)});
            return out;
        });
    }

    std::optional<std::pair<std::string, std::string>> sums_day_range(const std::string& survey_id) override {
        return guarded(reader_mutex_, [&]() -> std::optional<std::pair<std::string, std::string>> {
            // Two subqueries: SQLite finds a lone min() or max() by the key, both at once by a scan.
            auto st = reader_->prepare(
                "SELECT (SELECT min(day) FROM indicator_days WHERE survey_id = ?1), "
                "(SELECT max(day) FROM indicator_days WHERE survey_id = ?1)");
            st.bind(1, survey_id);
            if (!st.step() || st.is_null(0)) return std::nullopt;
            return std::make_pair(st.text_col(0), st.text_col(1));
        });
    }

    std::vector<DaySums> day_sums() override {
        return guarded([&] {
            auto st = db_.prepare(
                "SELECT survey_id, indicator, district, day, gender, flagged, n, numerator, sum, sum_of_squares "
                "FROM indicator_days ORDER BY survey_id, indicator, district, day, gender, flagged");
            std::vector<DaySums> out;
            while (st.step())
                out.push_back({{st.text_col(0), st.text_col(1), st.text_col(2), st.text_col(3), st.text_col(4),
                                st.int_col(5) != 0},
                               {st.int_col(6), st.int_col(7), st.double_col(8), st.double_col(9)}});
            return out;
        });
    }

    std::int64_t rebuild_sums(const ContributionsOf& contributions_of, const std::string& definitions) override {
        return guarded([&] {
            Transaction tx(db_);
            db_.exec("DELETE FROM indicator_days");
            auto st = db_.prepare(select_responses_sql_ + " ORDER BY kiosk, id");
            std::int64_t rows = 0;
            // Added up in memory per day key, then written once: far fewer writes than one per row.
            DaySumsAdder sums;
            while (st.step()) {
                ++rows;
                Response r = record::from_row(row_at(st));
                StoredRowView v = view_at(st);
                sums.add(contributions_of(r, dated_at(r, v.clock_flag, std::string(v.received_at))));
            }
            add_sums(sums.sums());
            set_meta("indicator_definitions", definitions);
            tx.commit();
            return rows;
        });
    }

    std::string sums_definitions() override {
        return guarded([&] {
            auto st = db_.prepare("SELECT value FROM meta WHERE key = 'indicator_definitions'");
            return st.step() ? st.text_col(0) : std::string();
        });
    }

    // On a connection of its own: an export may take seconds, and nobody else waits for it.
    void for_each_response(const ResponseQuery& q, const std::function<void(const StoredRowView&)>& each) override {
        Database db(db_.path(), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
        std::mutex mine;
        guarded(mine, [&] {
            // A read transaction: one consistent snapshot however long the export takes.
            db.exec("PRAGMA busy_timeout=5000");
            db.exec("BEGIN");
            try {
                // Plain bounds, so that the index gives the range and the order.
                auto st = db.prepare(select_responses_sql_ + " WHERE survey_id = ?1 AND submitted_at >= ?2" +
                                     (q.to_utc.empty() ? "" : " AND submitted_at < ?3") +
                                     " AND (?4 IS NULL OR district = ?4) ORDER BY submitted_at");
                st.bind(1, q.survey_id).bind(2, q.from_utc).bind(4, q.district);
                if (!q.to_utc.empty()) st.bind(3, q.to_utc);
                while (st.step()) each(view_at(st));
            } catch (...) {
                db.exec("ROLLBACK");
                throw;
            }
            db.exec("COMMIT");
        });
    }

    KioskAdded add_operator(const std::string& name, const std::string& token_hash, const std::string& now) override {
        return add_named("operators", name, token_hash, now, operator_is_active);
    }

    bool revoke_operator(const std::string& name, const std::string& now) override {
        return revoke_named("operators", name, now);
    }

    std::optional<std::string> operator_for_token(const std::string& token_hash) override {
        return guarded(front_mutex_, [&]() -> std::optional<std::string> {
            auto st = front_->prepare("SELECT name FROM operators WHERE token_hash = ? AND revoked_at IS NULL");
            st.bind(1, token_hash);
            if (!st.step()) return std::nullopt;
            return st.text_col(0);
        });
    }

    std::vector<OperatorInfo> operators() override {
        return guarded([&] {
            auto st = db_.prepare("SELECT name, created_at, revoked_at FROM operators ORDER BY name");
            std::vector<OperatorInfo> out;
            while (st.step()) out.push_back({st.text_col(0), st.text_col(1), st.opt_text_col(2)});
            return out;
        });
    }

    void audit(const AuditEntry& e) override {
        guarded([&] {
            auto st = db_.prepare("INSERT INTO audit (at, actor, action, detail) VALUES (?,?,?,?)");
            st.bind(1, e.at).bind(2, e.actor).bind(3, e.action).bind(4, e.detail);
            st.run();
        });
    }

    std::vector<AuditEntry> audit_log() override {
        return guarded([&] {
            auto st = db_.prepare("SELECT at, actor, action, detail FROM audit ORDER BY id");
            std::vector<AuditEntry> out;
            while (st.step()) out.push_back({st.text_col(0), st.text_col(1), st.text_col(2), st.text_col(3)});
            return out;
        });
    }

    void store_reference(const ReferenceSeries& r, const std::vector<ReferenceValue>& values) override {
        guarded([&] {
            Transaction tx(db_);
            auto del = db_.prepare("DELETE FROM reference_values WHERE kpi = ?");
            del.bind(1, r.kpi);
            del.run();
            auto series = db_.prepare(
                "INSERT INTO reference_series VALUES (?,?,?,?,?,?) ON CONFLICT (kpi) DO UPDATE SET "
                "title=excluded.title, source=excluded.source, note=excluded.note, indicator=excluded.indicator, "
                "imported_at=excluded.imported_at");
            series.bind(1, r.kpi).bind(2, r.title).bind(3, r.source).bind(4, r.note).bind(5, r.indicator);
            series.bind(6, r.imported_at);
            series.run();
            auto st = db_.prepare("INSERT INTO reference_values VALUES (?,?,?,?,?,?,?)");
            for (const auto& v : values) {
                st.bind(1, v.kpi).bind(2, v.area).bind(3, v.period).bind(4, v.gender);
                if (v.value)
                    st.bind(5, *v.value);
                else
                    st.bind(5, std::optional<std::string>());
                st.bind(6, opt_int_text(v.count)).bind(7, v.status);
                st.run();
            }
            tx.commit();
        });
    }

    std::vector<ReferenceSeries> reference_series() override {
        return guarded(reader_mutex_, [&] {
            auto st = reader_->prepare(
                "SELECT kpi, title, source, note, indicator, imported_at FROM reference_series ORDER BY kpi");
            std::vector<ReferenceSeries> out;
            while (st.step())
                out.push_back(
                    {st.text_col(0), st.text_col(1), st.text_col(2), st.text_col(3), st.text_col(4), st.text_col(5)});
            return out;
        });
    }

    std::vector<ReferenceValue> reference_values(const std::string& kpi) override {
        return guarded(reader_mutex_, [&] {
            auto st = reader_->prepare(
                "SELECT kpi, area, period, gender, value, count, status FROM reference_values WHERE kpi = ? "
                "ORDER BY area, period, gender");
            st.bind(1, kpi);
            std::vector<ReferenceValue> out;
            while (st.step())
                out.push_back({st.text_col(0), st.text_col(1), st.text_col(2), st.text_col(3),
                               st.is_null(4) ? std::nullopt : std::optional<double>(st.double_col(4)),
                               opt_int(st.opt_text_col(5)), st.text_col(6)});
            return out;
        });
    }

    // ---- Staff login (issue 10, item 2): tables staff, staff_sessions, login_failures ----

    StaffAdded add_staff(const StaffAccount& a) override {
        return guarded([&] {
            Transaction tx(db_);
            auto again = db_.prepare(
                "UPDATE staff SET password_hash = ?2, admin = ?3, created_at = ?4, removed_at = NULL, "
                "last_login_at = NULL WHERE name = ?1 AND removed_at IS NOT NULL");
            again.bind(1, a.name).bind(2, a.password_hash).bind(3, std::int64_t{a.admin}).bind(4, a.created_at);
            again.run();
            StaffAdded added = StaffAdded::AgainAfterRemove;
            if (sqlite3_changes(db_.handle()) == 0) {
                auto exists = db_.prepare("SELECT 1 FROM staff WHERE name = ?");
                exists.bind(1, a.name);
                if (exists.step()) throw std::runtime_error(staff_is_active(a.name));
                auto st = db_.prepare("INSERT INTO staff (name, password_hash, admin, created_at) VALUES (?,?,?,?)");
                st.bind(1, a.name).bind(2, a.password_hash).bind(3, std::int64_t{a.admin}).bind(4, a.created_at);
                st.run();
                added = StaffAdded::New;
            }
            tx.commit();
            return added;
        });
    }

    bool remove_staff(const std::string& name, const std::string& now) override {
        return guarded([&] {
            Transaction tx(db_);
            auto st = db_.prepare("UPDATE staff SET removed_at = ? WHERE name = ? AND removed_at IS NULL");
            st.bind(1, now).bind(2, name);
            st.run();
            bool removed = sqlite3_changes(db_.handle()) > 0;
            auto sessions = db_.prepare("DELETE FROM staff_sessions WHERE staff = ?");
            sessions.bind(1, name);
            sessions.run();
            tx.commit();
            return removed;
        });
    }

    bool set_staff_password(const std::string& name, const std::string& password_hash) override {
        return guarded([&] {
            Transaction tx(db_);
            auto st = db_.prepare("UPDATE staff SET password_hash = ? WHERE name = ? AND removed_at IS NULL");
            st.bind(1, password_hash).bind(2, name);
            st.run();
            bool changed = sqlite3_changes(db_.handle()) > 0;
            auto sessions = db_.prepare("DELETE FROM staff_sessions WHERE staff = ?");
            sessions.bind(1, name);
            sessions.run();
            tx.commit();
            return changed;
        });
    }

    void rehash_staff_password(const std::string& name, const std::string& old_hash,
                               const std::string& new_hash) override {
        guarded([&] {
            auto st = db_.prepare("UPDATE staff SET password_hash = ?3 WHERE name = ?1 AND password_hash = ?2");
            st.bind(1, name).bind(2, old_hash).bind(3, new_hash);
            st.run();
        });
    }

    // On the front connection: a login never waits for a batch's write to read the account.
    std::optional<StaffAccount> staff_account(const std::string& name) override {
        return guarded(front_mutex_, [&]() -> std::optional<StaffAccount> {
            auto st = front_->prepare(
                "SELECT name, password_hash, admin, created_at FROM staff WHERE name = ? AND removed_at IS NULL");
            st.bind(1, name);
            if (!st.step()) return std::nullopt;
            return StaffAccount{st.text_col(0), st.text_col(1), st.int_col(2) != 0, st.text_col(3)};
        });
    }

    std::vector<StaffListEntry> staff_list(const std::string& seen_since, const std::string& created_since) override {
        return guarded([&] {
            auto st = db_.prepare(
                "SELECT name, admin, created_at, removed_at, last_login_at, (SELECT count(*) FROM staff_sessions s "
                "WHERE s.staff = staff.name AND s.last_seen_at >= ?1 AND s.created_at >= ?2) FROM staff ORDER BY name");
            st.bind(1, seen_since).bind(2, created_since);
            std::vector<StaffListEntry> out;
            while (st.step())
                out.push_back({st.text_col(0), st.int_col(1) != 0, st.text_col(2), st.opt_text_col(3),
                               st.opt_text_col(4), st.int_col(5)});
            return out;
        });
    }

    bool start_staff_session(const StaffSessionRecord& s) override {
        return guarded([&] {
            Transaction tx(db_);
            auto login = db_.prepare("UPDATE staff SET last_login_at = ? WHERE name = ? AND removed_at IS NULL");
            login.bind(1, s.created_at).bind(2, s.staff);
            login.run();
            if (sqlite3_changes(db_.handle()) == 0) return false;  // the rollback is a no-op
            auto st = db_.prepare("INSERT INTO staff_sessions VALUES (?,?,?,?,?,?)");
            st.bind(1, s.id_hash).bind(2, s.staff).bind(3, s.csrf_token).bind(4, s.created_at);
            st.bind(5, s.last_seen_at).bind(6, s.client);
            st.run();
            tx.commit();
            return true;
        });
    }

    // On the front connection, like the kiosks' tokens: every staff page asks.
    std::optional<StaffSessionRecord> staff_session(const std::string& id_hash) override {
        return guarded(front_mutex_, [&]() -> std::optional<StaffSessionRecord> {
            auto st = front_->prepare(
                "SELECT s.id_hash, s.staff, s.csrf_token, s.created_at, s.last_seen_at, s.client, m.admin "
                "FROM staff_sessions s JOIN staff m ON m.name = s.staff AND m.removed_at IS NULL "
                "WHERE s.id_hash = ?");
            st.bind(1, id_hash);
            if (!st.step()) return std::nullopt;
            return StaffSessionRecord{.id_hash = st.text_col(0),
                                      .staff = st.text_col(1),
                                      .csrf_token = st.text_col(2),
                                      .created_at = st.text_col(3),
                                      .last_seen_at = st.text_col(4),
                                      .client = st.text_col(5),
                                      .admin = st.int_col(6) != 0};
        });
    }

    void touch_staff_session(const std::string& id_hash, const std::string& now, const std::string& client) override {
        guarded([&] {
            auto st = db_.prepare("UPDATE staff_sessions SET last_seen_at = ?, client = ? WHERE id_hash = ?");
            st.bind(1, now).bind(2, client).bind(3, id_hash);
            st.run();
        });
    }

    std::optional<std::string> end_staff_session(const std::string& id_hash) override {
        return guarded([&]() -> std::optional<std::string> {
            auto st = db_.prepare("DELETE FROM staff_sessions WHERE id_hash = ? RETURNING staff");
            st.bind(1, id_hash);
            if (!st.step()) return std::nullopt;
            std::string staff = st.text_col(0);
            while (st.step()) {
            }
            return staff;
        });
    }

    std::int64_t delete_expired_staff_records(const std::string& seen_before, const std::string& created_before,
                                              const std::string& failures_before) override {
        return guarded([&] {
            Transaction tx(db_);
            auto st = db_.prepare("DELETE FROM staff_sessions WHERE last_seen_at < ? OR created_at < ?");
            st.bind(1, seen_before).bind(2, created_before);
            st.run();
            std::int64_t sessions = sqlite3_changes(db_.handle());
            auto failures = db_.prepare("DELETE FROM login_failures WHERE last_failure_at < ?");
            failures.bind(1, failures_before);
            failures.run();
            tx.commit();
            return sessions;
        });
    }

    std::optional<LoginFailures> login_failures(const std::string& key) override {
        return guarded(front_mutex_, [&]() -> std::optional<LoginFailures> {
            auto st = front_->prepare("SELECT failures, last_failure_at FROM login_failures WHERE key = ?");
            st.bind(1, key);
            if (!st.step()) return std::nullopt;
            return LoginFailures{st.int_col(0), st.text_col(1)};
        });
    }

    LoginFailures add_login_failure(const std::string& key, const std::string& now,
                                    const std::string& forget_before) override {
        return guarded([&] {
            auto st = db_.prepare(
                "INSERT INTO login_failures VALUES (?1, 1, ?2) ON CONFLICT (key) DO UPDATE SET "
                "failures = CASE WHEN last_failure_at < ?3 THEN 1 ELSE failures + 1 END, last_failure_at = ?2 "
                "RETURNING failures, last_failure_at");
            st.bind(1, key).bind(2, now).bind(3, forget_before);
            if (!st.step()) throw std::runtime_error("SQLite: counting a failed login returned no row");
            LoginFailures out{st.int_col(0), st.text_col(1)};
            while (st.step()) {
            }
            return out;
        });
    }

    void clear_login_failures(const std::string& key) override {
        guarded([&] {
            auto st = db_.prepare("DELETE FROM login_failures WHERE key = ?");
            st.bind(1, key);
            st.run();
        });
    }
    // ---- end of staff login ----

  private:
    // A name's row in kiosks or operators: allowed again after a revoke (under the new token
    // only), or new; refused while active.
    KioskAdded add_named(const std::string& table, const std::string& name, const std::string& token_hash,
                         const std::string& now, std::string (*is_active)(const std::string&)) {
        return guarded([&] {
            Transaction tx(db_);
            auto again = db_.prepare(
                "UPDATE " + table + " SET token_hash = ?, revoked_at = NULL WHERE name = ? AND revoked_at IS NOT NULL");
            again.bind(1, token_hash).bind(2, name);
            again.run();
            KioskAdded added = KioskAdded::AgainAfterRevoke;
            if (sqlite3_changes(db_.handle()) == 0) {
                auto exists = db_.prepare("SELECT 1 FROM " + table + " WHERE name = ?");
                exists.bind(1, name);
                if (exists.step()) throw std::runtime_error(is_active(name));
                auto st = db_.prepare("INSERT INTO " + table + " (name, token_hash, created_at) VALUES (?,?,?)");
                st.bind(1, name).bind(2, token_hash).bind(3, now);
                st.run();
                added = KioskAdded::New;
            }
            tx.commit();
            return added;
        });
    }

    bool revoke_named(const std::string& table, const std::string& name, const std::string& now) {
        return guarded([&] {
            auto st = db_.prepare("UPDATE " + table + " SET revoked_at = coalesce(revoked_at, ?) WHERE name = ?");
            st.bind(1, now).bind(2, name);
            st.run();
            return sqlite3_changes(db_.handle()) > 0;
        });
    }

    // Adds day sums to the stored ones (inside the caller's transaction).
    void add_sums(const std::vector<DaySums>& sums) {
        if (sums.empty()) return;
        auto st = db_.prepare(
            "INSERT INTO indicator_days VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO UPDATE SET n = n + excluded.n, "
            "numerator = numerator + excluded.numerator, sum = sum + excluded.sum, "
            "sum_of_squares = sum_of_squares + excluded.sum_of_squares");
        for (const DaySums& d : sums) {
            st.bind(1, d.key.survey_id).bind(2, d.key.day).bind(3, d.key.indicator).bind(4, d.key.district);
            st.bind(5, d.key.gender).bind(6, std::int64_t{d.key.flagged}).bind(7, d.sums.n);
            st.bind(8, d.sums.numerator).bind(9, d.sums.sum).bind(10, d.sums.sum_of_squares);
            st.run();
        }
    }

    // Counts the answers inserted now in their kiosk's days (inside the caller's transaction).
    void add_kiosk_days(const std::string& kiosk, const std::vector<std::pair<std::string, std::int64_t>>& days) {
        if (days.empty()) return;
        auto st = db_.prepare(
            "INSERT INTO kiosk_days (day, kiosk, answers) VALUES (?,?,?) ON CONFLICT (day, kiosk) DO UPDATE SET "
            "answers = answers + excluded.answers");
        for (const auto& [day, n] : days) {
            st.bind(1, day).bind(2, kiosk).bind(3, n);
            st.run();
        }
    }

    void set_meta(const std::string& key, const std::string& value) {
        auto st = db_.prepare("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        st.bind(1, key).bind(2, value);
        st.run();
    }

    // The codec's columns of a row of select_responses_sql_ (kiosk, those columns, received_at,
    // clock_flag), in place: valid until the next step.
    static record::RowView row_at(const Statement& st) {
        record::RowView row;
        for (std::size_t i = 0; i < record::kRowColumns; ++i) row[i] = st.text_view_col(static_cast<int>(1 + i));
        return row;
    }
    static StoredRowView view_at(const Statement& st) {
        constexpr int after = 1 + static_cast<int>(record::kRowColumns);
        return {.kiosk = st.text_view_col(0).value_or(""),
                .row = row_at(st),
                .received_at = st.text_view_col(after).value_or(""),
                .clock_flag = st.int_col(after + 1) != 0};
    }

    // One caller at a time; SQLite's "busy", "full" and I/O errors become Unavailable (503).
    template <typename F>
    std::invoke_result_t<F> guarded(F&& f) {
        return guarded(mutex_, std::forward<F>(f));
    }
    template <typename F>
    static std::invoke_result_t<F> guarded(std::mutex& mutex, F&& f) {
        std::lock_guard lock(mutex);
        try {
            return f();
        } catch (const DatabaseError& e) {
            int code = e.code() & 0xFF;  // not the connection's: the rollback has reset that
            if (code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_FULL || code == SQLITE_IOERR ||
                code == SQLITE_CANTOPEN || code == SQLITE_READONLY || code == SQLITE_NOMEM)
                throw Unavailable(std::string("SQLite: ") + e.what());
            throw;
        }
    }

    // The version kept in meta; 0 for an empty file. Reads only.
    int stored_version() {
        auto has_meta = db_.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'");
        if (!has_meta.step()) return 0;
        auto st = db_.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
        if (!st.step()) return 0;
        std::string text = st.text_col(0);
        try {
            return std::stoi(text);
        } catch (const std::exception&) {
            throw std::runtime_error(db_.path() + ": schema_version '" + text + "' in table meta is not a number");
        }
    }

    void check_version(int version) {
        if (version > kServerSchemaVersion)
            throw std::runtime_error(db_.path() + ": schema version " + std::to_string(version) +
                                     " is newer than this lkp-store understands (" +
                                     std::to_string(kServerSchemaVersion) +
                                     "); the database was left untouched. Run a newer lkp-store.");
    }

    // One step per transaction; the version is read again under the write lock, so a second
    // process opening the same file at once waits and then finds the step done.
    void migrate() {
        for (;;) {
            Transaction tx(db_);
            int version = stored_version();
            check_version(version);
            if (version == kServerSchemaVersion) return;  // nothing written: the rollback is a no-op
            db_.exec(kMigrations[version]);
            auto st = db_.prepare(
                "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
            st.bind(1, std::to_string(version + 1));
            st.run();
            tx.commit();
        }
    }

    // Idempotency-Key records past the retention, deleted at a process's first batch and then at
    // most hourly; a failure only waits for the next turn (the records harm nothing meanwhile).
    void expire_keys() {
        auto now = std::chrono::system_clock::now();
        if (now < next_expiry_) return;
        next_expiry_ = now + kIdempotencyExpiryInterval;
        try {
            auto st = db_.prepare("DELETE FROM idempotency WHERE created_at < ?");
            st.bind(1, format_utc(now - kIdempotencyRetention));
            st.run();
        } catch (const DatabaseError& e) {
            std::fprintf(stderr, "lkp-store: could not delete expired Idempotency-Key records: %s\n", e.what());
        }
    }

    BatchAnswer store_batch_locked(BatchRequest& req) {
        expire_keys();
        Transaction tx(db_);
        if (auto stored = stored_answer(req)) return {*stored, true};
        auto insert = db_.prepare(insert_sql_);
        auto existing = db_.prepare("SELECT content_hash FROM responses WHERE kiosk = ? AND id = ?");
        std::vector<const NewRow*> inserted_rows;
        for (const NewRow& row : req.rows) {
            // In stored_values() order, bound in place: copying every row first cost 2 % of a batch.
            int n = 1;
            insert.bind(n++, req.kiosk);
            for (const auto& value : row.columns) insert.bind(n++, value);
            insert.bind(n++, row.content_hash);
            insert.bind(n++, req.received_at);
            insert.bind(n++, req.kiosk_sent_at);
            insert.bind(n, std::int64_t{row.clock_flag});
            insert.run();
            bool inserted = sqlite3_changes(db_.handle()) > 0;
            std::string stored;
            if (inserted) inserted_rows.push_back(&row);
            if (!inserted) {
                existing.bind(1, req.kiosk).bind(2, row.response->id);
                if (existing.step()) stored = existing.text_col(0);
                existing.reset();
            }
            req.results[row.index] = row_outcome(row, inserted, stored);
        }
        std::vector<DaySums> added = merged_contributions(inserted_rows);
        add_sums(added);
        add_kiosk_days(req.kiosk, answers_per_day(inserted_rows));
        // The kiosk's last batch, for its skew (kept unless a later batch was recorded already).
        auto clock = db_.prepare(
            "UPDATE kiosks SET batch_received_at = ?1, batch_sent_at = ?2 WHERE name = ?3 AND "
            "(batch_received_at IS NULL OR batch_received_at <= ?1)");
        clock.bind(1, req.received_at).bind(2, req.kiosk_sent_at).bind(3, req.kiosk);
        clock.run();
        std::string body = sync::encode_results(req.key, req.results);
        auto key = db_.prepare("INSERT INTO idempotency VALUES (?,?,?,?,?)");
        key.bind(1, req.kiosk).bind(2, req.key).bind(3, req.body_hash).bind(4, body).bind(5, req.received_at);
        key.run();
        tx.commit();
        return {body, false, std::move(added)};
    }

    // The answer given before for this key, or KeyReused when the body differs.
    std::optional<std::string> stored_answer(const BatchRequest& req) {
        auto st = db_.prepare("SELECT body_hash, result FROM idempotency WHERE kiosk = ? AND key = ?");
        st.bind(1, req.kiosk).bind(2, req.key);
        if (!st.step()) return std::nullopt;
        if (st.text_col(0) != req.body_hash)
            throw KeyReused("Idempotency-Key " + req.key + " was already used for a different batch");
        return st.text_col(1);
    }

    static KioskInfo kiosk_row(const Statement& st) {
        KioskInfo k{.name = st.text_col(0), .created_at = st.text_col(1), .revoked_at = st.opt_text_col(2)};
        if (auto version = st.opt_text_col(3)) {
            k.heartbeat = sync::Heartbeat{.kiosk_id = k.name,
                                          .program_version = *version,
                                          .unsent = st.int_col(4),
                                          .rejected = st.int_col(5),
                                          .oldest_unsent_age_s = opt_int(st.opt_text_col(6)),
                                          .free_disk_bytes = opt_int(st.opt_text_col(7)),
                                          .last_error = st.text_col(8),
                                          .sent_at = st.text_col(9)};
            k.heartbeat_received_at = st.text_col(10);
            read_heartbeat_columns(*k.heartbeat,
                                   {st.text_col(11), st.opt_text_col(12), st.opt_text_col(13), st.opt_text_col(14),
                                    st.opt_text_col(15), st.text_col(16), st.opt_text_col(19)});
        }
        k.batch_received_at = st.opt_text_col(17).value_or("");
        k.batch_sent_at = st.opt_text_col(18);
        return k;
    }

    std::mutex mutex_;
    Database db_;
    std::mutex front_mutex_;
    std::optional<Database> front_;  // opened once the schema is current
    std::mutex reader_mutex_;
    std::optional<Database> reader_;  // indicator and reference queries: WAL readers too, apart from the front
    std::chrono::system_clock::time_point next_expiry_;  // the epoch: at the first batch
    const std::string insert_sql_ = insert_response_sql('?');
    const std::string select_responses_sql_ = select_responses_sql();
};

}  // namespace

std::unique_ptr<StoreBackend> open_sqlite(const std::string& path) { return std::make_unique<SqliteBackend>(path); }

}  // namespace lkp::server
