#pragma once
// lkp-store's `serve`: the /v1 API on the HTTP front until SIGTERM or SIGINT.
#include <cstddef>
#include <string>

#include "api.h"
#include "fleet_health.h"
#include "http_server.h"
#include "protocol/batch.h"
#include "store_backend.h"

namespace lkp::server {

struct ServeOptions {
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string tls_cert, tls_key;  // both empty: plain HTTP
    http::Limits http;              // http.queue is --max-inflight: batches waiting or being stored
    KioskLimits kiosk;
    std::int64_t min_cell = 5;  // disclosure control: figures of fewer answers are never shown
    std::string locales;        // the translations' folder: language names in exports, the web pages' texts (store/)
    std::string web_assets;     // the web pages' stylesheet
    FleetThresholds fleet;      // when the kiosk page marks a kiosk stale or failing (--stale-after)
};

// Serves until SIGTERM or SIGINT. Returns the process exit code (0 after a clean stop).
int serve(StoreBackend& backend, const sync::SurveyCatalog& catalog, const ServeOptions& options);

}  // namespace lkp::server
