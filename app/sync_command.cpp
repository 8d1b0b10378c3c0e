// `lkp-kiosk sync`: sends the outbox to the indicator store without the screens, for staff and
// for tests. The same engine runs on the kiosk's background thread (sync/client/).
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli.h"
#include "client/sync_client.h"
#include "core/kiosk_data.h"

namespace lkp {

namespace {

int fail(int code, const std::string& what) {
    std::fprintf(stderr, "lkp-kiosk: %s\n", what.c_str());
    return code;
}

// --name N with lo <= N <= hi, or the fallback when absent; nullopt (after a message) when bad.
std::optional<int> int_option(const Args& args, const std::string& name, int fallback, int lo, int hi) {
    auto text = args.get(name);
    if (!text) return fallback;
    char* end = nullptr;
    long v = std::strtol(text->c_str(), &end, 10);
    if (text->empty() || *end || v < lo || v > hi) {
        std::fprintf(stderr, "lkp-kiosk: %s must be a whole number from %d to %d\n", name.c_str(), lo, hi);
        return std::nullopt;
    }
    return static_cast<int>(v);
}

void print_summary(const sync::Delivery& total, const OutboxStatus& st) {
    std::printf("sent %lld new, %lld already in the store, %lld rejected; %lld waiting, %lld rejected in all\n",
                static_cast<long long>(total.created), static_cast<long long>(total.duplicate),
                static_cast<long long>(total.rejected), static_cast<long long>(st.unsent),
                static_cast<long long>(st.rejected));
}

// Drains the outbox once, paced like the background thread; gives up after max_failures
// failed tries in a row (the answers stay in the outbox).
int sync_once(sync::SyncEngine& engine, int max_failures) {
    sync::Delivery total;
    for (;;) {
        sync::Attempt a = engine.send_next();
        total.created += a.delivery.created;
        total.duplicate += a.delivery.duplicate;
        total.rejected += a.delivery.rejected;
        if (a.outcome == sync::Attempt::Outcome::BatchRefused)
            std::fprintf(stderr, "lkp-kiosk: %s (kept, marked rejected)\n", a.error.c_str());
        sync::Pace pace = engine.pace(a);
        if (pace.next == sync::Pace::Next::Now) continue;
        if (pace.next == sync::Pace::Next::Idle) {
            engine.send_heartbeat();
            print_summary(total, engine.status());
            return kExitOk;
        }
        if (a.outcome == sync::Attempt::Outcome::TokenRefused) {
            print_summary(total, engine.status());
            return fail(kExitFailure, a.error);
        }
        if (engine.failures_in_a_row() >= max_failures) {
            engine.send_heartbeat();
            print_summary(total, engine.status());
            return fail(kExitFailure, a.error + " (gave up after " + std::to_string(engine.failures_in_a_row()) +
                                          " tries; the answers stay in the outbox)");
        }
        std::fprintf(stderr, "lkp-kiosk: %s; retrying in %.1f s\n", a.error.c_str(),
                     static_cast<double>(pace.wait.count()) / 1000);
        std::this_thread::sleep_for(pace.wait);
    }
}

// Runs the kiosk's background sync until SIGTERM or SIGINT, printing each change of status.
int sync_forever(const sync::SyncSettings& settings) {
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    sync::SyncClient* self = nullptr;
    sync::SyncClient client(settings, [&self] {
        if (!self) return;
        OutboxStatus st = self->status();
        std::fprintf(stderr, "lkp-kiosk: %lld waiting, %lld rejected%s%s\n", static_cast<long long>(st.unsent),
                     static_cast<long long>(st.rejected), st.last_round_failed() ? "; last error: " : "",
                     st.last_round_failed() ? st.last_error.c_str() : "");
    });
    self = &client;
    int sig = 0;
    sigwait(&stop, &sig);
    return kExitOk;
}

}  // namespace

int cmd_sync(const Args& args) {
    auto data = load_data(args);
    if (!data) return kExitUsage;
    KioskConfig config = data->config;
    if (auto v = args.get("--store-url")) config.store_url = *v;
    if (auto v = args.get("--token-file")) config.token_file = *v;
    if (auto v = args.get("--ca-bundle")) config.ca_bundle = *v;
    if (auto v = args.get("--pinned-public-key")) config.pinned_public_key = *v;
    if (config.store_url.rfind("https://", 0) != 0 && config.store_url.rfind("http://", 0) != 0)
        return fail(kExitUsage, config.store_url.empty() ? "sync needs --store-url URL (or store_url in the config)"
                                                         : "--store-url \"" + config.store_url + "\" is not an http:// or https:// address");
    while (config.store_url.back() == '/') config.store_url.pop_back();
    if (config.token_file.empty()) return fail(kExitUsage, "sync needs --token-file FILE (or token_file in the config)");
    if (::access(config.token_file.c_str(), R_OK) != 0)
        return fail(kExitUsage, "cannot read the token file " + config.token_file + ": " + std::strerror(errno));
    auto batch = int_option(args, "--batch-size", config.sync_batch_size, 1, 1000);
    auto timeout = int_option(args, "--timeout", config.sync_timeout_seconds, 1, 3600);
    auto cap = int_option(args, "--backoff-cap", config.sync_backoff_cap_seconds, 1, 86400);
    if (args.has("--max-failures") && !args.has("--once"))
        return fail(kExitUsage, "--max-failures goes with --once (without it, sync runs until stopped)");
    auto max_failures = int_option(args, "--max-failures", 5, 1, 1000);
    if (!batch || !timeout || !cap || !max_failures) return kExitUsage;
    config.sync_batch_size = *batch;
    config.sync_timeout_seconds = *timeout;
    config.sync_backoff_cap_seconds = *cap;

    std::string dir = data_dir(args, config);
    struct stat st {};
    if (::stat((dir + "/" + kDatabaseFile).c_str(), &st) != 0)
        return fail(kExitUsage, "no kiosk database at " + dir + "/" + kDatabaseFile + " (is --data-dir right?)");
    auto settings = sync::SyncSettings::from_config(config, dir, LKP_VERSION);
    try {
        if (args.has("--requeue-rejected")) {
            auto db = KioskDatabase::open(dir, KioskDatabase::Role::Sync);
            std::printf("put %lld rejected answers back in line\n", static_cast<long long>(db.requeue_rejected()));
        }
        if (!args.has("--once")) return sync_forever(settings);
        sync::SyncEngine engine(settings);
        return sync_once(engine, *max_failures);
    } catch (const std::exception& e) {
        return fail(kExitFailure, e.what());
    }
}

}  // namespace lkp
