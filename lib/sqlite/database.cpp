#include "database.h"

#include <cstring>

namespace lkp {

namespace {
// SQLite says "disk I/O error"; staff need to know the disk may be full. SQLite does not always
// keep errno (a short write, as at a full disk or a file-size limit, leaves it at 0).
std::string reason(sqlite3* db) {
    std::string msg = sqlite3_errmsg(db);
    int code = sqlite3_extended_errcode(db);
    if ((code & 0xFF) != SQLITE_IOERR && code != SQLITE_FULL) return msg;
    if (int e = sqlite3_system_errno(db); e != 0) msg += std::string(": ") + std::strerror(e);
    if (code == SQLITE_FULL || code == SQLITE_IOERR_WRITE || code == SQLITE_IOERR_FSYNC)
        msg += " (writing to disk failed: is the disk full?)";
    return msg;
}
}  // namespace

Database::Database(const std::string& path, int flags) : path_(path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw DatabaseError(path + ": cannot open database: " + msg, rc);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
}

Database::~Database() {
    if (db_) sqlite3_close_v2(db_);
}

void Database::fail(const std::string& what) {
    throw DatabaseError(path_ + ": " + what + ": " + reason(db_), sqlite3_extended_errcode(db_));
}

void Database::exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = reason(db_);
        sqlite3_free(err);
        throw DatabaseError(path_ + ": " + msg + " (in: " + sql.substr(0, 60) + ")", sqlite3_extended_errcode(db_));
    }
}

Statement Database::prepare(const std::string& sql) { return Statement(*this, sql); }

std::int64_t Database::pragma_int(const std::string& name) {
    Statement s(*this, "PRAGMA " + name);
    if (!s.step()) fail("PRAGMA " + name + " returned nothing");
    return s.int_col(0);
}

Statement::Statement(Database& db, const std::string& sql) : db_(&db) {
    if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &st_, nullptr) != SQLITE_OK)
        db.fail("cannot prepare \"" + sql.substr(0, 60) + "\"");
}

Statement::~Statement() { sqlite3_finalize(st_); }

Statement& Statement::bind(int i, const std::string& v) {
    if (sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        db_->fail("bind");
    return *this;
}
Statement& Statement::bind_blob(int i, const std::string& bytes) {
    if (sqlite3_bind_blob(st_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        db_->fail("bind");
    return *this;
}
Statement& Statement::bind(int i, std::int64_t v) {
    if (sqlite3_bind_int64(st_, i, v) != SQLITE_OK) db_->fail("bind");
    return *this;
}
Statement& Statement::bind(int i, double v) {
    if (sqlite3_bind_double(st_, i, v) != SQLITE_OK) db_->fail("bind");
    return *this;
}
Statement& Statement::bind(int i, const std::optional<std::string>& v) {
    if (v) return bind(i, *v);
    if (sqlite3_bind_null(st_, i) != SQLITE_OK) db_->fail("bind");
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_->fail(std::string("cannot run \"") + sqlite3_sql(st_) + "\"");
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
}

std::int64_t Statement::int_col(int i) const { return sqlite3_column_int64(st_, i); }
double Statement::double_col(int i) const { return sqlite3_column_double(st_, i); }
bool Statement::is_null(int i) const { return sqlite3_column_type(st_, i) == SQLITE_NULL; }
std::string Statement::text_col(int i) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, i))) : std::string();
}
std::string Statement::blob_col(int i) const {
    auto p = static_cast<const char*>(sqlite3_column_blob(st_, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, i))) : std::string();
}
std::optional<std::string> Statement::opt_text_col(int i) const {
    if (sqlite3_column_type(st_, i) == SQLITE_NULL) return std::nullopt;
    return text_col(i);
}

std::optional<std::string_view> Statement::text_view_col(int i) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));  // before _bytes, as SQLite asks
    if (!text) return std::nullopt;
    return std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(st_, i)));
}

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
Transaction::~Transaction() {
    if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}
void Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

}  // namespace lkp
