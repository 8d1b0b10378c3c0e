#pragma once
// The kiosk's local store: every completed response, committed durably (WAL, synchronous=FULL)
// before the resident sees "thank you", with an outbox entry for the sync client in the same
// transaction. Session counts (started, completed, abandoned and where) give the response rate.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../core/response.h"
#include "sqlite.h"

namespace lkp {

inline constexpr int kSchemaVersion = 3;
inline constexpr const char* kDatabaseFile = "responses.sqlite";

struct StoreStatus {
    std::int64_t responses = 0;          // stored responses, synthetic included
    std::int64_t synthetic = 0;
    std::int64_t unsent = 0;             // still in the outbox
    std::int64_t sessions_started = 0;   // real (non-synthetic) sessions only
    std::int64_t sessions_completed = 0;
    std::int64_t sessions_abandoned = 0;
    std::map<std::string, std::int64_t> abandoned_at;  // step -> count
    std::int64_t synthetic_sessions = 0; // started by `simulate`; kept out of the response rate
    std::string first_submitted_at, last_submitted_at;
};

class ResponseStore {
public:
    // Opens (creating if needed) DIR/responses.sqlite. Throws StoreError, and writes nothing,
    // when the file is corrupt, is not an LKP Kiosk database, or is from a newer program.
    static ResponseStore open(const std::string& data_dir);
    static ResponseStore open_file(const std::string& db_path);

    // Commits the response, its outbox entry and a "completed" session event in one
    // transaction; sets r.seq. Returns only after the commit is durable.
    void save(Response& r);
    void record_started(bool synthetic);
    void record_abandoned(const std::string& step, bool synthetic);

    std::vector<Response> all_responses();
    StoreStatus status();
    const std::string& path() const { return db_->path(); }
    Database& database() { return *db_; }

private:
    explicit ResponseStore(std::unique_ptr<Database> db);
    void record_event(const char* kind, const std::string& step, bool synthetic);
    std::unique_ptr<Database> db_;
};

// The columns read_response() expects, for queries that select responses (the sync's outbox).
extern const char* const kResponseColumns;
Response read_response(Statement& row);

// Brings a database at user_version `from` up to `to` (each step in its own transaction).
// Exposed so tests can build a database at every earlier version.
void migrate(Database& db, int from, int to);

}  // namespace lkp
