// Staff's "sync now" (issue 11) reaches the running kiosk's sync thread while it sleeps: the
// real SyncClient against the real lkp-store on loopback says hello again at once, although its
// next heartbeat is an hour away.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "client/sync_client.h"
#include "support/store_server.h"
#include "support/test_support.h"

namespace lkp {
namespace {

using namespace std::chrono_literals;

TEST(SyncNow, WakesTheSleepingSyncThreadForAHeartbeatAtOnce) {
    test::StoreServer store;
    store.start();
    test::TempDir dir;
    test::write_file(dir.file("token"), store.add_kiosk("sync-now") + "\n");
    std::filesystem::permissions(dir.file("token"), std::filesystem::perms::owner_read);
    KioskConfig config = default_config();
    config.kiosk_id = "sync-now";
    config.store_url = store.url();
    config.token_file = dir.file("token");
    sync::SyncSettings settings = sync::SyncSettings::from_config(config, dir.path(), "1.0");
    settings.heartbeat_every = 3600s;
    KioskDatabase::open(dir.path());  // the kiosk opens its database before the sync starts

    auto sent_at = [&] {
        auto rows = store.query("SELECT received_at FROM heartbeats WHERE kiosk = 'sync-now'");
        return rows.empty() ? std::string() : rows[0];
    };
    auto wait_for_new = [&](const std::string& before) {
        auto until = std::chrono::steady_clock::now() + 10s;
        while (sent_at() == before && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(20ms);
        return sent_at();
    };
    sync::SyncClient client(settings, [] {});
    std::string first = wait_for_new("");
    ASSERT_FALSE(first.empty()) << "the heartbeat at start-up; store log:\n" << store.log();
    std::this_thread::sleep_for(1100ms);  // received_at has millisecond resolution; make the next one differ
    EXPECT_EQ(sent_at(), first) << "idle: nothing until the hour is up";
    client.sync_now();
    std::string second = wait_for_new(first);
    EXPECT_NE(second, first) << "sync now woke the thread";
}

}  // namespace
}  // namespace lkp
