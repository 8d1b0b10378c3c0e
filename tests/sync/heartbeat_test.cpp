// The real kiosk's heartbeat reaches the real lkp-store (SQLite and PostgreSQL) with what its own
// database knows: sessions started, completed and abandoned by step (real ones only), and the
// answers the store refused, by reason, and the corrupt databases moved aside in its data folder.
// Read back through the store's fleet() and `lkp-store kiosk list`.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "fleet_health.h"
#include "kiosk_db/kiosk_database.h"
#include "record/utc.h"
#include "record/uuid.h"
#include "store_backend.h"
#include "store_per_backend.h"
#include "support/store_server.h"
#include "support/test_support.h"

namespace lkp::test {
namespace {

class KioskHeartbeat : public StorePerBackend<KioskHeartbeat> {
  protected:
    KioskHeartbeat() : StorePerBackend("dev-kiosk") {}

    std::unique_ptr<server::StoreBackend> backend() {
        auto args = store_->db_args();
        return args[0] == "--db" ? server::open_sqlite(args[1]) : server::open_postgres(args[1], 1);
    }
};

TEST_P(KioskHeartbeat, SessionCountsAndRejectedReasonsReachTheStore) {
    const std::string data_dir = dir_.file("kiosk");
    {
        KioskDatabase db = KioskDatabase::open(data_dir);
        for (int i = 0; i < 6; ++i) db.record_started(false);
        db.record_abandoned("district", false);
        db.record_abandoned("district", false);
        db.record_abandoned("trygghet", false);
        for (std::int64_t seq = 1; seq <= 3; ++seq) {
            Response r = valid_response(kiosk_, seq);
            if (seq == 2) r.answers[0].second = 9;  // no option of the first question: the store refuses it
            db.save(r);
        }
        db.record_started(true);  // `simulate`: kept out of the counts, though its answer is stored
        Response synthetic = valid_response(kiosk_, 4);
        synthetic.flags = {"synthetic"};
        db.save(synthetic);
    }
    RunResult sync = run({LKP_KIOSK_BIN, "sync", "--once", "--data-dir", data_dir, "--store-url", store_->url(),
                          "--token-file", dir_.file("token"), "--backoff-cap", "1", "--timeout", "5"});
    ASSERT_EQ(sync.exit_code, 0) << sync.out << sync.err;

    std::vector<server::KioskHealth> fleet = backend()->fleet(2);
    ASSERT_EQ(fleet.size(), 1u);
    const server::KioskHealth& k = fleet[0];
    ASSERT_TRUE(k.kiosk.heartbeat) << "sync --once sends a heartbeat when it is done";
    const sync::Heartbeat& h = *k.kiosk.heartbeat;
    EXPECT_EQ(h.version, 2);
    EXPECT_EQ(h.unsent, 0);
    EXPECT_EQ(h.rejected, 1);
    ASSERT_TRUE(h.sessions);
    EXPECT_EQ(h.sessions->started, 6);
    EXPECT_EQ(h.sessions->completed, 3);
    EXPECT_EQ(h.sessions->abandoned, 3);
    EXPECT_EQ(h.sessions->abandoned_at, (std::map<std::string, std::int64_t>{{"district", 2}, {"trygghet", 1}}));

    // The reason as the kiosk keeps it, which is what the store told it.
    std::vector<Rejection> kept = KioskDatabase::open(data_dir).rejections(20);
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(kept[0].field, "answers." + valid_response(kiosk_, 1).answers[0].first);
    ASSERT_EQ(h.rejected_reasons.size(), 1u);
    EXPECT_EQ(h.rejected_reasons[0], (sync::RejectedReason{kept[0].code, kept[0].field, kept[0].reason, 1}));

    // Today: three answers stored (the synthetic one too), and the day's session counters.
    ASSERT_EQ(k.days.size(), 2u);
    EXPECT_EQ(k.days[1].day, server::stockholm_day(format_utc(std::chrono::system_clock::now())));
    EXPECT_EQ(k.days[1].answers, 3);
    EXPECT_EQ(k.days[1].sessions, (server::SessionCounters{6, 3, 3}));
    ASSERT_TRUE(k.clock_skew_s);
    EXPECT_LE(std::abs(*k.clock_skew_s), 5) << "the same clock at both ends";
    EXPECT_EQ(server::classify(k.kiosk, {}, std::chrono::system_clock::now()),
              (server::KioskVerdict{server::KioskState::Failing, {"rejected"}}));

    // The same figures as the kiosk shows staff itself.
    RunResult status = run({LKP_KIOSK_BIN, "status", "--data-dir", data_dir, "--json"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    Json s = Json::parse(status.out)["sessions"];
    EXPECT_EQ(s["started"], h.sessions->started);
    EXPECT_EQ(s["completed"], h.sessions->completed);
    EXPECT_EQ(s["abandoned"], h.sessions->abandoned);
    EXPECT_EQ(s["abandoned_at"], Json(h.sessions->abandoned_at));
    EXPECT_EQ(s["synthetic"], 1);
}

// A kiosk whose database was found corrupt (issue 14, part 3) says so in its heartbeat while the
// moved file is in its data folder: `lkp-store kiosk list` shows the count and the kiosk failing
// with database_moved_aside, and it is ok again once staff removed the file.
TEST_P(KioskHeartbeat, ADatabaseMovedAsideShowsInKioskListUntilStaffRemoveIt) {
    const std::string data_dir = dir_.file("kiosk");
    std::string file;
    {
        KioskDatabase db = KioskDatabase::open(data_dir);
        for (std::int64_t seq = 1; seq <= 3; ++seq) {
            Response r = valid_response(kiosk_, seq);
            db.save(r);
        }
        file = db.path();
    }
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.write(std::string(100, 'x').data(), 100);  // the header, as a bad write leaves it
    }
    std::optional<Recovery> recovery;
    { KioskDatabase fresh = KioskDatabase::open_or_recover(data_dir, recovery); }  // as the kiosk does at start
    ASSERT_TRUE(recovery) << "the damage was not noticed";
    ASSERT_EQ(quarantined_databases(data_dir), std::vector<std::string>{recovery->quarantined});

    auto sync_once = [&] {
        RunResult sync = run({LKP_KIOSK_BIN, "sync", "--once", "--data-dir", data_dir, "--store-url", store_->url(),
                              "--token-file", dir_.file("token"), "--backoff-cap", "1", "--timeout", "5"});
        EXPECT_EQ(sync.exit_code, 0) << sync.out << sync.err;
        auto list = store_->cli({"kiosk", "list"});
        EXPECT_EQ(list.exit_code, 0) << list.err;
        return list.out;
    };
    std::string listed = sync_once();
    EXPECT_NE(listed.find("status=failing  reasons=database_moved_aside"), std::string::npos) << listed;
    EXPECT_NE(listed.find("  quarantined_databases=1  "), std::string::npos) << listed;
    EXPECT_NE(listed.find("  unsent=0  "), std::string::npos) << "what was read back was sent: " << listed;
    EXPECT_EQ(static_cast<std::int64_t>(store_->response_ids(kiosk_).size()), recovery->salvaged);
    std::vector<server::KioskHealth> fleet = backend()->fleet(1);
    ASSERT_EQ(fleet.size(), 1u);
    ASSERT_TRUE(fleet[0].kiosk.heartbeat);
    EXPECT_EQ(fleet[0].kiosk.heartbeat->quarantined_databases, 1);

    // Staff looked at it and removed it (the file, and its -wal and -shm should there be any).
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(recovery->quarantined + suffix);
    listed = sync_once();
    EXPECT_NE(listed.find("status=ok  reasons=-"), std::string::npos) << listed;
    EXPECT_NE(listed.find("  quarantined_databases=0  "), std::string::npos) << listed;
}

INSTANTIATE_TEST_SUITE_P(Backends, KioskHeartbeat, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

}  // namespace
}  // namespace lkp::test
