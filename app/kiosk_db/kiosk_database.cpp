#include "kiosk_database.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "record/response_codec.h"
#include "record/utc.h"
#include "record/uuid.h"
#include "sqlite/database.h"

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
    // 4: what staff did at the kiosk (staff mode) and every wrong PIN, which also times the lock-out.
    R"sql(
    CREATE TABLE staff_audit (
        id     INTEGER PRIMARY KEY,
        at     TEXT NOT NULL,                 -- UTC
        action TEXT NOT NULL,                 -- e.g. pin_wrong, pin_right, export, test_mode_on
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX staff_audit_action ON staff_audit(action, id);
    )sql",
    // 5: the database's own random id (issue 14, part 3). A view, so that it lives in the schema,
    // on page 1 while the schema fits there: page 1 is in nearly every WAL (it changes whenever the
    // file grows), so a WAL from another database shows that database's id (foreign_wal_problem).
    R"sql(
    CREATE VIEW kiosk_identity AS SELECT '{database_id}' AS database_id;
    )sql",
};
static_assert(std::size(kMigrations) == kKioskSchemaVersion, "one migration per schema version");

}  // namespace

namespace {

// "responses.seq, id, kiosk_id, ...": the codec's columns, qualified where a join would be ambiguous.
std::string response_columns() {
    std::string out;
    for (const auto& c : record::row_columns()) out += (out.empty() ? "" : ", ") + (c == "seq" ? "responses." + c : c);
    return out;
}

Response read_response(const Statement& s) {
    record::Row row;
    for (int i = 0; i < static_cast<int>(record::row_columns().size()); ++i) row.push_back(s.opt_text_col(i));
    return record::from_row(row);
}

// Thrown by open_file for a file SQLite calls corrupt or no database; open_or_recover moves such
// a file aside, any other refusal (another program's file, a newer schema) stays a refusal.
class CorruptFile : public DatabaseError {
  public:
    CorruptFile(const std::string& what, std::string detail) : DatabaseError(what), detail_(std::move(detail)) {}
    const std::string& detail() const { return detail_; }

  private:
    std::string detail_;
};

// The quarantine name of a corrupt database: DIR/responses.sqlite.corrupt-20261130T164500Z. Its
// WAL keeps SQLite's own naming beside it (...Z-wal), so the pair opens together for a person too.
// A name already taken (a second damage within the second) takes the next second: never overwritten.
std::string quarantine_name(const std::string& path, std::chrono::system_clock::time_point now) {
    for (;; now += std::chrono::seconds(1)) {
        std::string stamp;
        for (char c : format_utc(now).substr(0, 19))
            if (c != '-' && c != ':') stamp += c;
        std::string name = path + ".corrupt-" + stamp + "Z";
        std::error_code ec;
        if (!std::filesystem::exists(name, ec) && !std::filesystem::exists(name + "-wal", ec)) return name;
    }
}

// A path as a "file:" URI, for SQLite's URI parameters ("immutable=1"): %, ? and # escaped.
std::string file_uri(const std::string& path, const std::string& query) {
    std::string out = "file:";
    for (char c : path) {
        if (c == '%')
            out += "%25";
        else if (c == '?')
            out += "%3f";
        else if (c == '#')
            out += "%23";
        else
            out += c;
    }
    return out + "?" + query;
}

// The database's id (migration 5) as the connection `uri` sees it: "" when it has none (made
// before the id, or not ours), nullopt when it cannot be read at all. Read-only, and closing does
// not checkpoint: this look writes nothing into the file.
std::optional<std::string> identity_of(const std::string& uri) {
    try {
        Database db(uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
        sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        auto has = db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'view' AND name = 'kiosk_identity'");
        has.step();
        if (has.int_col(0) == 0) return std::string();
        auto id = db.prepare("SELECT database_id FROM kiosk_identity");
        return id.step() ? id.text_col(0) : std::string();
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// Why the WAL beside `path` is not the file's own, or "" when it is or it cannot be told. The id
// of the file alone (immutable=1: SQLite reads no WAL) against the id with the WAL applied: a
// WAL carrying another database's page 1 shows another id, or none. A file whose id is not yet in
// the file itself (made before the id) cannot be told; a view SQLite cannot read is left to
// quick_check.
std::string foreign_wal_problem(const std::string& path) {
    std::error_code ec;
    auto wal_size = std::filesystem::file_size(path + "-wal", ec);
    if (ec || wal_size == 0) return "";
    auto alone = identity_of(file_uri(path, "immutable=1"));
    if (!alone || alone->empty()) return "";
    auto with_wal = identity_of(file_uri(path, "mode=ro"));
    if (!with_wal || *with_wal == *alone) return "";
    return "its WAL belongs to another database (the file is database " + *alone + ", with the WAL it reads as " +
           (with_wal->empty() ? std::string("one without an LKP id") : "database " + *with_wal) + ")";
}

// A file cut short is refused whole by SQLite ("malformed" at the first read), while the same file
// with the missing pages as zeros gives back every row before the cut: so the reading copy is
// padded to the size its header says (bytes 16-17 page size, 28-31 pages; big-endian).
void pad_to_header_size(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char h[32] = {};
    if (!in.read(reinterpret_cast<char*>(h), sizeof h)) return;
    std::uintmax_t page = (static_cast<std::uintmax_t>(h[16]) << 8) | h[17];
    if (page == 1) page = 65536;
    std::uintmax_t pages = (static_cast<std::uintmax_t>(h[28]) << 24) | (static_cast<std::uintmax_t>(h[29]) << 16) |
                           (static_cast<std::uintmax_t>(h[30]) << 8) | h[31];
    std::error_code ec;
    std::uintmax_t size = std::filesystem::file_size(path, ec);
    // At most 1 GiB of zeros: a header that claims more is itself damage.
    if (!ec && page >= 512 && pages * page > size && pages * page <= (1ull << 30))
        std::filesystem::resize_file(path, pages * page, ec);
}

// Every answer still readable from a corrupt file, in seq order: a scan while it reads, then the
// rest one seq at a time, so a damaged page costs the rows on it and not the ones after.
std::vector<Response> salvage_responses(const std::string& path, const std::string& columns,
                                        Response (*read)(const Statement&)) {
    std::vector<Response> out;
    try {
        Database db(path, SQLITE_OPEN_READWRITE);
        std::int64_t last = 0, max_seq = -1;
        try {
            auto s = db.prepare("SELECT max(seq) FROM responses");
            if (s.step()) max_seq = s.int_col(0);
        } catch (const std::exception&) {
        }
        try {
            auto s = db.prepare("SELECT " + columns + " FROM responses ORDER BY responses.seq");
            while (s.step()) {
                try {
                    Response r = read(s);
                    last = r.seq;
                    out.push_back(std::move(r));
                } catch (const std::exception&) {  // a row whose columns make no answer: skipped
                }
            }
        } catch (const std::exception&) {
        }
        // Where max() cannot be read, a bounded probe past the last row read.
        std::int64_t until = max_seq >= 0 ? max_seq : last + 100000;
        auto one = db.prepare("SELECT " + columns + " FROM responses WHERE responses.seq = ?");
        for (std::int64_t seq = last + 1; seq <= until; ++seq) {
            try {
                one.reset();
                one.bind(1, seq);
                if (one.step()) out.push_back(read(one));
            } catch (const std::exception&) {
            }
        }
    } catch (const std::exception&) {  // nothing readable at all (a garbage header): nothing to salvage
    }
    return out;
}

// "INSERT ... INTO responses" with every column of the codec but the first, seq, which this
// database assigns; `verb` is "INSERT" or "INSERT OR IGNORE".
std::string insert_response_sql(const std::string& verb) {
    const auto& columns = record::row_columns();
    std::string names, marks;
    for (std::size_t i = 1; i < columns.size(); ++i) {
        names += (i > 1 ? ", " : "") + columns[i];
        marks += i > 1 ? ", ?" : "?";
    }
    return verb + " INTO responses(" + names + ") VALUES (" + marks + ")";
}

// --- the burst rule ---

constexpr const char* kBurstFlag = "burst";

bool has_flag(const std::vector<std::string>& flags, const std::string& flag) {
    return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

// Answers every figure leaves out anyway (simulated ones, staff trying the survey) neither count
// towards a burst nor are flagged as one, and so are never held.
bool outside_burst_rule(const std::vector<std::string>& flags) {
    return has_flag(flags, "synthetic") || has_flag(flags, "test");
}
// The same in SQL, on the responses row: the real answers, also those staff mode counts.
const char* const kUnderBurstRule =
    "responses.flags NOT LIKE '%\"synthetic\"%' AND responses.flags NOT LIKE '%\"test\"%'";

// SQL: a stored time, with or without milliseconds, as milliseconds since 1970. julianday()'s
// double is off by a few microseconds at most, which the rounding removes.
std::string epoch_ms(const std::string& column) {
    return "CAST(round((julianday(" + column + ") - 2440587.5) * 86400000.0) AS INTEGER)";
}

std::int64_t epoch_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// SQL: the burst rule holds the outbox row: a real answer queued (given: queued_at is its
// submitted_at) after ?1, the window before now, and not after ?2, now. At exactly the window ago it goes.
std::string held_condition() {
    return std::string("(") + kUnderBurstRule + " AND " + epoch_ms("outbox.queued_at") + " > ?1 AND " +
           epoch_ms("outbox.queued_at") + " <= ?2)";
}

}  // namespace

void migrate_kiosk_database(Database& db, int from, int to) {
    for (int v = from + 1; v <= to; ++v) {
        Transaction t(db);
        std::string sql = kMigrations[v - 1];
        if (auto at = sql.find("{database_id}"); at != std::string::npos)
            sql.replace(at, std::strlen("{database_id}"), new_uuid_v4());
        db.exec(sql);
        db.exec("PRAGMA user_version = " + std::to_string(v));
        t.commit();
    }
}

KioskDatabase::KioskDatabase(std::unique_ptr<Database> db, Role role) : db_(std::move(db)), role_(role) {}
KioskDatabase::KioskDatabase(KioskDatabase&&) noexcept = default;
KioskDatabase& KioskDatabase::operator=(KioskDatabase&&) noexcept = default;
KioskDatabase::~KioskDatabase() = default;

const std::string& KioskDatabase::path() const { return db_->path(); }

void KioskDatabase::keep_files_as_found() {
    sqlite3_db_config(db_->handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

bool means_corrupt_database(const std::exception& e) {
    if (dynamic_cast<const CorruptFile*>(&e)) return true;
    auto* db = dynamic_cast<const DatabaseError*>(&e);
    if (!db) return false;
    int code = db->code() & 0xFF;
    return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
}

KioskDatabase::Durability KioskDatabase::durability() {
    auto mode = db_->prepare("PRAGMA journal_mode");
    mode.step();
    return {mode.text_col(0), db_->pragma_int("synchronous")};
}

KioskDatabase KioskDatabase::open(const std::string& data_dir, Role role) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) throw DatabaseError(data_dir + ": cannot create data directory: " + ec.message());
    return open_file(data_dir + "/" + kDatabaseFile, role);
}

std::optional<KioskDatabase> KioskDatabase::open_existing(const std::string& data_dir) {
    std::string path = data_dir + "/" + kDatabaseFile;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return open_file(path);
}

KioskDatabase KioskDatabase::open_or_recover(const std::string& data_dir, std::optional<Recovery>& recovery) {
    recovery.reset();
    Recovery r;
    // Before any read-write connection: closing one would checkpoint the foreign pages into the file.
    r.problem = foreign_wal_problem(data_dir + "/" + kDatabaseFile);
    r.foreign_wal = !r.problem.empty();
    if (!r.foreign_wal) {
        try {
            return open(data_dir);
        } catch (const CorruptFile& e) {
            r.problem = e.detail();
        }
    }
    KioskDatabase fresh = move_aside_and_start_afresh(data_dir, r);
    recovery = r;
    return fresh;
}

KioskDatabase KioskDatabase::recover(const std::string& data_dir, const std::string& problem, Recovery& recovery) {
    recovery = Recovery{};
    recovery.problem = problem;
    return move_aside_and_start_afresh(data_dir, recovery);
}

KioskDatabase KioskDatabase::move_aside_and_start_afresh(const std::string& data_dir, Recovery& r) {
    namespace fs = std::filesystem;
    const std::string path = data_dir + "/" + kDatabaseFile;
    r.quarantined = quarantine_name(path, std::chrono::system_clock::now());
    // Moved, never deleted: the file, its WAL (which may hold the newest answers) and its index.
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::error_code ec;
        if (fs::exists(path + suffix, ec)) fs::rename(path + suffix, r.quarantined + suffix, ec);
        if (ec) throw DatabaseError(path + suffix + ": corrupt, and cannot be moved aside: " + ec.message());
    }
    KioskDatabase fresh = open(data_dir);
    // Read from a copy: SQLite may write to what it opens (a WAL checkpoint), and the quarantined
    // pair stays exactly as it was found. First with the WAL (its newest answers), unless it is
    // another database's; then the file alone, for what a WAL not its own (one the id could not
    // tell) hid. An answer read twice goes in once.
    const std::string copy = r.quarantined + ".salvage";
    auto remove_copy = [&] {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(copy + suffix, ec);
    };
    auto salvage = [&](bool with_wal) {
        remove_copy();
        std::error_code ec;
        fs::copy_file(r.quarantined, copy, fs::copy_options::overwrite_existing, ec);
        if (!ec && with_wal) fs::copy_file(r.quarantined + "-wal", copy + "-wal", ec);
        if (ec) return;
        pad_to_header_size(copy);
        for (const Response& answer : salvage_responses(copy, response_columns(), &read_response))
            if (fresh.put_back(answer)) ++r.salvaged;
    };
    std::error_code ec;
    bool has_wal = fs::exists(r.quarantined + "-wal", ec);
    if (has_wal && !r.foreign_wal) salvage(true);
    salvage(false);
    remove_copy();
    return fresh;
}

std::vector<std::string> quarantined_databases(const std::string& data_dir) {
    std::vector<std::string> out;
    std::error_code ec;
    const std::string prefix = std::string(kDatabaseFile) + ".corrupt-";
    for (const auto& f : std::filesystem::directory_iterator(data_dir, ec)) {
        std::string name = f.path().filename().string();
        if (name.rfind(prefix, 0) == 0 && name.back() == 'Z') out.push_back(f.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool KioskDatabase::put_back(const Response& r) {
    static const std::string sql = insert_response_sql("INSERT OR IGNORE");
    record::Row row;
    try {
        row = record::to_row(r);
    } catch (const std::exception&) {
        return false;  // not an answer any more
    }
    Transaction t(*db_);
    auto insert = db_->prepare(sql);
    for (std::size_t i = 1; i < row.size(); ++i) insert.bind(static_cast<int>(i), row[i]);
    insert.run();
    if (sqlite3_changes(db_->handle()) == 0) return false;  // already here: never twice
    std::int64_t seq = sqlite3_last_insert_rowid(db_->handle());
    db_->prepare("INSERT INTO outbox(seq, queued_at) VALUES (?, ?)").bind(1, seq).bind(2, r.submitted_at).run();
    t.commit();
    return true;
}

KioskDatabase KioskDatabase::open_file(const std::string& path, Role role) {
    std::error_code no_wal;
    const bool has_wal = std::filesystem::file_size(path + "-wal", no_wal) > 0 && !no_wal;
    auto db = std::make_unique<Database>(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX);
    // A file refused below is closed as it was found: the last connection's close would otherwise
    // checkpoint its WAL into it. (Without a WAL, SQLite's close removes the empty one it made.)
    if (has_wal) sqlite3_db_config(db->handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);

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
        if (verdict != "ok") throw DatabaseError(path + ": the database is corrupt (" + verdict + ")");
    } catch (const DatabaseError& e) {
        std::string msg = e.what();
        if (msg.find("corrupt") != std::string::npos || msg.find("not a database") != std::string::npos ||
            msg.find("malformed") != std::string::npos)
            throw CorruptFile(path +
                                  ": the database is corrupt or not a database; it was left untouched. "
                                  "Move it aside (keep it for recovery) and start again. Detail: " +
                                  msg,
                              msg);
        throw;
    }
    if (tables > 0 && app_id != kApplicationId)
        throw DatabaseError(path + ": this SQLite file is not an LKP Kiosk database; it was left untouched");
    if (version > kKioskSchemaVersion)
        throw DatabaseError(path + ": the database has schema version " + std::to_string(version) +
                            ", written by a newer LKP Kiosk (this program knows up to " +
                            std::to_string(kKioskSchemaVersion) +
                            "); it was left untouched. Install the newer program.");

    db->exec("PRAGMA journal_mode = WAL");
    db->exec(role == Role::Kiosk ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    db->exec("PRAGMA foreign_keys = ON");
    if (tables == 0) db->exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    migrate_kiosk_database(*db, static_cast<int>(version), kKioskSchemaVersion);
    // The id into the file itself, where foreign_wal_problem reads it without the WAL. TRUNCATE
    // leaves the WAL empty, as it was before this step: with PASSIVE its pages stayed allocated,
    // and the next saves wrote into them even on a full disk, which hid the full disk from the
    // kiosk until those pages ran out (KioskE2E.AFullDisk... saw no failure at all).
    if (version < 5) db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_db_config(db->handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
    return KioskDatabase(std::move(db), role);
}

// --- answers and sessions --------------------------------------------------------------------

void KioskDatabase::record_event(const char* kind, const std::string& step, bool synthetic) {
    db_->prepare("INSERT INTO session_events(kind, step, at, synthetic) VALUES (?, ?, ?, ?)")
        .bind(1, std::string(kind))
        .bind(2, step.empty() ? std::optional<std::string>() : step)
        .bind(3, now_utc())
        .bind(4, std::int64_t{synthetic})
        .run();
}

void KioskDatabase::save(Response& r) {
    if (role_ != Role::Kiosk) throw std::logic_error("answers are saved only on the kiosk's durable connection");
    static const std::string sql = insert_response_sql("INSERT");
    Transaction t(*db_);
    Response stored = r;  // r is left as it was if the commit fails: the recorder tries it again
    if (flag_burst_before(stored) && !has_flag(stored.flags, kBurstFlag)) stored.flags.push_back(kBurstFlag);
    record::Row row = record::to_row(stored);
    auto insert = db_->prepare(sql);
    for (std::size_t i = 1; i < row.size(); ++i) insert.bind(static_cast<int>(i), row[i]);
    insert.run();
    std::int64_t seq = sqlite3_last_insert_rowid(db_->handle());
    db_->prepare("INSERT INTO outbox(seq, queued_at) VALUES (?, ?)").bind(1, seq).bind(2, r.submitted_at).run();
    record_event("completed", "", r.synthetic());
    t.commit();
    r.flags = std::move(stored.flags);
    r.seq = seq;
}

// Walks back from the newest answer while they are in the window: answers are saved in the order
// they are given (the recorder keeps it), so the first one given before the window ends the walk.
// A clock set back a little (an NTP step) is walked past; see below for one set back far.
// One already flagged was flagged with every answer of its own window, which holds the rest of
// this one: once the count is known, the walk stops there. So a save reads a few rows, also in the
// middle of a long burst.
bool KioskDatabase::flag_burst_before(const Response& r) {
    if (burst_.window.count() <= 0 || outside_burst_rule(r.flags)) return false;
    auto end = parse_utc(r.submitted_at);
    if (!end) return false;  // to_row() refuses it
    const auto start = *end - burst_.window;
    int count = 1;  // the new answer
    std::vector<std::pair<std::int64_t, std::vector<std::string>>> unflagged;
    {
        auto rows = db_->prepare("SELECT seq, submitted_at, flags FROM responses ORDER BY seq DESC");
        while (rows.step()) {
            auto given = parse_utc(rows.text_col(1));
            if (!given) continue;
            if (*given < start) break;
            if (*given > *end) {  // given "after" it: the clock was set back since
                // By more than a window (a PC whose clock started at 2000-01-01): what was saved
                // before is of another time, and the walk need not read the whole table.
                if (*given > *end + burst_.window) break;
                continue;
            }
            std::vector<std::string> flags = record::flags_of(rows.text_col(2));
            if (outside_burst_rule(flags)) continue;
            ++count;
            if (!has_flag(flags, kBurstFlag))
                unflagged.emplace_back(rows.int_col(0), std::move(flags));
            else if (count > burst_.limit)
                break;
        }
    }  // the reading statement ends before the rows are rewritten
    if (count <= burst_.limit) return false;
    auto update = db_->prepare("UPDATE responses SET flags = ? WHERE seq = ?");
    for (auto& [seq, flags] : unflagged) {
        flags.push_back(kBurstFlag);
        update.bind(1, Json(flags).dump()).bind(2, seq).run();
    }
    return true;
}

void KioskDatabase::record_started(bool synthetic) { record_event("started", "", synthetic); }

void KioskDatabase::record_abandoned(const std::string& step, bool synthetic) {
    record_event("abandoned", step, synthetic);
}

std::vector<Response> KioskDatabase::all_responses() {
    std::vector<Response> out;
    auto s = db_->prepare("SELECT " + response_columns() + " FROM responses ORDER BY seq");
    while (s.step()) out.push_back(read_response(s));
    return out;
}

KioskStatus KioskDatabase::status() {
    KioskStatus st;
    auto count = [&](const std::string& sql) {
        auto s = db_->prepare(sql);
        s.step();
        return s.int_col(0);
    };
    st.responses = count("SELECT count(*) FROM responses");
    st.synthetic = count("SELECT count(*) FROM responses WHERE flags LIKE '%\"synthetic\"%'");
    st.test = count("SELECT count(*) FROM responses WHERE flags LIKE '%\"test\"%'");
    SessionTotals sessions = session_totals();
    st.sessions_started = sessions.started;
    st.sessions_completed = sessions.completed;
    st.sessions_abandoned = sessions.abandoned;
    st.abandoned_at = std::move(sessions.abandoned_at);
    st.synthetic_sessions = count("SELECT count(*) FROM session_events WHERE kind='started' AND synthetic=1");
    auto range = db_->prepare(
        "SELECT min(submitted_at), max(submitted_at) FROM responses WHERE flags NOT LIKE '%\"synthetic\"%'");
    range.step();
    st.first_submitted_at = range.text_col(0);
    st.last_submitted_at = range.text_col(1);
    return st;
}

std::vector<DistrictCount> KioskDatabase::answers_by_district(const std::string& today_from_utc,
                                                              const std::string& week_from_utc) {
    std::vector<DistrictCount> out;
    auto s = db_->prepare(std::string("SELECT district, sum(submitted_at >= ?1), sum(submitted_at >= ?2), count(*) "
                                      "FROM responses WHERE ") +
                          kUnderBurstRule + " GROUP BY district ORDER BY count(*) DESC, district");
    s.bind(1, today_from_utc).bind(2, week_from_utc);
    while (s.step()) out.push_back({s.opt_text_col(0), s.int_col(1), s.int_col(2), s.int_col(3)});
    return out;
}

SessionTotals KioskDatabase::session_totals() {
    SessionTotals t;
    // One count per kind: each is a range of the index session_events_kind.
    auto count = [&](const char* kind) {
        auto s = db_->prepare("SELECT count(*) FROM session_events WHERE kind = ? AND synthetic = 0");
        s.bind(1, std::string(kind));
        s.step();
        return s.int_col(0);
    };
    t.started = count("started");
    t.completed = count("completed");
    t.abandoned = count("abandoned");
    auto s =
        db_->prepare("SELECT step, count(*) FROM session_events WHERE kind='abandoned' AND synthetic=0 GROUP BY step");
    while (s.step()) t.abandoned_at[s.text_col(0)] = s.int_col(1);
    return t;
}

// --- the outbox --------------------------------------------------------------------------------

std::optional<PendingBatch> KioskDatabase::saved_batch() {
    auto row = db_->prepare("SELECT idempotency_key, body, seqs, ids, attempts FROM sync_batch WHERE id = 1");
    if (!row.step()) return std::nullopt;
    return PendingBatch{row.text_col(0), row.blob_col(1), Json::parse(row.text_col(2)).get<std::vector<std::int64_t>>(),
                        Json::parse(row.text_col(3)).get<std::vector<std::string>>(), static_cast<int>(row.int_col(4))};
}

std::vector<Response> KioskDatabase::unsent(std::size_t max_items, std::int64_t after_seq, WallClock::time_point now) {
    auto rows = db_->prepare("SELECT " + response_columns() +
                             " FROM outbox JOIN responses USING (seq) WHERE outbox.rejected_at IS NULL AND seq > ?3 "
                             "AND NOT " +
                             held_condition() + " ORDER BY seq LIMIT ?4");
    // With no rule the held window is empty: (now, now].
    rows.bind(1, epoch_ms(now - burst_.window)).bind(2, epoch_ms(now));
    rows.bind(3, after_seq).bind(4, static_cast<std::int64_t>(max_items));
    std::vector<Response> out;
    while (rows.step()) out.push_back(read_response(rows));
    return out;
}

std::optional<KioskDatabase::WallClock::time_point> KioskDatabase::next_release(WallClock::time_point now) {
    if (burst_.window.count() <= 0) return std::nullopt;
    auto first = db_->prepare("SELECT min(" + epoch_ms("outbox.queued_at") +
                              ") FROM outbox JOIN responses USING (seq) WHERE outbox.rejected_at IS NULL AND " +
                              held_condition());
    first.bind(1, epoch_ms(now - burst_.window)).bind(2, epoch_ms(now));
    if (!first.step() || first.is_null(0)) return std::nullopt;
    return WallClock::time_point(std::chrono::milliseconds(first.int_col(0))) + burst_.window;
}

void KioskDatabase::save_batch(const PendingBatch& batch) {
    db_->prepare("INSERT INTO sync_batch (id, idempotency_key, body, seqs, ids, created_at) VALUES (1, ?, ?, ?, ?, ?)")
        .bind(1, batch.key)
        .bind_blob(2, batch.body)
        .bind(3, Json(batch.seqs).dump())
        .bind(4, Json(batch.ids).dump())
        .bind(5, now_utc())
        .run();
}

void KioskDatabase::count_attempt() { db_->exec("UPDATE sync_batch SET attempts = attempts + 1 WHERE id = 1"); }

void KioskDatabase::finish_batch(const PendingBatch& batch, const std::vector<ItemVerdict>& verdicts) {
    if (verdicts.size() != batch.seqs.size()) throw std::logic_error("one verdict per response of the batch");
    std::string now = now_utc();
    Transaction t(*db_);
    auto remove = db_->prepare("DELETE FROM outbox WHERE seq = ?");
    auto mark = db_->prepare(
        "UPDATE outbox SET rejected_at = ?, rejected_code = ?, rejected_field = ?, rejected_reason = ? WHERE seq = ?");
    for (std::size_t i = 0; i < verdicts.size(); ++i) {
        const ItemVerdict& v = verdicts[i];
        if (v.delivered) {
            remove.bind(1, batch.seqs[i]).run();
        } else {
            mark.bind(1, now).bind(2, v.code).bind(3, v.field).bind(4, v.reason).bind(5, batch.seqs[i]).run();
        }
    }
    db_->exec("DELETE FROM sync_batch WHERE id = 1");
    set_sync_state("last_success_at", now);
    t.commit();
}

void KioskDatabase::reject_batch(const PendingBatch& batch, const std::string& code, const std::string& reason) {
    std::string now = now_utc();
    Transaction t(*db_);
    auto mark = db_->prepare(
        "UPDATE outbox SET rejected_at = ?, rejected_code = ?, rejected_field = '', rejected_reason = ? WHERE seq = ?");
    for (auto seq : batch.seqs) mark.bind(1, now).bind(2, code).bind(3, reason).bind(4, seq).run();
    db_->exec("DELETE FROM sync_batch WHERE id = 1");
    set_sync_state("last_error", reason);
    set_sync_state("last_error_at", now);
    t.commit();
}

void KioskDatabase::drop_batch() { db_->exec("DELETE FROM sync_batch WHERE id = 1"); }

void KioskDatabase::record_sync_error(const std::string& message) {
    Transaction t(*db_);
    set_sync_state("last_error", message);
    set_sync_state("last_error_at", now_utc());
    t.commit();
}

std::int64_t KioskDatabase::requeue_rejected() {
    db_->exec(
        "UPDATE outbox SET rejected_at = NULL, rejected_code = NULL, rejected_field = NULL, rejected_reason = NULL "
        "WHERE rejected_at IS NOT NULL");
    return sqlite3_changes(db_->handle());
}

OutboxStatus KioskDatabase::outbox_status() {
    OutboxStatus st;
    auto counts = db_->prepare(
        "SELECT count(*) FILTER (WHERE rejected_at IS NULL), count(*) FILTER (WHERE rejected_at IS NOT NULL), "
        "min(queued_at) FILTER (WHERE rejected_at IS NULL) FROM outbox");
    counts.step();
    st.unsent = counts.int_col(0);
    st.rejected = counts.int_col(1);
    if (auto oldest = counts.opt_text_col(2)) {
        if (auto t = parse_utc(*oldest)) {
            auto age = std::chrono::system_clock::now() - *t;
            st.oldest_unsent_age_s =
                std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::seconds>(age).count());
        }
    }
    auto state = db_->prepare("SELECT key, value FROM sync_state");
    while (state.step()) {
        std::string key = state.text_col(0);
        if (key == "last_success_at")
            st.last_success_at = state.text_col(1);
        else if (key == "last_error")
            st.last_error = state.text_col(1);
        else if (key == "last_error_at")
            st.last_error_at = state.text_col(1);
    }
    return st;
}

std::vector<Rejection> KioskDatabase::rejections(int limit) {
    auto rows = db_->prepare(
        "SELECT rejected_code, rejected_field, rejected_reason, count(*) FROM outbox WHERE rejected_at IS NOT NULL "
        "GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3 LIMIT ?");
    rows.bind(1, std::int64_t{limit});
    std::vector<Rejection> out;
    while (rows.step()) out.push_back({rows.text_col(0), rows.text_col(1), rows.text_col(2), rows.int_col(3)});
    return out;
}

void KioskDatabase::set_sync_state(const std::string& key, const std::string& value) {
    db_->prepare(
           "INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(1, key)
        .bind(2, value)
        .run();
}

// --- staff mode's audit (the kiosk's thread) ---------------------------------------------------

void KioskDatabase::record_staff_action(const std::string& action, const std::string& detail) {
    db_->prepare("INSERT INTO staff_audit(at, action, detail) VALUES (?, ?, ?)")
        .bind(1, now_utc())
        .bind(2, action)
        .bind(3, detail)
        .run();
}

std::vector<StaffAuditEntry> KioskDatabase::staff_audit(int limit) {
    auto s = db_->prepare("SELECT at, action, detail FROM staff_audit ORDER BY id DESC LIMIT ?");
    s.bind(1, std::int64_t{limit});
    std::vector<StaffAuditEntry> out;
    while (s.step()) out.push_back({s.text_col(0), s.text_col(1), s.text_col(2)});
    return out;
}

std::vector<std::string> KioskDatabase::wrong_pins_since_right() {
    auto s = db_->prepare(
        "SELECT at FROM staff_audit WHERE action = 'pin_wrong' AND id > "
        "coalesce((SELECT max(id) FROM staff_audit WHERE action = 'pin_right'), 0) ORDER BY id");
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text_col(0));
    return out;
}

}  // namespace lkp
