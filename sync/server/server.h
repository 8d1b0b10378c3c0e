#pragma once
// The /v1 HTTP API of lkp-store on cpp-httplib: health, batches and heartbeats.
#include <cstddef>
#include <string>

#include "protocol/batch.h"
#include "store_backend.h"

namespace lkp::server {

struct ServeOptions {
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string tls_cert, tls_key;  // both empty: plain HTTP
    std::size_t max_inflight = 32;  // batches processed at once; more get 429
};

// Serves until SIGTERM or SIGINT. Returns the process exit code (0 after a clean stop).
int serve(StoreBackend& backend, const sync::SurveyCatalog& catalog, const ServeOptions& options);

}  // namespace lkp::server
