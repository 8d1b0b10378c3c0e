#include "server.h"

#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <stdexcept>

#include "core/load_error.h"
#include "indicator_api.h"
#include "web/site.h"

namespace lkp::server {

namespace {

// Signals are blocked in every thread and taken here with sigwait: no work in a signal handler.
sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
}

// Every connection is a descriptor: let the store have as many as the system allows it.
void raise_descriptor_limit(std::size_t wanted) {
    rlimit r{};
    if (getrlimit(RLIMIT_NOFILE, &r) != 0) return;
    rlim_t target = std::min<rlim_t>(r.rlim_max, wanted);
    if (r.rlim_cur < target) {
        r.rlim_cur = target;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

}  // namespace

int serve(StoreBackend& backend, const sync::SurveyCatalog& catalog, const ServeOptions& options) {
    sigset_t signals = stop_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts, so all inherit it
    raise_descriptor_limit(options.http.max_connections + 64);

    std::optional<http::Tls> tls;
    try {
        if (!options.tls_cert.empty())
            tls = http::Tls{read_text_file(options.tls_cert), read_text_file(options.tls_key)};
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lkp-store: TLS: %s\n", e.what());
        return 1;
    }
    // Sums made for other indicator definitions (or none yet, after the upgrade to schema 4) are
    // made again from the answers before the first figure is served.
    try {
        if (backend.sums_definitions() != indicator_definitions(catalog)) {
            std::fprintf(stderr,
                         "lkp-store: the survey files' indicators changed: adding up the stored answers again\n");
            std::int64_t rows = rebuild_indicator_sums(backend, catalog);
            std::fprintf(stderr, "lkp-store: indicator sums rebuilt from %lld answers\n", static_cast<long long>(rows));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lkp-store: could not rebuild the indicator sums: %s\n", e.what());
        return 1;
    }
    IndicatorTables tables(backend, catalog.districts, options.min_cell);
    IndicatorApi figures(backend, catalog, tables, read_language_names(options.locales));
    Api api(backend, catalog, options.kiosk, &figures);
    std::optional<web::Site> site;
    try {
        web::SiteOptions site_options;
        site_options.locale_dir = options.locales + "/store";
        site_options.asset_dir = options.web_assets;
        site_options.tls = tls.has_value();
        site_options.fleet = options.fleet;
        site.emplace(tables, backend, catalog, figures, site_options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lkp-store: the web pages: %s\n", e.what());
        return 1;
    }
    http::Server server(
        [&api, &site](const http::RequestHead& head) {
            if (auto page = site->route(head)) return std::move(*page);
            return api.route(head);
        },
        options.http, tls);
    try {
        server.start(options.host, options.port);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lkp-store: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "lkp-store: listening on %s://%s:%d (storage: %s)\n", tls ? "https" : "http",
                 options.host.c_str(), server.port(), backend.kind());
    int sig = 0;
    sigwait(&signals, &sig);
    std::fprintf(stderr, "lkp-store: %s received, stopping\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server.stop();
    return 0;
}

}  // namespace lkp::server
