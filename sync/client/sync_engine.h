#pragma once
// The sync's policy, one step at a time: send the next batch, act on the store's answer, and
// say how long to wait before the next step. The kiosk's background thread (sync_client.h) and
// `lkp-kiosk sync` both drive this; neither knows HTTP, and this knows no SQL: the kiosk's
// database (app/kiosk_db) keeps the outbox.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <optional>
#include <random>
#include <string>

#include "kiosk_db/kiosk_database.h"
#include "uploader.h"

namespace lkp {
struct KioskConfig;
}

namespace lkp::sync {

// Built from the kiosk's config (app/core/config.h keeps every default).
struct SyncSettings {
    std::string data_dir;
    std::string kiosk_id;
    std::string program_version;
    std::string store_url, token_file;
    TlsSettings tls;
    std::size_t batch_size = 0;
    std::chrono::seconds connect_timeout{}, timeout{}, backoff_cap{};
    std::chrono::milliseconds backoff_base{1000};
    std::chrono::seconds heartbeat_every{300};
    BurstRule burst;  // how long answers are held before they go (kiosk_db/kiosk_database.h)

    static SyncSettings from_config(const KioskConfig& config, const std::string& data_dir,
                                    const std::string& program_version);
};

// What the store did with the batch's answers.
struct Delivery {
    std::int64_t created = 0, duplicate = 0, rejected = 0;
};

struct Attempt {
    enum class Outcome {
        NothingToSend,
        Delivered,     // the store answered for every item (some may be rejected)
        Split,         // 413: the batch is rebuilt smaller; go again at once
        RetryLater,    // no usable answer: network, timeout, 5xx, 429, captive portal, a 4xx not from the store
        TokenRefused,  // 401/403, no token file or one others can read: wait long, re-read the token file
        BatchRefused,  // another 4xx, the store's own problem+json: the batch's responses are marked rejected
    };
    Outcome outcome = Outcome::NothingToSend;
    Delivery delivery;
    std::string error;  // for people, also saved as the last error
    std::optional<std::chrono::seconds> retry_after;
};

// What to do after an attempt; the same for the background thread and `lkp-kiosk sync`.
struct Pace {
    enum class Next {
        Now,  // more may wait: go on at once
        // Nothing to send now: sleep until a new answer is saved (or the next heartbeat), and when
        // `wait` is not zero, until the burst rule lets the first held answer go.
        Idle,
        Wait,  // something failed: wait `wait`, then try again
    };
    Next next = Next::Now;
    std::chrono::milliseconds wait{0};
};

class SyncEngine {
  public:
    explicit SyncEngine(SyncSettings settings, const std::atomic<bool>* abort = nullptr);
    ~SyncEngine();
    SyncEngine(const SyncEngine&) = delete;
    SyncEngine& operator=(const SyncEngine&) = delete;

    Attempt send_next();
    // Exponential backoff with full jitter after failures in a row, never shorter than the
    // store's Retry-After; a refused token waits the longest backoff. Counts the failures.
    Pace pace(const Attempt& a);
    int failures_in_a_row() const { return failures_; }
    // Best effort: a failed heartbeat is not an error of its own (the next batch will say why),
    // but a token file that cannot be used is recorded even when no answer waits.
    bool send_heartbeat();
    OutboxStatus status() { return db_.outbox_status(); }

  private:
    Attempt fail(Attempt::Outcome outcome, const std::string& error,
                 std::optional<std::chrono::seconds> retry_after = std::nullopt);
    std::optional<std::string> read_token(std::string& error);
    std::optional<PendingBatch> build_batch(std::size_t max_items, std::int64_t after_seq);
    std::optional<PendingBatch> next_batch();
    Delivery finish(const PendingBatch& batch, const std::string& reply_body);
    std::chrono::milliseconds until_next_release();

    SyncSettings settings_;
    KioskDatabase db_;
    Uploader uploader_;
    std::size_t batch_size_;
    int failures_ = 0;
    std::mt19937_64 rng_;
    // The batch after the one in flight, built while the store works on that one: a drain then
    // keeps both the kiosk and the store busy instead of taking turns.
    std::future<std::optional<PendingBatch>> prefetch_;
};

}  // namespace lkp::sync
