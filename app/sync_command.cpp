// `lkp-kiosk sync`: sends the outbox to the indicator store without the screens, for staff and
// for tests. The same engine runs on the kiosk's background thread (sync/client/).
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "cli.h"
#include "client/sync_client.h"
#include "core/config.h"
#include "core/kiosk_data.h"

namespace lkp {

namespace {

int fail(int code, const std::string& what) {
    std::fprintf(stderr, "lkp-kiosk: %s\n", what.c_str());
    return code;
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
    // The client's thread starts in its constructor and may publish before `self` is set: atomic,
    // or the two threads race on it (ThreadSanitizer found it).
    std::atomic<sync::SyncClient*> self{nullptr};
    sync::SyncClient client(settings, [&self] {
        sync::SyncClient* me = self.load();
        if (!me) return;
        OutboxStatus st = me->status();
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

// The numbers' ranges, and --max-failures only with --once, are checked by the command line.
int cmd_sync(const SyncOptions& args) {
    auto data = load_data(args);
    if (!data) return kExitUsage;
    KioskConfig config = data->config;
    if (args.store_url) config.store_url = *args.store_url;
    if (args.token_file) config.token_file = *args.token_file;
    if (args.ca_bundle) config.ca_bundle = *args.ca_bundle;
    if (args.pinned_public_key) config.pinned_public_key = *args.pinned_public_key;
    if (config.store_url.empty()) return fail(kExitUsage, "sync needs --store-url URL (or store_url in the config)");
    if (std::string why = store_url_problem(config.store_url); !why.empty())
        return fail(kExitUsage, "--store-url \"" + config.store_url + "\" " + why);
    while (config.store_url.back() == '/') config.store_url.pop_back();
    if (config.token_file.empty())
        return fail(kExitUsage, "sync needs --token-file FILE (or token_file in the config)");
    if (::access(config.token_file.c_str(), R_OK) != 0)
        return fail(kExitUsage, "cannot read the token file " + config.token_file + ": " + std::strerror(errno));
    config.sync_batch_size = args.batch_size.value_or(config.sync_batch_size);
    config.sync_timeout_seconds = args.timeout.value_or(config.sync_timeout_seconds);
    config.sync_backoff_cap_seconds = args.backoff_cap.value_or(config.sync_backoff_cap_seconds);

    std::string dir = data_dir(args, config);
    struct stat st {};
    if (::stat((dir + "/" + kDatabaseFile).c_str(), &st) != 0)
        return fail(kExitUsage, "no kiosk database at " + dir + "/" + kDatabaseFile + " (is --data-dir right?)");
    auto settings = sync::SyncSettings::from_config(config, dir, LKP_VERSION);
    try {
        if (args.requeue_rejected) {
            auto db = KioskDatabase::open(dir, KioskDatabase::Role::Sync);
            std::printf("put %lld rejected answers back in line\n", static_cast<long long>(db.requeue_rejected()));
        }
        if (!args.once) return sync_forever(settings);
        sync::SyncEngine engine(settings);
        return sync_once(engine, args.max_failures);
    } catch (const std::exception& e) {
        return fail(kExitFailure, e.what());
    }
}

}  // namespace lkp
