#include "response_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

namespace lkp {

namespace {

// 'LKP1': tells our database apart from any other SQLite file someone points us at.
constexpr std::int64_t kApplicationId = 0x4C4B5031;

// Migration N brings user_version N-1 to N. Never edit a shipped step: add a new one.
const char* const kMigrations[] = {
    // 1: responses and the outbox of what is not yet sent.
    R"sql(
    CREATE TABLE responses (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,  -- per-kiosk, only grows, never reused
        id             TEXT NOT NULL UNIQUE,               -- UUID v4
        kiosk_id       TEXT NOT NULL,
        survey_id      TEXT NOT NULL,
        survey_version INTEGER NOT NULL,
        location       TEXT,
        language       TEXT NOT NULL,
        district       TEXT,                               -- NULL: declined
        answers        TEXT NOT NULL,                      -- JSON {question: value or null}
        started_at     TEXT NOT NULL,
        submitted_at   TEXT NOT NULL
    );
    CREATE TABLE outbox (
        seq       INTEGER PRIMARY KEY REFERENCES responses(seq),
        queued_at TEXT NOT NULL
    );
    )sql",
    // 2: flags (synthetic answers from `simulate`) and session counts for the response rate.
    R"sql(
    ALTER TABLE responses ADD COLUMN flags TEXT NOT NULL DEFAULT '[]';
    CREATE TABLE session_events (
        id        INTEGER PRIMARY KEY,
        kind      TEXT NOT NULL CHECK (kind IN ('started', 'completed', 'abandoned')),
        step      TEXT,
        at        TEXT NOT NULL,
        synthetic INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX session_events_kind ON session_events(kind, synthetic);
    )sql",
    // 3: sync. A response the store rejected stays in the outbox, marked, until staff act on it.
    // sync_batch holds the batch being sent, bytes and key, so every retry sends exactly the same.
    R"sql(
    ALTER TABLE outbox ADD COLUMN rejected_at TEXT;
    ALTER TABLE outbox ADD COLUMN rejected_code TEXT;
    ALTER TABLE outbox ADD COLUMN rejected_field TEXT;
    ALTER TABLE outbox ADD COLUMN rejected_reason TEXT;
    CREATE TABLE sync_batch (
        id              INTEGER PRIMARY KEY CHECK (id = 1),   -- at most one batch in flight
        idempotency_key TEXT NOT NULL,
        body            BLOB NOT NULL,       -- gzip'ed request body, exactly as sent
        seqs            TEXT NOT NULL,       -- JSON array of outbox seqs, in request order
        ids             TEXT NOT NULL,       -- JSON array of response ids, in request order
        created_at      TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE sync_state (
        key   TEXT PRIMARY KEY,              -- last_success_at, last_error, last_error_at
        value TEXT NOT NULL
    );
    )sql",
};
static_assert(std::size(kMigrations) == kSchemaVersion, "one migration per schema version");

std::string now_utc() { return format_utc(std::chrono::system_clock::now()); }

}  // namespace

void migrate(Database& db, int from, int to) {
    for (int v = from + 1; v <= to; ++v) {
        Transaction t(db);
        db.exec(kMigrations[v - 1]);
        db.exec("PRAGMA user_version = " + std::to_string(v));
        t.commit();
    }
}

ResponseStore::ResponseStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

ResponseStore ResponseStore::open(const std::string& data_dir) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) throw StoreError(data_dir + ": cannot create data directory: " + ec.message());
    return open_file(data_dir + "/" + kDatabaseFile);
}

ResponseStore ResponseStore::open_file(const std::string& path) {
    auto db = std::make_unique<Database>(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX);

    // Look before touching: nothing below may write to a file we are going to refuse.
    std::int64_t version = 0, app_id = 0, tables = 0;
    try {
        version = db->pragma_int("user_version");
        app_id = db->pragma_int("application_id");
        auto s = db->prepare("SELECT count(*) FROM sqlite_schema");
        s.step();
        tables = s.int_col(0);
        auto check = db->prepare("PRAGMA quick_check");
        check.step();
        std::string verdict = check.text_col(0);
        if (verdict != "ok") throw StoreError(path + ": the database is corrupt (" + verdict + ")");
    } catch (const StoreError& e) {
        std::string msg = e.what();
        if (msg.find("corrupt") != std::string::npos || msg.find("not a database") != std::string::npos)
            throw StoreError(path + ": the database is corrupt or not a database; it was left untouched. "
                             "Move it aside (keep it for recovery) and start again. Detail: " + msg);
        throw;
    }
    if (tables > 0 && app_id != kApplicationId)
        throw StoreError(path + ": this SQLite file is not an LKP Kiosk database; it was left untouched");
    if (version > kSchemaVersion)
        throw StoreError(path + ": the database has schema version " + std::to_string(version) +
                         ", written by a newer LKP Kiosk (this program knows up to " +
                         std::to_string(kSchemaVersion) + "); it was left untouched. Install the newer program.");

    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA synchronous = FULL");
    db->exec("PRAGMA foreign_keys = ON");
    if (tables == 0) db->exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    migrate(*db, static_cast<int>(version), kSchemaVersion);
    return ResponseStore(std::move(db));
}

void ResponseStore::record_event(const char* kind, const std::string& step, bool synthetic) {
    db_->prepare("INSERT INTO session_events(kind, step, at, synthetic) VALUES (?, ?, ?, ?)")
        .bind(1, std::string(kind))
        .bind(2, step.empty() ? std::optional<std::string>() : step)
        .bind(3, now_utc())
        .bind(4, std::int64_t{synthetic})
        .run();
}

void ResponseStore::save(Response& r) {
    Json answers = Json::object();
    for (const auto& [q, v] : r.answers) answers[q] = v;
    bool synthetic = std::find(r.flags.begin(), r.flags.end(), "synthetic") != r.flags.end();

    Transaction t(*db_);
    db_->prepare(
           "INSERT INTO responses(id, kiosk_id, survey_id, survey_version, location, language, district, answers, "
           "started_at, submitted_at, flags) VALUES (?,?,?,?,?,?,?,?,?,?,?)")
        .bind(1, r.id)
        .bind(2, r.kiosk_id)
        .bind(3, r.survey_id)
        .bind(4, std::int64_t{r.survey_version})
        .bind(5, r.location.empty() ? std::optional<std::string>() : r.location)
        .bind(6, r.language)
        .bind(7, r.district)
        .bind(8, answers.dump())
        .bind(9, r.started_at)
        .bind(10, r.submitted_at)
        .bind(11, Json(r.flags).dump())
        .run();
    std::int64_t seq = sqlite3_last_insert_rowid(db_->handle());
    db_->prepare("INSERT INTO outbox(seq, queued_at) VALUES (?, ?)").bind(1, seq).bind(2, r.submitted_at).run();
    record_event("completed", "", synthetic);
    t.commit();
    r.seq = seq;
}

void ResponseStore::record_started(bool synthetic) { record_event("started", "", synthetic); }

void ResponseStore::record_abandoned(const std::string& step, bool synthetic) {
    record_event("abandoned", step, synthetic);
}

const char* const kResponseColumns =
    "responses.seq, id, kiosk_id, survey_id, survey_version, location, language, district, answers, started_at, "
    "submitted_at, flags";

Response read_response(Statement& s) {
    Response r;
    r.seq = s.int_col(0);
    r.id = s.text_col(1);
    r.kiosk_id = s.text_col(2);
    r.survey_id = s.text_col(3);
    r.survey_version = static_cast<int>(s.int_col(4));
    r.location = s.opt_text_col(5).value_or("");
    r.language = s.text_col(6);
    r.district = s.opt_text_col(7);
    Json answers = Json::parse(s.text_col(8));  // keys in name order; exports reorder by survey
    for (auto& [k, v] : answers.items()) r.answers.emplace_back(k, v);
    r.started_at = s.text_col(9);
    r.submitted_at = s.text_col(10);
    r.flags = Json::parse(s.text_col(11)).get<std::vector<std::string>>();
    return r;
}

std::vector<Response> ResponseStore::all_responses() {
    std::vector<Response> out;
    auto s = db_->prepare(std::string("SELECT ") + kResponseColumns + " FROM responses ORDER BY seq");
    while (s.step()) out.push_back(read_response(s));
    return out;
}

StoreStatus ResponseStore::status() {
    StoreStatus st;
    auto count = [&](const std::string& sql) {
        auto s = db_->prepare(sql);
        s.step();
        return s.int_col(0);
    };
    st.responses = count("SELECT count(*) FROM responses");
    st.synthetic = count("SELECT count(*) FROM responses WHERE flags LIKE '%\"synthetic\"%'");
    st.unsent = count("SELECT count(*) FROM outbox WHERE rejected_at IS NULL");
    st.sessions_started = count("SELECT count(*) FROM session_events WHERE kind='started' AND synthetic=0");
    st.sessions_completed = count("SELECT count(*) FROM session_events WHERE kind='completed' AND synthetic=0");
    st.sessions_abandoned = count("SELECT count(*) FROM session_events WHERE kind='abandoned' AND synthetic=0");
    st.synthetic_sessions = count("SELECT count(*) FROM session_events WHERE kind='started' AND synthetic=1");
    auto s = db_->prepare(
        "SELECT step, count(*) FROM session_events WHERE kind='abandoned' AND synthetic=0 GROUP BY step ORDER BY 2 DESC");
    while (s.step()) st.abandoned_at[s.text_col(0)] = s.int_col(1);
    auto range = db_->prepare("SELECT min(submitted_at), max(submitted_at) FROM responses WHERE flags NOT LIKE '%\"synthetic\"%'");
    range.step();
    st.first_submitted_at = range.text_col(0);
    st.last_submitted_at = range.text_col(1);
    return st;
}

}  // namespace lkp
