#pragma once
// A thin RAII layer over the SQLite C API: one connection, prepared statements, transactions.
// Every failure throws DatabaseError with SQLite's own message and the statement that failed.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lkp {

class DatabaseError : public std::runtime_error {
  public:
    explicit DatabaseError(const std::string& what, int code = SQLITE_ERROR) : std::runtime_error(what), code_(code) {}
    // SQLite's extended result code when it failed. Kept here because a transaction's rollback,
    // run while the error unwinds, resets the connection's own error code to SQLITE_OK.
    int code() const { return code_; }

  private:
    int code_;
};

class Statement;

class Database {
  public:
    Database(const std::string& path, int flags);
    ~Database();
    Database(Database&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }
    Database& operator=(Database&&) = delete;
    Database(const Database&) = delete;

    void exec(const std::string& sql);
    Statement prepare(const std::string& sql);
    std::int64_t pragma_int(const std::string& name);
    const std::string& path() const { return path_; }
    sqlite3* handle() { return db_; }
    [[noreturn]] void fail(const std::string& what);

  private:
    sqlite3* db_ = nullptr;
    std::string path_;
};

class Statement {
  public:
    Statement(Database& db, const std::string& sql);
    ~Statement();
    Statement(Statement&& o) noexcept : db_(o.db_), st_(o.st_) { o.st_ = nullptr; }
    Statement(const Statement&) = delete;

    Statement& bind(int i, const std::string& v);
    Statement& bind(int i, std::int64_t v);
    Statement& bind(int i, double v);
    Statement& bind(int i, const std::optional<std::string>& v);
    Statement& bind_blob(int i, const std::string& bytes);
    bool step();  // true while a row is available
    void run();   // steps a statement that returns no rows
    void reset();

    std::int64_t int_col(int i) const;
    double double_col(int i) const;
    bool is_null(int i) const;
    std::string text_col(int i) const;
    std::optional<std::string> opt_text_col(int i) const;
    // The text in SQLite's own buffer, valid until the next step() or reset(); nullopt for NULL.
    std::optional<std::string_view> text_view_col(int i) const;
    std::string blob_col(int i) const;

  private:
    Database* db_;
    sqlite3_stmt* st_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back if destroyed before commit().
class Transaction {
  public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();

  private:
    Database& db_;
    bool done_ = false;
};

}  // namespace lkp
