#pragma once
// What lkp-store needs from its database, implemented for SQLite and PostgreSQL with the same
// semantics: one transaction per batch, a response row never changes once written.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

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

// A valid response of a batch, at its position in the request, with its columns as stored.
struct NewRow {
    std::size_t index;
    const Response* response;
    record::Row columns;       // record::row_columns(), as the codec writes them
    std::string content_hash;  // of every field sent: equal hashes = the same response
};
NewRow make_row(std::size_t index, const Response& r);

struct BatchRequest {
    std::string kiosk;
    std::string key;        // Idempotency-Key
    std::string body_hash;  // hex BLAKE2b of the (decompressed) body
    std::string received_at;
    std::vector<NewRow> rows;
    std::vector<sync::ItemResult> results;  // rejections already decided; rows' entries are filled in
};

struct BatchAnswer {
    std::string body;  // encode_results(), stored with the key so a replay is byte-identical
    bool replayed = false;
};

struct KioskInfo {
    std::string name, created_at;
    std::optional<std::string> revoked_at;
    std::optional<sync::Heartbeat> heartbeat;
    std::string heartbeat_received_at;
};

enum class KioskAdded { New, AgainAfterRevoke };

struct KioskCount {
    std::string kiosk;
    std::int64_t responses = 0;
};

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
    virtual std::vector<KioskInfo> kiosks() = 0;
    virtual std::vector<KioskCount> response_counts() = 0;
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
inline constexpr int kServerSchemaVersion = 3;

// How both backends store a row, built from the codec's column list so that a new field of the
// record needs only a migration: the authenticated kiosk, record::row_columns(), then what the
// store adds. insert_response_sql() numbers its placeholders "?1".. (SQLite) or "$1".. (PostgreSQL)
// in the order of stored_values(), and ends with ON CONFLICT (kiosk, id) DO NOTHING.
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

}  // namespace lkp::server
