#pragma once
// The /v1 API of lkp-store: health, batches and heartbeats. Everything that can be decided from
// the request line and headers is decided before a byte of body is read: the path and method,
// the kiosk's token, the media type, and whether that kiosk may send another request now.
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "http_server.h"
#include "protocol/batch.h"
#include "store_backend.h"

namespace lkp::server {

class IndicatorApi;

// The token of "Authorization: Bearer <token>", or nullopt.
std::optional<std::string> bearer_token(const http::RequestHead& head);
// 503 with Retry-After: the cause goes to the log; the client, who may be anyone, learns only to
// come back later.
http::Reply storage_unavailable(const std::string& cause);

struct KioskLimits {
    std::size_t in_flight = 2;    // a kiosk sends one batch at a time; two allows a retry beside a slow one
    double requests_per_s = 200;  // sustained; a backlog drain of 200-answer batches needs about 100/s
    double burst = 400;           // twice the rate: a kiosk back online may send quickly for two seconds
};

class Api {
  public:
    // `figures`: the public indicator routes (kept apart in indicator_api.h); may be null.
    Api(StoreBackend& backend, const sync::SurveyCatalog& catalog, KioskLimits limits, IndicatorApi* figures = nullptr);
    http::Route route(const http::RequestHead& head);

  private:
    http::Route health();
    http::Route batch(const http::RequestHead& head);
    http::Route heartbeat(const http::RequestHead& head);
    // The kiosk of the bearer token and a hold on one of its in-flight places, or the refusal.
    struct Admission {
        std::string kiosk;
        std::shared_ptr<void> hold;
        std::optional<http::Reply> refusal;
    };
    Admission admit(const http::RequestHead& head);

    // sent_at: the batch's Kiosk-Sent-At (the kiosk's clock), nullopt when it had none.
    http::Reply store_batch(const std::string& kiosk, const std::string& key, const std::string& body,
                            std::optional<std::chrono::system_clock::time_point> sent_at);
    http::Reply store_heartbeat(const std::string& kiosk, const std::string& body);

    StoreBackend& backend_;
    const sync::SurveyCatalog& catalog_;
    KioskLimits limits_;
    IndicatorApi* figures_;

    struct KioskState {
        std::size_t in_flight = 0;
        double tokens = 0;
        std::chrono::steady_clock::time_point refilled;
    };
    std::mutex kiosks_mutex_;
    std::map<std::string, KioskState> kiosks_;
};

}  // namespace lkp::server
