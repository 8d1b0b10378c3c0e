#pragma once
// One step of the sync at a time: send the next batch and act on the store's answer. The kiosk's
// background thread (sync_client.h) and `lkp-kiosk sync` both drive this; neither knows HTTP.
#include <chrono>
#include <future>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "outbox.h"
#include "uploader.h"

namespace lkp {
struct KioskConfig;
}

namespace lkp::sync {

struct SyncSettings {
    std::string data_dir;
    std::string kiosk_id;
    std::string program_version;
    std::string store_url, token_file;
    TlsSettings tls;
    std::size_t batch_size = kDefaultBatchSize;
    std::chrono::seconds connect_timeout{10}, timeout{60}, backoff_cap{300};
    std::chrono::milliseconds backoff_base{1000};
    std::chrono::seconds heartbeat_every{300};

    static SyncSettings from_config(const KioskConfig& config, const std::string& data_dir,
                                    const std::string& program_version);
};

struct Attempt {
    enum class Outcome {
        NothingToSend,
        Delivered,      // the store answered for every item (some may be rejected)
        Split,          // 413: the batch is rebuilt smaller; go again at once
        RetryLater,     // no usable answer: network, timeout, 5xx, 429, captive portal
        TokenRefused,   // 401/403: wait long, re-read the token file
        BatchRefused,   // another 4xx: the batch's responses are marked rejected
    };
    Outcome outcome = Outcome::NothingToSend;
    Delivery delivery;
    std::string error;   // for people, also saved as the last error
    std::optional<std::chrono::seconds> retry_after;
};

class SyncEngine {
public:
    SyncEngine(SyncSettings settings, const std::atomic<bool>* abort = nullptr);

    Attempt send_next();
    // Best effort: a failed heartbeat is not an error of its own (the next batch will say why).
    bool send_heartbeat();
    OutboxStatus status() { return outbox_.status(); }
    std::int64_t requeue_rejected() { return outbox_.requeue_rejected(); }
    // Exponential backoff with full jitter after `failures` failures in a row; never shorter than
    // the store's Retry-After.
    std::chrono::milliseconds backoff(int failures, std::optional<std::chrono::seconds> retry_after);
    const SyncSettings& settings() const { return settings_; }

private:
    Attempt fail(Attempt::Outcome outcome, const std::string& error,
                 std::optional<std::chrono::seconds> retry_after = std::nullopt);
    std::optional<std::string> read_token(std::string& error);

    std::optional<PendingBatch> next_batch();

    SyncSettings settings_;
    ResponseStore store_;
    Outbox outbox_;
    Uploader uploader_;
    std::size_t batch_size_;
    std::mt19937_64 rng_;
    // The batch after the one in flight, built while the store works on that one: a drain then
    // keeps both the kiosk and the store busy instead of taking turns.
    std::future<std::optional<PendingBatch>> prefetch_;
};

}  // namespace lkp::sync
