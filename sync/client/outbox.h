#pragma once
// The sync's side of the kiosk's SQLite file: which answers go next, and what the store said
// about them. One rule (docs/sync-protocol.md): a response leaves the outbox only when the store
// answered created or duplicate for it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/batch.h"
#include "store/response_store.h"

namespace lkp::sync {

// The batch in flight, saved before its first send so that every retry, also after a power cut,
// sends the same bytes under the same Idempotency-Key.
struct PendingBatch {
    std::string key;
    std::string body;                 // gzip'ed JSON
    std::vector<std::int64_t> seqs;   // request order
    std::vector<std::string> ids;     // request order
    int attempts = 0;
};

struct OutboxStatus {
    std::int64_t unsent = 0;     // waiting to be sent (rejected ones not included)
    std::int64_t rejected = 0;   // refused by the store; kept, shown, not resent unchanged
    std::optional<std::int64_t> oldest_unsent_age_s;
    std::string last_success_at, last_error, last_error_at;
    bool last_round_failed() const { return !last_error_at.empty() && last_error_at > last_success_at; }
};

// Why the store refused answers, most frequent first, for `lkp-kiosk status`.
struct Rejection {
    std::string code, field, reason;
    std::int64_t count = 0;
};

struct Delivery {
    std::int64_t created = 0, duplicate = 0, rejected = 0;
};

class Outbox {
public:
    explicit Outbox(ResponseStore& store) : store_(store) {}

    // The saved batch, or a new one of the oldest waiting responses (saved before returning);
    // nullopt when nothing waits.
    std::optional<PendingBatch> pending(std::size_t max_items);
    // The parts of pending(): the batch saved earlier; a new batch of the oldest waiting responses
    // after `after_seq` (not saved: the sync builds the next one while the store works); saving it.
    std::optional<PendingBatch> saved();
    std::optional<PendingBatch> build(std::size_t max_items, std::int64_t after_seq = 0);
    void save(const PendingBatch& batch);
    void count_attempt();
    // One transaction: delivered rows leave the outbox, rejected ones are marked, the batch is done.
    Delivery apply(const PendingBatch& batch, const std::vector<ItemResult>& results);
    // The store refused the whole request (a 4xx other than 401/413/429): mark every response.
    void reject_all(const PendingBatch& batch, const std::string& code, const std::string& reason);
    void drop_pending();   // the store said 413: the next batch is built smaller
    void record_error(const std::string& message);
    // Puts rejected responses back in line, for staff once the cause is fixed at the store.
    std::int64_t requeue_rejected();
    OutboxStatus status();
    std::vector<Rejection> rejections(int limit = 5);

private:
    void set_state(const std::string& key, const std::string& value);
    ResponseStore& store_;
};

std::string gzip(const std::string& data);

}  // namespace lkp::sync
