// The recorder against a real SQLite file: every answer is stored once and in order, also when
// the disk fills up for a while or the database opens late. Time is passed in; nothing sleeps.
#include "shell/recorder.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <fstream>

#include "kiosk_db/kiosk_database.h"
#include "record/uuid.h"
#include "support/test_support.h"

namespace lkp {
namespace {

using namespace std::chrono_literals;

Response answer() { return test::sample_response(); }

void overwrite(const std::string& path, std::int64_t at, const std::string& bytes) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(at);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

Outcome completed(const Response& r) {
    Outcome o;
    o.completed = r;
    return o;
}

// While it lives, every write to a regular file fails with EFBIG, as on a full disk: the soft
// RLIMIT_FSIZE is 0. SIGXFSZ is ignored meanwhile, as lkp-kiosk's main() ignores it, so the
// write fails instead of the signal ending the process.
class FullDisk {
  public:
    FullDisk() : old_handler_(std::signal(SIGXFSZ, SIG_IGN)) {
        getrlimit(RLIMIT_FSIZE, &old_);
        rlimit full = old_;
        full.rlim_cur = 0;
        if (setrlimit(RLIMIT_FSIZE, &full) != 0) ADD_FAILURE() << "setrlimit(RLIMIT_FSIZE) failed";
    }
    ~FullDisk() {
        setrlimit(RLIMIT_FSIZE, &old_);
        std::signal(SIGXFSZ, old_handler_);
    }
    FullDisk(const FullDisk&) = delete;

  private:
    void (*old_handler_)(int);
    rlimit old_{};
};

class RecorderTest : public ::testing::Test {
  protected:
    // What is in the file, read on a connection of the test's own.
    std::vector<std::string> stored_ids() {
        std::vector<std::string> ids;
        for (const Response& r : KioskDatabase::open(dir.path()).all_responses()) ids.push_back(r.id);
        return ids;
    }
    bool logged(const std::string& part) const {
        for (const auto& line : lines)
            if (line.find(part) != std::string::npos) return true;
        return false;
    }

    test::TempDir dir;
    std::vector<std::string> lines;
    Recorder recorder{dir.path(), [this](const std::string& line) { lines.push_back(line); }};
    const SteadyClock::time_point t0 = SteadyClock::time_point{} + 1000h;
};

TEST_F(RecorderTest, StoresAnswersAndSessionCounts) {
    ASSERT_TRUE(recorder.open("k1", t0));
    EXPECT_TRUE(logged("kiosk k1 storing answers in " + dir.file(kDatabaseFile))) << lines.front();
    Outcome started;
    started.started = true;
    recorder.persist(started, t0);
    Response a = answer();
    recorder.persist(completed(a), t0 + 40s);
    recorder.persist(started, t0 + 60s);
    Outcome left;
    left.abandoned_at = "district";
    recorder.persist(left, t0 + 90s);

    EXPECT_FALSE(recorder.last_save_failed());
    EXPECT_FALSE(recorder.next_retry());
    EXPECT_EQ(recorder.waiting(), 0u);
    EXPECT_EQ(stored_ids(), std::vector<std::string>{a.id});
    KioskStatus s = KioskDatabase::open(dir.path()).status();
    EXPECT_EQ(s.sessions_started, 2);
    EXPECT_EQ(s.sessions_completed, 1);
    EXPECT_EQ(s.sessions_abandoned, 1);
    EXPECT_EQ(s.abandoned_at["district"], 1);
    EXPECT_EQ(lines.size(), 1u) << "nothing but the opening line";
}

// The kiosk's config reaches the database, set before it opens (lkp-kiosk sets it at start).
TEST_F(RecorderTest, FlagsBurstsByTheRuleItWasGiven) {
    recorder.set_burst_rule({.limit = 1, .window = 60s});
    ASSERT_TRUE(recorder.open("k1", t0));
    recorder.persist(completed(answer()), t0);
    recorder.persist(completed(answer()), t0 + 1s);  // given at the same time as the first
    for (const Response& r : KioskDatabase::open(dir.path()).all_responses())
        EXPECT_EQ(r.flags, std::vector<std::string>{"burst"});
}

TEST_F(RecorderTest, FullDiskKeepsTheAnswerInMemoryClosesToResidentsAndRetriesUntilItIsStored) {
    constexpr auto every = Recorder::kRetryEvery;
    ASSERT_TRUE(recorder.open("k1", t0));
    Response a = answer(), b = answer();
    recorder.persist(completed(a), t0);
    EXPECT_FALSE(recorder.closed_to_residents());
    {
        FullDisk full;
        recorder.persist(completed(b), t0 + 10s);
    }
    EXPECT_TRUE(recorder.last_save_failed()) << "the thank-you screen apologises";
    EXPECT_TRUE(recorder.closed_to_residents()) << "no second resident answers into memory";
    EXPECT_EQ(recorder.waiting(), 1u);
    EXPECT_EQ(recorder.next_retry(), t0 + 10s + every);
    EXPECT_TRUE(logged("could not store response " + b.id + " (kept in memory, will retry every 10 s"));
    EXPECT_EQ(stored_ids(), std::vector<std::string>{a.id});

    // Due while the disk is still full: kept again, the next try one period on, and the journal
    // is not told the same thing again.
    std::size_t lines_before = lines.size();
    {
        FullDisk full;
        recorder.retry_if_due(t0 + 10s + every);
    }
    EXPECT_EQ(recorder.waiting(), 1u);
    EXPECT_TRUE(recorder.closed_to_residents());
    EXPECT_EQ(recorder.next_retry(), t0 + 10s + 2 * every);
    EXPECT_EQ(lines.size(), lines_before);

    // The disk has room again, but nothing is tried before it is due.
    recorder.retry_if_due(t0 + 10s + 2 * every - 1ms);
    EXPECT_EQ(recorder.waiting(), 1u);
    recorder.retry_if_due(t0 + 10s + 2 * every);
    EXPECT_EQ(recorder.waiting(), 0u);
    EXPECT_FALSE(recorder.closed_to_residents()) << "open again by itself";
    EXPECT_TRUE(logged("stored 1 waiting answer(s) and the session counts; open to residents again"));
    EXPECT_FALSE(recorder.next_retry());
    EXPECT_TRUE(recorder.retry(t0 + 71s)) << "nothing left";

    Response c = answer();
    recorder.persist(completed(c), t0 + 80s);
    EXPECT_FALSE(recorder.last_save_failed());
    EXPECT_EQ(stored_ids(), (std::vector<std::string>{a.id, b.id, c.id})) << "each once, in order";
}

TEST_F(RecorderTest, ALaterAnswerIsStoredBehindTheOneThatWaits) {
    ASSERT_TRUE(recorder.open("k1", t0));
    Response a = answer(), b = answer(), c = answer();
    {
        FullDisk full;
        recorder.persist(completed(a), t0);
        recorder.persist(completed(b), t0 + 5s);
    }
    EXPECT_EQ(recorder.waiting(), 2u);
    EXPECT_TRUE(stored_ids().empty());
    recorder.persist(completed(c), t0 + 10s);  // room again, before the retry is due
    EXPECT_FALSE(recorder.last_save_failed());
    EXPECT_EQ(recorder.waiting(), 0u);
    EXPECT_EQ(stored_ids(), (std::vector<std::string>{a.id, b.id, c.id}));
}

TEST_F(RecorderTest, AnswersAndCountsHandedInBeforeTheDatabaseOpensAreStoredWhenItOpens) {
    Response a = answer();
    Outcome started;
    started.started = true;
    recorder.persist(started, t0);
    recorder.persist(completed(a), t0);
    EXPECT_TRUE(recorder.last_save_failed());
    EXPECT_EQ(recorder.waiting(), 1u);
    EXPECT_EQ(recorder.next_retry(), t0 + Recorder::kRetryEvery);
    EXPECT_TRUE(logged("could not store a session count (kept in memory")) << lines.front();

    ASSERT_TRUE(recorder.open("k1", t0 + 1s));
    EXPECT_EQ(recorder.waiting(), 0u);
    EXPECT_FALSE(recorder.closed_to_residents());
    EXPECT_FALSE(recorder.next_retry());
    EXPECT_EQ(stored_ids(), std::vector<std::string>{a.id});
    EXPECT_EQ(KioskDatabase::open(dir.path()).status().sessions_started, 1) << "the count waited too";
}

// The response rate is figured from the session counts: a full disk loses none of them either,
// and a count that cannot be stored closes the kiosk like an answer does.
TEST_F(RecorderTest, SessionCountsWaitForRoomLikeAnswers) {
    ASSERT_TRUE(recorder.open("k1", t0));
    Outcome started;
    started.started = true;
    Outcome left;
    left.abandoned_at = "district";
    {
        FullDisk full;
        recorder.persist(started, t0);
        recorder.persist(left, t0 + 30s);
    }
    EXPECT_TRUE(recorder.closed_to_residents());
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                            [](const std::string& l) { return l.find("could not store") != std::string::npos; }),
              1)
        << "said once";
    recorder.retry_if_due(t0 + 30s + Recorder::kRetryEvery);
    EXPECT_FALSE(recorder.closed_to_residents());
    KioskStatus s = KioskDatabase::open(dir.path()).status();
    EXPECT_EQ(s.sessions_started, 1);
    EXPECT_EQ(s.abandoned_at["district"], 1);
}

// A database from a newer program is refused (it may hold answers this one cannot read).
TEST_F(RecorderTest, ARefusedDatabaseFailsToOpenWithAMessageAndKeepsTheAnswers) {
    {
        auto db = KioskDatabase::open(dir.path());
        test::open_raw(db.path()).exec("PRAGMA user_version = 99");
    }
    std::string before = test::read_file(dir.file(kDatabaseFile));
    EXPECT_FALSE(recorder.open("k1", t0));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("newer"), std::string::npos) << lines[0];
    EXPECT_EQ(test::read_file(dir.file(kDatabaseFile)), before) << "left as it was";

    Response a = answer();
    recorder.persist(completed(a), t0);
    EXPECT_TRUE(recorder.last_save_failed());
    EXPECT_EQ(recorder.waiting(), 1u);
}

// A corrupt one (issue 14) no longer keeps the kiosk dark: it is moved aside, kept, and said so.
TEST_F(RecorderTest, ACorruptDatabaseIsMovedAsideAndTheKioskGoesOn) {
    std::string junk(8192, 'x');
    test::write_file(dir.file(kDatabaseFile), junk);
    EXPECT_TRUE(recorder.open("k1", t0));
    ASSERT_GE(lines.size(), 1u);
    EXPECT_NE(lines[0].find("the database was corrupt"), std::string::npos) << lines[0];
    std::vector<std::string> moved = quarantined_databases(dir.path());
    ASSERT_EQ(moved.size(), 1u);
    EXPECT_NE(lines[0].find(moved[0]), std::string::npos) << lines[0];
    EXPECT_EQ(test::read_file(moved[0]), junk) << "kept as it was found";

    Response a = answer();
    recorder.persist(completed(a), t0);
    EXPECT_FALSE(recorder.last_save_failed());
}

// Bit rot under the running kiosk: the page the next save needs reads back as zeros. The root
// page of the index on answer ids, which every save goes through and no salvage needs.
TEST_F(RecorderTest, ADatabaseCorruptedWhileRunningIsMovedAsideAtOnceAndTheAnswerStoredInAFreshOne) {
    recorder.set_burst_rule({3, 0s});
    ASSERT_TRUE(recorder.open("k1", t0));
    std::vector<std::string> ids;
    for (int i = 0; i < 50; ++i) {
        Response a = answer();
        a.id = new_uuid_v4();
        recorder.persist(completed(a), t0 + std::chrono::seconds(i));
        ids.push_back(a.id);
    }
    const std::string path = dir.file(kDatabaseFile);
    std::int64_t index_root = 0;
    {
        // Another connection's checkpoint empties the WAL: the kiosk's connection then reads the
        // file again instead of pages it holds in memory, as after any other writer.
        Database raw = test::open_raw(path);
        raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        auto root = raw.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'sqlite_autoindex_responses_1'");
        ASSERT_TRUE(root.step());
        index_root = root.int_col(0);
    }
    overwrite(path, 4096 * (index_root - 1), std::string(4096, '\0'));
    const std::string damaged = test::read_file(path);

    Response next = answer();
    next.id = new_uuid_v4();
    lines.clear();
    recorder.persist(completed(next), t0 + 100s);
    ids.push_back(next.id);

    EXPECT_FALSE(recorder.last_save_failed()) << "the resident sees the normal thank-you";
    EXPECT_FALSE(recorder.closed_to_residents());
    EXPECT_EQ(recorder.recoveries(), 1);
    std::vector<std::string> moved = quarantined_databases(dir.path());
    ASSERT_EQ(moved.size(), 1u);
    EXPECT_EQ(test::read_file(moved[0]), damaged) << "kept byte for byte as it was found";
    EXPECT_TRUE(logged("while running, the database was corrupt")) << (lines.empty() ? "" : lines.front());
    EXPECT_TRUE(logged(moved[0]));
    EXPECT_FALSE(logged("could not store")) << "stored at once, not retried";

    std::vector<std::string> stored = stored_ids();
    EXPECT_EQ(stored.size(), ids.size()) << "each once";
    std::sort(stored.begin(), stored.end());
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(stored, ids) << "the 50 salvaged and the new one";
    EXPECT_EQ(KioskDatabase::open(dir.path()).outbox_status().unsent, static_cast<std::int64_t>(ids.size()));
    EXPECT_EQ(recorder.database()->all_responses().size(), ids.size()) << "the recorder works on the fresh file";
}

// The sync thread found it first (its reads): the loop asks the recorder, which stops the sync
// before the file moves and starts it again on the fresh one.
TEST_F(RecorderTest, ADatabaseTheSyncFoundCorruptIsMovedAsideWithTheSyncStopped) {
    ASSERT_TRUE(recorder.open("k1", t0));
    for (int i = 0; i < 5; ++i) recorder.persist(completed(answer()), t0 + std::chrono::seconds(i));
    std::vector<std::string> calls;
    recorder.set_sync_control([&] { calls.push_back("stop"); }, [&] { calls.push_back("restart"); });
    ASSERT_TRUE(recorder.recover_database("database disk image is malformed", t0 + 10s));
    EXPECT_EQ(calls, (std::vector<std::string>{"stop", "restart"}));
    EXPECT_EQ(quarantined_databases(dir.path()).size(), 1u);
    EXPECT_EQ(stored_ids().size(), 5u);
    EXPECT_TRUE(logged("database disk image is malformed"));
}

}  // namespace
}  // namespace lkp
