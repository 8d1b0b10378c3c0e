#include "api.h"

#include <algorithm>
#include <cstdio>

#include "indicator_api.h"
#include "protocol/safe_text.h"
#include "tokens.h"

namespace lkp::server {

namespace {

using Clock = std::chrono::system_clock;
using http::problem;
using http::Reply;
using http::Route;
constexpr std::size_t kMaxHeartbeatBytes = 64 * 1024;

// "application/json; charset=utf-8" is JSON too.
bool is_json(const std::string& content_type) {
    std::string media = http::lower_case(content_type.substr(0, content_type.find(';')));
    while (!media.empty() && media.back() == ' ') media.pop_back();
    return media == "application/json";
}

Route answer(Reply reply) {
    Route r;
    r.answer = std::move(reply);
    return r;
}

Reply with_header(Reply reply, std::string name, std::string value) {
    reply.headers.push_back({std::move(name), std::move(value)});
    return reply;
}

}  // namespace

std::optional<std::string> bearer_token(const http::RequestHead& head) {
    std::string auth = head.header("authorization");
    if (auth.size() > 7 && http::lower_case(auth.substr(0, 7)) == "bearer ") return auth.substr(7);
    return std::nullopt;
}

Reply storage_unavailable(const std::string& cause) {
    std::fprintf(stderr, "lkp-store: storage unavailable: %s\n", cause.c_str());
    return with_header(problem(503, "Storage unavailable", "the store cannot use its database now; retry later"),
                       "Retry-After", "5");
}

namespace {

// Storage problems are the client's cue to retry; anything else is a 500 that keeps us serving.
template <typename F>
Reply guarded(F&& handler) {
    try {
        return handler();
    } catch (const Unavailable& e) {
        return storage_unavailable(e.what());
    } catch (const KeyReused& e) {
        return problem(422, "Idempotency-Key reused", e.what());
    } catch (const sync::BatchError& e) {
        return problem(e.status(), e.title(), e.what());
    }
}

// Invalid items are rejected now; valid ones become rows for the backend to insert.
void decide(const sync::ParsedItem& item, std::size_t i, const sync::SurveyCatalog& catalog, BatchRequest& request) {
    sync::ItemResult& r = request.results[i];
    r.id = item.id;
    r.status = sync::ItemResult::Status::Rejected;
    r.code = "invalid";
    if (!item.response) {
        r.field = item.field;
        r.reason = item.reason;
    } else if (item.response->kiosk_id != request.kiosk) {
        r.field = "kiosk_id";
        r.reason = "not the kiosk of this token ('" + request.kiosk + "')";
    } else if (const Survey* survey = catalog.find(item.response->survey_id, item.response->survey_version)) {
        request.rows.push_back(make_row(i, *item.response, *survey, item.clock_off, request.received_at));
    } else {  // parse_batch rejects an unknown survey; kept so a change there cannot crash here
        r.field = "survey_id";
        r.reason = "unknown survey";
    }
}

}  // namespace

Api::Api(StoreBackend& backend, const sync::SurveyCatalog& catalog, KioskLimits limits, IndicatorApi* figures)
    : backend_(backend), catalog_(catalog), limits_(limits), figures_(figures) {}

// Unknown paths and wrong methods are answered before anything else is looked at.
Route Api::route(const http::RequestHead& head) {
    if (figures_)
        if (auto r = figures_->route(head)) return std::move(*r);
    const char* allowed = head.path == sync::kHealthPath                                       ? "GET"
                          : head.path == sync::kBatchPath || head.path == sync::kHeartbeatPath ? "POST"
                                                                                               : nullptr;
    if (!allowed) return answer(problem(404, "Not found", "no such resource"));
    if (head.method != allowed)
        return answer(
            with_header(problem(405, "Method not allowed", std::string("this resource accepts only ") + allowed),
                        "Allow", allowed));
    if (head.path == sync::kHealthPath) return health();
    if (head.path == sync::kBatchPath) return batch(head);
    return heartbeat(head);
}

Route Api::health() {
    return answer(guarded([&] {
        backend_.ping();
        return Reply{.status = 200,
                     .content_type = "application/json",
                     .body = Json{{"status", "ok"}, {"storage", backend_.kind()}}.dump()};
    }));
}

Api::Admission Api::admit(const http::RequestHead& head) {
    Admission a;
    std::optional<std::string> token = bearer_token(head), kiosk;
    if (token) {
        try {
            kiosk = backend_.kiosk_for_token(token_hash(*token));
        } catch (const Unavailable& e) {
            a.refusal = storage_unavailable(e.what());
            return a;
        }
    }
    if (!kiosk) {
        a.refusal = with_header(
            problem(401, "Unauthorized",
                    head.header("authorization").empty() ? "send the kiosk's token as Authorization: Bearer <token>"
                                                         : "the token is unknown or was revoked"),
            "WWW-Authenticate", "Bearer");
        return a;
    }
    a.kiosk = *kiosk;

    std::lock_guard lock(kiosks_mutex_);
    KioskState& k = kiosks_[*kiosk];
    auto now = std::chrono::steady_clock::now();
    if (k.refilled == std::chrono::steady_clock::time_point{}) k.tokens = limits_.burst;
    k.tokens = std::min(limits_.burst,
                        k.tokens + limits_.requests_per_s * std::chrono::duration<double>(now - k.refilled).count());
    k.refilled = now;
    if (k.in_flight >= limits_.in_flight || k.tokens < 1) {
        a.refusal = with_header(
            problem(429, "Too many requests",
                    k.in_flight >= limits_.in_flight ? "this kiosk already has " + std::to_string(k.in_flight) +
                                                           " requests in progress; send one at a time"
                                                     : "this kiosk sends too often; retry shortly"),
            "Retry-After", "1");
        return a;
    }
    k.tokens -= 1;
    ++k.in_flight;
    a.hold = std::shared_ptr<void>(nullptr, [this, name = *kiosk](void*) {
        std::lock_guard release(kiosks_mutex_);
        --kiosks_[name].in_flight;
    });
    return a;
}

Route Api::batch(const http::RequestHead& head) {
    Admission a = admit(head);
    if (a.refusal) return answer(std::move(*a.refusal));
    std::string key = head.header("idempotency-key");
    if (!is_uuid(key))
        return answer(problem(400, "Missing Idempotency-Key", "send a lowercase UUID as Idempotency-Key"));
    if (!is_json(head.header("content-type")))
        return answer(problem(415, "Unsupported Media Type", "a batch is sent as Content-Type: application/json"));
    // The kiosk's clock when it sent this request; absent (a kiosk of before issue 14): unknown.
    std::optional<Clock::time_point> sent_at;
    if (std::string text = head.header(http::lower_case(sync::kSentAtHeader)); !text.empty()) {
        sent_at = parse_utc(text);
        if (!sent_at)
            return answer(problem(400, "Bad Kiosk-Sent-At",
                                  std::string(sync::kSentAtHeader) + " " + sync::quote_input(text) +
                                      " is no UTC time (send it as 2026-11-22T10:16:00.000Z, or leave it out)"));
    }
    Route r;
    r.body_limit = sync::kMaxBodyBytes;
    r.hold = std::move(a.hold);
    r.log_note = "kiosk=" + a.kiosk;
    r.work = [this, kiosk = a.kiosk, key, sent_at](std::string body) { return store_batch(kiosk, key, body, sent_at); };
    return r;
}

Route Api::heartbeat(const http::RequestHead& head) {
    Admission a = admit(head);
    if (a.refusal) return answer(std::move(*a.refusal));
    Route r;
    r.body_limit = kMaxHeartbeatBytes;
    r.hold = std::move(a.hold);
    r.log_note = "kiosk=" + a.kiosk;
    r.work = [this, kiosk = a.kiosk](std::string body) { return store_heartbeat(kiosk, body); };
    return r;
}

Reply Api::store_batch(const std::string& kiosk, const std::string& key, const std::string& body,
                       std::optional<Clock::time_point> sent_at) {
    return guarded([&] {
        sync::BatchClock clock{.received = Clock::now(), .sent = sent_at};
        std::vector<sync::ParsedItem> items = sync::parse_batch(body, catalog_, clock);
        BatchRequest request{.kiosk = kiosk,
                             .key = key,
                             .body_hash = body_hash(body),
                             .received_at = format_utc(clock.received),
                             .kiosk_sent_at = sent_at ? std::optional(format_utc(*sent_at)) : std::nullopt};
        request.results.resize(items.size());
        for (std::size_t i = 0; i < items.size(); ++i) decide(items[i], i, catalog_, request);
        std::shared_lock<std::shared_mutex> hold;
        if (figures_) hold = figures_->batch_hold();
        BatchAnswer stored = backend_.store_batch(std::move(request));
        if (figures_) figures_->answers_stored(stored.added);
        return Reply{.status = 200,
                     .content_type = "application/json",
                     .body = std::move(stored.body),
                     .log_note = "items=" + std::to_string(items.size())};
    });
}

Reply Api::store_heartbeat(const std::string& kiosk, const std::string& body) {
    return guarded([&] {
        sync::Heartbeat h = sync::parse_heartbeat(body);
        if (h.kiosk_id != kiosk)
            return problem(403, "Wrong kiosk", "the heartbeat is for another kiosk than the token's ('" + kiosk + "')");
        backend_.store_heartbeat(h, format_utc(Clock::now()));
        return Reply{.status = 204};
    });
}

}  // namespace lkp::server
