// A writer is killed with SIGKILL at random moments, many times. Every response whose commit
// returned must still be there, and the database must be intact. The page cache survives a kill;
// power_loss_test.cpp takes it away as well.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <set>

#include "killed_writer.h"
#include "kiosk_db/kiosk_database.h"
#include "support/test_support.h"

namespace lkp {
namespace {

TEST(Crash, EveryCommittedResponseSurvivesSigkill) {
    test::TempDir dir;
    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> delay_us(2'000, 120'000);
    std::set<std::string> promised;
    const int kRounds = 40;
    for (int round = 0; round < kRounds; ++round) {
        for (const auto& id : run_writer_until_killed({dir.path()}, {}, std::chrono::microseconds(delay_us(rng))))
            promised.insert(id);
    }
    ASSERT_GT(promised.size(), 100u) << "the writer barely ran; the test proves nothing";

    auto store = KioskDatabase::open(dir.path());
    Database raw = test::open_raw(store.path());
    auto check = raw.prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check.step());
    EXPECT_EQ(check.text_col(0), "ok");

    std::set<std::string> stored;
    std::int64_t last_seq = 0;
    bool seq_grows = true;
    for (const auto& r : store.all_responses()) {
        stored.insert(r.id);
        seq_grows = seq_grows && r.seq > last_seq;
        last_seq = r.seq;
    }
    EXPECT_TRUE(seq_grows);
    size_t missing = 0;
    for (const auto& id : promised) missing += stored.count(id) == 0;
    EXPECT_EQ(missing, 0u) << "of " << promised.size() << " committed responses";
    // Outbox and responses agree: every response is either unsent or (later) sent, none orphaned.
    auto orphans = raw.prepare("SELECT count(*) FROM outbox WHERE seq NOT IN (SELECT seq FROM responses)");
    orphans.step();
    EXPECT_EQ(orphans.int_col(0), 0);
    EXPECT_EQ(store.outbox_status().unsent, static_cast<std::int64_t>(stored.size()));
    std::printf("crash test: %d kills, %zu committed responses, all present\n", kRounds, promised.size());
}

}  // namespace
}  // namespace lkp
