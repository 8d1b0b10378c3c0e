// A kiosk database that turns corrupt while the kiosk runs, found by the sync thread's reads
// (issue 14, part 3): the sync leaves it alone and says so, the recorder stops the sync, moves the
// file aside byte for byte, starts a fresh one with every readable answer back in its outbox and
// starts the sync again, which delivers those answers to the real lkp-store on loopback, once each.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "client/sync_client.h"
#include "record/uuid.h"
#include "shell/recorder.h"
#include "support/store_server.h"
#include "support/test_support.h"

namespace lkp {
namespace {

using namespace std::chrono_literals;

template <typename Done>
bool wait_until(Done done, std::chrono::seconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

TEST(CorruptDatabase, TheSyncFindsItAndTheKioskMovesItAsideAndDeliversWhatItHeldOnce) {
    const std::string kiosk = "corrupt-sync";
    test::StoreServer store;
    store.start();
    test::TempDir dir;
    test::write_file(dir.file("token"), store.add_kiosk(kiosk) + "\n");
    std::filesystem::permissions(dir.file("token"), std::filesystem::perms::owner_read);
    KioskConfig config = default_config();
    config.kiosk_id = kiosk;
    config.store_url = store.url();
    config.token_file = dir.file("token");
    config.burst_window_seconds = 0;
    sync::SyncSettings settings = sync::SyncSettings::from_config(config, dir.path(), "1.0");
    settings.heartbeat_every = 3600s;

    std::vector<std::string> lines;
    Recorder recorder(dir.path(), [&](const std::string& line) { lines.push_back(line); });
    recorder.set_burst_rule({3, 0s});
    const auto t0 = SteadyClock::now();
    ASSERT_TRUE(recorder.open(kiosk, t0));
    std::vector<std::string> ids;
    for (int i = 0; i < 40; ++i) {
        Outcome o;
        o.completed = test::valid_response(kiosk);  // one the store takes
        ids.push_back(o.completed->id);
        recorder.persist(o, t0);
    }

    // The outbox's root page reads back as zeros: the sync needs it, the answers do not.
    const std::string path = dir.file(kDatabaseFile);
    std::int64_t outbox_root = 0;
    {
        Database raw = test::open_raw(path);
        raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        auto root = raw.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'outbox'");
        ASSERT_TRUE(root.step());
        outbox_root = root.int_col(0);
    }
    {
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(4096 * (outbox_root - 1));
        f.write(std::string(4096, '\0').data(), 4096);
    }
    const std::string damaged = test::read_file(path);

    auto client = std::make_unique<sync::SyncClient>(settings, [] {});
    ASSERT_TRUE(wait_until([&] { return !client->database_corrupt().empty(); }, 30s)) << store.log();
    EXPECT_TRUE(store.response_ids(kiosk).empty()) << "nothing was sent from the damaged file";

    recorder.set_sync_control([&] { client.reset(); },
                              [&] { client = std::make_unique<sync::SyncClient>(settings, [] {}); });
    ASSERT_TRUE(recorder.recover_database(client->database_corrupt(), t0));
    ASSERT_TRUE(client) << "the sync runs again";
    std::vector<std::string> moved = quarantined_databases(dir.path());
    ASSERT_EQ(moved.size(), 1u);
    EXPECT_EQ(test::read_file(moved[0]), damaged) << "kept byte for byte as it was found";

    ASSERT_TRUE(wait_until([&] { return store.response_ids(kiosk).size() >= ids.size(); }, 60s)) << store.log();
    auto theirs = store.response_ids(kiosk);
    std::sort(theirs.begin(), theirs.end());
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(theirs, ids) << "every answer of the damaged file reached the store, once";
    EXPECT_TRUE(wait_until([&] { return KioskDatabase::open(dir.path()).outbox_status().unsent == 0; }, 30s));
}

}  // namespace
}  // namespace lkp
