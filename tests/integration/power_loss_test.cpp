// Power loss, not only SIGKILL: a killed process's writes are still in the kernel's page cache and
// reach the disk anyway, so the crash test would pass even if the kiosk never flushed. Here the
// writer runs under power_loss_shim.so, which keeps the image a disk would hold after a power cut
// (only what was fsync'ed; see the shim's header). After each kill the machine "reboots" on that
// image, optionally with a random half of the unsynced 512-byte sectors written too (a disk
// that wrote some of its queue before the power went), and the next round goes on from there.
// Every answer whose commit returned must be in the image, and the database must be intact.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "killed_writer.h"
#include "kiosk_db/kiosk_database.h"
#include "protocol/batch.h"
#include "record/uuid.h"
#include "support/store_server.h"
#include "support/test_support.h"

extern char** environ;

namespace lkp {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Runs the writer under the shim (DIR watched, IMAGE its durable image) for `run_for`, then
// kills it. Returns the ids it reported, that is, the answers whose commit returned.
std::vector<std::string> run_until_power_cut(const std::string& dir, const std::string& image,
                                             std::chrono::microseconds run_for, const std::string& synchronous) {
    std::vector<std::string> env = {std::string("LD_PRELOAD=") + LKP_POWER_LOSS_SHIM, "LKP_POWER_LOSS_DIR=" + dir,
                                    "LKP_POWER_LOSS_IMAGE=" + image};
    for (char** e = environ; *e; ++e)
        if (std::string(*e).rfind("LD_PRELOAD=", 0) != 0) env.push_back(*e);
    std::vector<std::string> args = {dir};
    if (!synchronous.empty()) args.insert(args.end(), {"--synchronous", synchronous});
    return run_writer_until_killed(args, env, run_for);
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The reboot: DIR becomes the durable IMAGE (the -shm and every unsynced write gone). With
// `torn`, a random half of the 512-byte sectors written since their file's last sync make it
// to the disk after all, and a changed size is kept or not by a coin. Returns how many such
// sectors were carried over. A writer cut before the shim made its image has written nothing.
std::size_t reboot(const std::string& dir, const std::string& image, bool torn, std::mt19937& rng) {
    fs::remove_all(image + ".new");
    if (!fs::exists(image)) {  // cut before the shim had taken the folder as it was: nothing written
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().string().ends_with("-shm")) fs::remove(e.path());
        return 0;
    }
    const fs::path rebooted = dir + ".rebooted";
    fs::remove_all(rebooted);
    fs::create_directory(rebooted);
    std::bernoulli_distribution coin(0.5);
    std::size_t carried = 0;
    std::ifstream names(fs::path(image) / ".names");
    unsigned long long ino = 0;
    std::string name;
    while (names >> ino && std::getline(names >> std::ws, name)) {
        std::string bytes = slurp(fs::path(image) / name);
        struct stat st {};
        const fs::path live = fs::path(dir) / name;
        if (torn && stat(live.c_str(), &st) == 0 && st.st_ino == ino) {  // the same file: its cache
            const std::string now = slurp(live);
            if (now.size() != bytes.size() && coin(rng)) bytes.resize(now.size());
            const std::size_t kSector = 512;
            for (std::size_t at = 0; at < std::min(now.size(), bytes.size()); at += kSector) {
                const std::size_t len = std::min({kSector, now.size() - at, bytes.size() - at});
                if (bytes.compare(at, len, now, at, len) != 0 && coin(rng)) {
                    bytes.replace(at, len, now, at, len);
                    ++carried;
                }
            }
        }
        std::ofstream(rebooted / name, std::ios::binary) << bytes;
    }
    fs::remove_all(dir);
    fs::rename(rebooted, dir);
    fs::remove_all(image);
    return carried;
}

struct Verdict {
    std::string integrity;
    std::size_t missing = 0;  // promised answers not in the database
    std::size_t stored = 0;
};

// Opens a copy of DIR as the kiosk would after the reboot (the copy, so that the next round
// starts from the image untouched, its WAL not yet checkpointed) and looks for `promised`.
Verdict check(const std::string& dir, const std::set<std::string>& promised) {
    const std::string copy = dir + ".check";
    fs::remove_all(copy);
    fs::copy(dir, copy);
    Verdict v;
    try {
        auto store = KioskDatabase::open(copy);
        Database raw = test::open_raw(store.path());
        auto integrity = raw.prepare("PRAGMA integrity_check");
        integrity.step();
        v.integrity = integrity.text_col(0);
        auto orphans = raw.prepare("SELECT count(*) FROM outbox WHERE seq NOT IN (SELECT seq FROM responses)");
        orphans.step();
        if (orphans.int_col(0) != 0) v.integrity += "; outbox rows without their response";
        std::set<std::string> stored;
        for (const auto& r : store.all_responses()) stored.insert(r.id);
        v.stored = stored.size();
        for (const auto& id : promised) v.missing += stored.count(id) == 0;
    } catch (const std::exception& e) {
        v.integrity = std::string("could not open: ") + e.what();
        v.missing = promised.size();
    }
    fs::remove_all(copy);
    return v;
}

struct Figures {
    int rounds = 0;
    std::size_t promised = 0, missing = 0, carried = 0;
    double seconds = 0;
};

// `rounds` power cuts at random moments (some during start-up), each round going on from the
// last one's image. Every round is checked; `on_round` sees each verdict.
template <typename OnRound>
Figures power_cuts(int rounds, const std::string& synchronous, bool torn_every_other, OnRound on_round) {
    test::TempDir dir;
    const std::string data = dir.file("data"), image = dir.file("image");
    fs::create_directory(data);
    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> delay_us(2'000, 500'000);
    std::set<std::string> promised;
    Figures f;
    const auto start = Clock::now();
    for (int round = 0; round < rounds; ++round) {
        for (const auto& id : run_until_power_cut(data, image, std::chrono::microseconds(delay_us(rng)), synchronous))
            promised.insert(id);
        f.carried += reboot(data, image, torn_every_other && round % 2 == 1, rng);
        Verdict v = check(data, promised);
        on_round(round, v);
        f.missing = v.missing;
    }
    f.rounds = rounds;
    f.promised = promised.size();
    f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return f;
}

TEST(PowerLoss, EveryCommittedAnswerSurvivesLosingTheUnsyncedWrites) {
    Figures f = power_cuts(30, "", true, [](int round, const Verdict& v) {
        EXPECT_EQ(v.integrity, "ok") << "after power cut " << round;
        EXPECT_EQ(v.missing, 0u) << "answers lost at power cut " << round;
    });
    ASSERT_GT(f.promised, 50u) << "the writer barely ran; the test proves nothing";
    EXPECT_GT(f.carried, 0u) << "no unsynced sector was ever carried over: the torn rounds tested nothing";
    std::printf("power loss: %d cuts, %zu committed answers, %zu missing, %zu unsynced sectors carried, %.1f s\n",
                f.rounds, f.promised, f.missing, f.carried, f.seconds);
}

// The test's teeth: the same procedure must see answers go when the store does not flush its
// commits. With synchronous=OFF nothing after the schema is ever synced.
TEST(PowerLoss, SeesAnswersLostWithSynchronousOff) {
    Figures f = power_cuts(4, "off", false, [](int, const Verdict& v) { EXPECT_EQ(v.integrity, "ok"); });
    ASSERT_GT(f.promised, 50u);
    EXPECT_GT(f.missing, 0u) << "synchronous=OFF lost nothing: the test cannot see a power cut";
    std::printf("power loss, synchronous=OFF: %d cuts, %zu of %zu committed answers lost, %.1f s\n", f.rounds,
                f.missing, f.promised, f.seconds);
}

// NORMAL syncs the WAL only at checkpoints: the commits since the last one go with the power.
TEST(PowerLoss, SeesAnswersLostWithSynchronousNormal) {
    Figures f = power_cuts(6, "normal", false, [](int, const Verdict& v) { EXPECT_EQ(v.integrity, "ok"); });
    ASSERT_GT(f.promised, 50u);
    EXPECT_GT(f.missing, 0u) << "synchronous=NORMAL lost nothing: the test cannot see a power cut";
    std::printf("power loss, synchronous=NORMAL: %d cuts, %zu of %zu committed answers lost, %.1f s\n", f.rounds,
                f.missing, f.promised, f.seconds);
}

// The store's side: a batch answered 200 may be deleted by the kiosk, so it must outlive a power
// cut. A client posts batches without pause while the store (on SQLite) is cut off at a random
// moment, several times, each time going on from the image; torn sectors every other round.
TEST(PowerLoss, EveryBatchTheStoreAcknowledgedSurvives) {
    test::StoreServer store;
    const std::string token = store.add_kiosk("k1");  // before the first cut: settled on the disk
    test::TempDir scratch;
    const std::string image = scratch.file("image");
    const std::vector<std::string> env = {std::string("LD_PRELOAD=") + LKP_POWER_LOSS_SHIM,
                                          "LKP_POWER_LOSS_DIR=" + store.dir(), "LKP_POWER_LOSS_IMAGE=" + image};
    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> delay_ms(20, 600);
    std::set<std::string> acknowledged;
    std::int64_t next_seq = 1;
    std::size_t batches = 0, carried = 0;
    const int kRounds = 8;
    const auto start = Clock::now();
    for (int round = 0; round < kRounds; ++round) {
        store.start(env);
        std::atomic<bool> cut{false};
        std::thread poster([&] {
            httplib::Client client(store.url());
            client.set_read_timeout(std::chrono::seconds(30));
            while (!cut) {
                std::vector<Response> batch;
                for (int i = 0; i < 10; ++i) batch.push_back(test::valid_response("k1", next_seq++));
                auto res = client.Post(sync::kBatchPath,
                                       {{"Authorization", "Bearer " + token}, {"Idempotency-Key", new_uuid_v4()}},
                                       sync::encode_batch(batch), "application/json");
                if (!res) break;  // the power went
                ASSERT_EQ(res->status, 200) << res->body;
                ++batches;
                for (const auto& r : batch) acknowledged.insert(r.id);
            }
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        ::kill(store.pid(), SIGKILL);
        cut = true;
        poster.join();
        store.kill9();  // reaps it
        carried += reboot(store.dir(), image, round % 2 == 1, rng);
    }
    store.start();  // after the last cut, without the shim
    EXPECT_EQ(store.query("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
    std::set<std::string> stored;
    for (const auto& id : store.response_ids("k1")) stored.insert(id);
    std::size_t missing = 0;
    for (const auto& id : acknowledged) missing += stored.count(id) == 0;
    ASSERT_GT(acknowledged.size(), 100u) << "the store barely ran; the test proves nothing";
    EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged answers";
    std::printf(
        "power loss at the store: %d cuts, %zu batches (%zu answers) acknowledged, %zu missing, "
        "%zu unsynced sectors carried, %.1f s\n",
        kRounds, batches, acknowledged.size(), missing, carried,
        std::chrono::duration<double>(Clock::now() - start).count());
}

}  // namespace
}  // namespace lkp
