#include "sync_engine.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/config.h"
#include "protocol/heartbeat.h"

namespace lkp::sync {

namespace {

// The problem+json "detail" when there is one, else the start of whatever came back.
std::string detail_of(const HttpReply& reply) {
    Json j = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.contains("detail") && j["detail"].is_string()) return j["detail"].get<std::string>();
    return reply.body.substr(0, 200);
}

std::optional<std::int64_t> free_disk_bytes(const std::string& dir) {
    struct statvfs fs {};
    if (statvfs(dir.c_str(), &fs) != 0) return std::nullopt;
    return static_cast<std::int64_t>(fs.f_bavail) * static_cast<std::int64_t>(fs.f_frsize);
}

}  // namespace

SyncSettings SyncSettings::from_config(const KioskConfig& c, const std::string& data_dir, const std::string& version) {
    SyncSettings s;
    s.data_dir = data_dir;
    s.kiosk_id = c.kiosk_id;
    s.program_version = version;
    s.store_url = c.store_url;
    s.token_file = c.token_file;
    s.tls = {c.ca_bundle, c.pinned_public_key};
    s.batch_size = static_cast<std::size_t>(c.sync_batch_size);
    s.connect_timeout = std::chrono::seconds(c.sync_connect_timeout_seconds);
    s.timeout = std::chrono::seconds(c.sync_timeout_seconds);
    s.backoff_cap = std::chrono::seconds(c.sync_backoff_cap_seconds);
    return s;
}

SyncEngine::SyncEngine(SyncSettings settings, const std::atomic<bool>* abort)
    : settings_(std::move(settings)),
      store_(ResponseStore::open(settings_.data_dir)),
      outbox_(store_),
      uploader_(settings_.store_url, settings_.tls, settings_.connect_timeout, settings_.timeout, abort),
      batch_size_(std::clamp<std::size_t>(settings_.batch_size, 1, kMaxBatchItems)),
      rng_(std::random_device{}()) {
    // This connection only keeps sync bookkeeping (the batch in flight, which rows left the outbox).
    // A power cut may undo its last commit, and that is safe: the answers go again and the store
    // calls them duplicates. It saves two disk flushes per batch. Answers themselves are committed
    // by the kiosk's own connection with synchronous=FULL.
    store_.database().exec("PRAGMA synchronous = NORMAL");
}

std::optional<std::string> SyncEngine::read_token(std::string& error) {
    std::ifstream in(settings_.token_file);
    if (!in) {
        error = "cannot read the token file " + settings_.token_file;
        return std::nullopt;
    }
    std::string token;
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (token.empty()) error = "the token file " + settings_.token_file + " is empty";
    return token.empty() ? std::nullopt : std::optional(token);
}

Attempt SyncEngine::fail(Attempt::Outcome outcome, const std::string& error,
                         std::optional<std::chrono::seconds> retry_after) {
    outbox_.record_error(error);
    return {outcome, {}, error, retry_after};
}

// The saved batch in flight, else the prefetched one, else a new one; saved before it is sent.
std::optional<PendingBatch> SyncEngine::next_batch() {
    std::optional<PendingBatch> prefetched;
    if (prefetch_.valid()) prefetched = prefetch_.get();
    if (auto saved = outbox_.saved()) return saved;
    auto batch = prefetched && prefetched->ids.size() <= batch_size_ ? std::move(prefetched) : outbox_.build(batch_size_);
    if (batch) outbox_.save(*batch);
    return batch;
}

Attempt SyncEngine::send_next() {
    auto batch = next_batch();
    if (!batch) return {};
    std::string error;
    auto token = read_token(error);
    if (!token) return fail(Attempt::Outcome::TokenRefused, error);

    outbox_.count_attempt();
    prefetch_ = std::async(std::launch::async, [this, after = batch->seqs.back()] { return outbox_.build(batch_size_, after); });
    HttpReply reply = uploader_.post(kBatchPath, batch->body,
                                     {"Authorization: Bearer " + *token, "Idempotency-Key: " + batch->key,
                                      "Content-Type: application/json", "Content-Encoding: gzip"});
    // The prefetch reads the same connection: let it finish before this thread writes again.
    prefetch_.wait();
    const std::string where = "the store at " + settings_.store_url;
    if (reply.status == 0) return fail(Attempt::Outcome::RetryLater, "cannot reach " + where + ": " + reply.error);

    if (reply.status == 200) {
        // A 200 counts only as the store's own envelope: captive portals and proxies answer 200 too.
        if (reply.content_type.rfind("application/json", 0) != 0)
            return fail(Attempt::Outcome::RetryLater,
                        where + " answered 200 with " + (reply.content_type.empty() ? "no content type" : reply.content_type) +
                            ", not the store's answer (a captive portal or a proxy's login page?)");
        try {
            auto results = parse_results(reply.body, batch->ids);
            return {Attempt::Outcome::Delivered, outbox_.apply(*batch, results), {}, {}};
        } catch (const std::runtime_error& e) {
            return fail(Attempt::Outcome::RetryLater, where + " answered 200 but " + e.what());
        }
    }
    std::string status = "HTTP " + std::to_string(reply.status);
    if (reply.status == 401 || reply.status == 403)
        return fail(Attempt::Outcome::TokenRefused,
                    where + " refused the token in " + settings_.token_file + " (" + status + "): " + detail_of(reply));
    if (reply.status == 413 && batch->ids.size() > 1) {
        outbox_.drop_pending();
        batch_size_ = std::max<std::size_t>(1, batch->ids.size() / 2);
        return {Attempt::Outcome::Split, {}, where + " found the batch too large; sending " + std::to_string(batch_size_) + " at a time", {}};
    }
    if (reply.status == 429 || reply.status >= 500 || reply.status < 400)
        return fail(Attempt::Outcome::RetryLater, where + " answered " + status + ": " + detail_of(reply), reply.retry_after);
    // 400, 415, 422, a one-item 413...: sending the same bytes again would get the same answer.
    std::string reason = where + " refused the batch (" + status + "): " + detail_of(reply);
    outbox_.reject_all(*batch, "refused", reason);
    return {Attempt::Outcome::BatchRefused, {}, reason, {}};
}

bool SyncEngine::send_heartbeat() {
    std::string error;
    auto token = read_token(error);
    if (!token) return false;
    OutboxStatus st = outbox_.status();
    Heartbeat h{settings_.kiosk_id, settings_.program_version, st.unsent, st.rejected, st.oldest_unsent_age_s,
                free_disk_bytes(settings_.data_dir), st.last_round_failed() ? st.last_error.substr(0, 1000) : "",
                format_utc(std::chrono::system_clock::now())};
    HttpReply reply = uploader_.post(kHeartbeatPath, encode_heartbeat(h),
                                     {"Authorization: Bearer " + *token, "Content-Type: application/json"});
    return reply.status == 204;
}

std::chrono::milliseconds SyncEngine::backoff(int failures, std::optional<std::chrono::seconds> retry_after) {
    using std::chrono::milliseconds;
    milliseconds cap = settings_.backoff_cap;
    milliseconds ceiling = settings_.backoff_base * (1LL << std::min(failures, 20));
    ceiling = std::min(ceiling, cap);
    milliseconds wait(std::uniform_int_distribution<std::int64_t>(0, ceiling.count())(rng_));
    if (retry_after) wait = std::max<milliseconds>(wait, *retry_after);
    return wait;
}

}  // namespace lkp::sync
