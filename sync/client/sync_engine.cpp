#include "sync_engine.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "core/config.h"
#include "core/disk_space.h"
#include "gzip.h"
#include "protocol/batch.h"
#include "protocol/heartbeat.h"
#include "record/utc.h"
#include "record/uuid.h"

namespace lkp::sync {

namespace {

// The problem+json "detail" when there is one, else the start of whatever came back; control
// characters become spaces, since this ends up in logs and on staff's terminals.
std::string detail_of(const HttpReply& reply) {
    Json j = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    std::string text = j.is_object() && j.contains("detail") && j["detail"].is_string()
                           ? j["detail"].get<std::string>().substr(0, 500)
                           : reply.body.substr(0, 200);
    for (char& ch : text)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = ' ';
    return text;
}

// The media type alone, lower case: "Application/Problem+JSON; charset=utf-8" -> "application/problem+json".
std::string media_type(const std::string& content_type) {
    std::string type = content_type.substr(0, content_type.find(';'));
    type.erase(type.find_last_not_of(" \t") + 1);
    type.erase(0, type.find_first_not_of(" \t"));
    for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return type;
}

// Only the store itself can refuse a batch: its refusals are problem+json (RFC 9457) that repeat
// the HTTP status. A proxy, a firewall or a captive portal on the way answers 4xx too, with an
// HTML page or nothing; that says nothing about the answers.
bool is_store_refusal(const HttpReply& reply) {
    if (media_type(reply.content_type) != "application/problem+json") return false;
    Json j = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    return j.is_object() && j.contains("status") && j["status"].is_number_integer() &&
           j["status"].get<long>() == reply.status;
}

// The heartbeat reports room the way staff mode and `lkp-kiosk status` do (core/disk_space.h).
std::optional<std::int64_t> free_disk_bytes(const std::string& dir) {
    auto space = disk_space(dir);
    return space ? std::optional<std::int64_t>(space->free_bytes) : std::nullopt;
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
    s.burst = {c.burst_limit, std::chrono::seconds(c.burst_window_seconds)};
    return s;
}

SyncEngine::SyncEngine(SyncSettings settings, const std::atomic<bool>* abort)
    : settings_(std::move(settings)),
      db_(KioskDatabase::open(settings_.data_dir, KioskDatabase::Role::Sync)),
      uploader_(settings_.store_url, settings_.tls, settings_.connect_timeout, settings_.timeout, abort),
      batch_size_(std::clamp<std::size_t>(settings_.batch_size, 1, kMaxBatchItems)),
      rng_(std::random_device{}()) {
    db_.set_burst_rule(settings_.burst);
}

// A prefetch still running reads the database: let it finish before the database closes.
SyncEngine::~SyncEngine() {
    if (prefetch_.valid()) prefetch_.wait();
}

// Read afresh for every request: staff may replace the file while the kiosk runs. A file other
// users can read (or change) is not used: its token may be known to someone else, and a kiosk
// sending it would look like it ran fine. The answers wait, and the last error says how to fix it.
std::optional<std::string> SyncEngine::read_token(std::string& error) {
    const std::string& file = settings_.token_file;
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = "cannot read the token file " + file + ": " + std::strerror(errno);
        return std::nullopt;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        error = "the token file " + file + " is open to other users (mode " + mode +
                "), so its token is not used; make it private: chmod 600 " + file;
        ::close(fd);
        return std::nullopt;
    }
    std::string text;
    char buf[4096];
    for (ssize_t n; text.size() < 65536 && (n = ::read(fd, buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    std::string token = text.substr(0, text.find('\n'));
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (token.empty()) error = "the token file " + file + " is empty";
    return token.empty() ? std::nullopt : std::optional(token);
}

Attempt SyncEngine::fail(Attempt::Outcome outcome, const std::string& error,
                         std::optional<std::chrono::seconds> retry_after) {
    db_.record_sync_error(error);
    return {outcome, {}, error, retry_after};
}

// The oldest waiting answers after `after_seq`, encoded and gzip'ed under a new key; not saved.
std::optional<PendingBatch> SyncEngine::build_batch(std::size_t max_items, std::int64_t after_seq) {
    std::vector<Response> responses = db_.unsent(max_items, after_seq);
    if (responses.empty()) return std::nullopt;
    PendingBatch batch{new_uuid_v4(), gzip(encode_batch(responses)), {}, {}, 0};
    for (const auto& r : responses) {
        batch.seqs.push_back(r.seq);
        batch.ids.push_back(r.id);
    }
    return batch;
}

// The saved batch in flight, else the prefetched one (unless a 413 made batches smaller since),
// else a new one; saved before it is sent.
std::optional<PendingBatch> SyncEngine::next_batch() {
    std::optional<PendingBatch> prefetched;
    if (prefetch_.valid()) prefetched = prefetch_.get();
    if (auto saved = db_.saved_batch()) return saved;
    auto batch =
        prefetched && prefetched->ids.size() <= batch_size_ ? std::move(prefetched) : build_batch(batch_size_, 0);
    if (batch) db_.save_batch(*batch);
    return batch;
}

Delivery SyncEngine::finish(const PendingBatch& batch, const std::string& reply_body) {
    std::vector<ItemResult> results = parse_results(reply_body, batch.ids);
    std::vector<ItemVerdict> verdicts;
    Delivery d;
    for (const ItemResult& r : results) {
        verdicts.push_back({r.delivered(), r.code, r.field, r.reason});
        ++(r.status == ItemResult::Status::Created     ? d.created
           : r.status == ItemResult::Status::Duplicate ? d.duplicate
                                                       : d.rejected);
    }
    db_.finish_batch(batch, verdicts);
    return d;
}

Attempt SyncEngine::send_next() {
    auto batch = next_batch();
    if (!batch) return {};
    std::string error;
    auto token = read_token(error);
    if (!token) return fail(Attempt::Outcome::TokenRefused, error);

    db_.count_attempt();
    prefetch_ =
        std::async(std::launch::async, [this, after = batch->seqs.back()] { return build_batch(batch_size_, after); });
    // The kiosk's clock now, at each attempt (the saved body cannot carry it): the store judges the
    // clock by it and keeps the answers of a wrong one, flagged (batch.h: BatchClock).
    HttpReply reply = uploader_.post(
        kBatchPath, batch->body,
        {"Authorization: Bearer " + *token, "Idempotency-Key: " + batch->key, "Content-Type: application/json",
         "Content-Encoding: gzip", std::string(kSentAtHeader) + ": " + format_utc(std::chrono::system_clock::now())});
    // The prefetch reads the same connection: let it finish before this thread writes again.
    prefetch_.wait();
    const std::string where = "the store at " + settings_.store_url;
    if (reply.status == 0) return fail(Attempt::Outcome::RetryLater, "cannot reach " + where + ": " + reply.error);

    if (reply.status == 200) {
        // A 200 counts only as the store's own envelope: captive portals and proxies answer 200 too.
        if (reply.content_type.rfind("application/json", 0) != 0)
            return fail(Attempt::Outcome::RetryLater,
                        where + " answered 200 with " +
                            (reply.content_type.empty() ? "no content type" : reply.content_type) +
                            ", not the store's answer (a captive portal or a proxy's login page?)");
        try {
            return {Attempt::Outcome::Delivered, finish(*batch, reply.body), {}, {}};
        } catch (const std::runtime_error& e) {
            return fail(Attempt::Outcome::RetryLater, where + " answered 200 but " + e.what());
        }
    }
    std::string status = "HTTP " + std::to_string(reply.status);
    if (reply.status == 401 || reply.status == 403)
        return fail(Attempt::Outcome::TokenRefused,
                    where + " refused the token in " + settings_.token_file + " (" + status + "): " + detail_of(reply));
    if (reply.status == 413 && batch->ids.size() > 1) {
        db_.drop_batch();
        batch_size_ = std::max<std::size_t>(1, batch->ids.size() / 2);
        return {Attempt::Outcome::Split,
                {},
                where + " found the batch too large; sending " + std::to_string(batch_size_) + " at a time",
                {}};
    }
    if (reply.status == 429 || reply.status >= 500 || reply.status < 400)
        return fail(Attempt::Outcome::RetryLater, where + " answered " + status + ": " + detail_of(reply),
                    reply.retry_after);
    if (!is_store_refusal(reply))
        return fail(Attempt::Outcome::RetryLater,
                    where + " answered " + status + " with " +
                        (reply.content_type.empty() ? "no content type" : media_type(reply.content_type)) +
                        ", not the store's own refusal (a proxy or a firewall on the way?); nothing is marked "
                        "rejected, trying again later: " +
                        detail_of(reply),
                    reply.retry_after);
    // The store's 400, 415, 422, a one-item 413...: sending the same bytes again would get the same answer.
    std::string reason = where + " refused the batch (" + status + "): " + detail_of(reply);
    db_.reject_batch(*batch, "refused", reason);
    return {Attempt::Outcome::BatchRefused, {}, reason, {}};
}

bool SyncEngine::send_heartbeat() {
    std::string error;
    auto token = read_token(error);
    if (!token) {  // said even when no answer waits, so that status shows why the kiosk is silent
        db_.record_sync_error(error);
        return false;
    }
    OutboxStatus st = db_.outbox_status();
    Heartbeat h{settings_.kiosk_id,
                settings_.program_version,
                st.unsent,
                st.rejected,
                st.oldest_unsent_age_s,
                free_disk_bytes(settings_.data_dir),
                st.last_round_failed() ? st.last_error : "",
                format_utc(std::chrono::system_clock::now())};
    SessionTotals sessions = db_.session_totals();
    h.sessions = SessionCounts{sessions.started, sessions.completed, sessions.abandoned, sessions.abandoned_at};
    for (const Rejection& r : db_.rejections(static_cast<int>(kMaxRejectedReasons)))
        h.rejected_reasons.push_back({r.code, r.field, r.reason, r.count});
    // Counted afresh each time: the kiosk may have moved one aside since, or staff removed them.
    h.quarantined_databases = static_cast<std::int64_t>(quarantined_databases(settings_.data_dir).size());
    fit_to_limits(h);
    HttpReply reply = uploader_.post(kHeartbeatPath, encode_heartbeat(h),
                                     {"Authorization: Bearer " + *token, "Content-Type: application/json"});
    return reply.status == 204;
}

// Zero when no answer is held; else at least a millisecond, so that a sleep until then is one.
std::chrono::milliseconds SyncEngine::until_next_release() {
    auto now = std::chrono::system_clock::now();
    auto due = db_.next_release(now);
    if (!due) return std::chrono::milliseconds(0);
    return std::max(std::chrono::milliseconds(1), std::chrono::ceil<std::chrono::milliseconds>(*due - now));
}

Pace SyncEngine::pace(const Attempt& a) {
    using O = Attempt::Outcome;
    switch (a.outcome) {
        case O::Delivered:
        case O::Split:
        case O::BatchRefused:
            failures_ = 0;
            return {Pace::Next::Now, {}};
        case O::NothingToSend:
            failures_ = 0;
            return {Pace::Next::Idle, until_next_release()};
        case O::TokenRefused:
            ++failures_;
            return {Pace::Next::Wait, settings_.backoff_cap};
        case O::RetryLater:
            break;
    }
    using std::chrono::milliseconds;
    milliseconds ceiling =
        std::min<milliseconds>(settings_.backoff_base * (1LL << std::min(failures_++, 20)), settings_.backoff_cap);
    milliseconds wait(std::uniform_int_distribution<std::int64_t>(0, ceiling.count())(rng_));
    if (a.retry_after) wait = std::max<milliseconds>(wait, *a.retry_after);
    return {Pace::Next::Wait, wait};
}

}  // namespace lkp::sync
