// Every answer reaches the store exactly once, whatever happens on the way: the real lkp-kiosk
// syncing to the real lkp-store (SQLite and PostgreSQL) through a network that misbehaves, with
// either end killed with SIGKILL in the middle, and over TLS with certificates it must refuse.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "faulty_network.h"
#include "kiosk_db/kiosk_database.h"
#include "support/store_server.h"
#include "support/test_support.h"

namespace lkp::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

enum class Backend { Sqlite, Postgres };

// A kiosk data folder with `sessions` simulated sessions, copied per test. ctest runs each test in a
// process of its own, so the folder is made once per size and build of lkp-kiosk in the build
// folder (about 6 CPU-s under ASan for 5,000) and shared: made beside it and renamed into place,
// so that a test running at the same time sees it whole or not at all.
std::string kiosk_with(int sessions, const TempDir& into) {
    namespace fs = std::filesystem;
    struct stat kiosk_bin {};
    if (::stat(LKP_KIOSK_BIN, &kiosk_bin) != 0) throw std::runtime_error("no " LKP_KIOSK_BIN);
    const fs::path shared = fs::path(LKP_BUILD_DIR) / "test-kiosks";
    const std::string build =
        "-built-" + std::to_string(kiosk_bin.st_mtim.tv_sec) + "." + std::to_string(kiosk_bin.st_mtim.tv_nsec);
    const fs::path made = shared / (std::to_string(sessions) + "-sessions" + build);
    if (!fs::exists(made)) {
        fs::create_directories(shared);
        std::error_code ignored;                                // another test may be removing the same
        for (const auto& old : fs::directory_iterator(shared))  // made by an earlier build of lkp-kiosk
            if (old.path().filename().string().find(build) == std::string::npos) fs::remove_all(old.path(), ignored);
        const fs::path mine = made.string() + ".making-" + std::to_string(getpid());
        fs::remove_all(mine);
        auto r = run({LKP_KIOSK_BIN, "simulate", "--count", std::to_string(sessions), "--data-dir", mine.string(),
                      "--seed", "11"});
        if (r.exit_code != 0) throw std::runtime_error("simulate failed: " + r.err);
        fs::rename(mine, made, ignored);  // fails when another test's came first: that one is as good
        fs::remove_all(mine, ignored);
    }
    fs::copy(made, into.file("kiosk"), fs::copy_options::recursive);
    return into.file("kiosk");
}

std::vector<std::string> column(const std::string& kiosk_dir, const std::string& sql) {
    Database db(kiosk_dir + "/" + kDatabaseFile, SQLITE_OPEN_READONLY);
    auto st = db.prepare(sql);
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.text_col(0));
    return out;
}
std::vector<std::string> local_ids(const std::string& kiosk_dir) {
    return column(kiosk_dir, "SELECT id FROM responses ORDER BY id");
}
std::size_t outbox_size(const std::string& kiosk_dir) { return column(kiosk_dir, "SELECT seq FROM outbox").size(); }

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

pid_t spawn(const std::vector<std::string>& argv) {
    pid_t pid = fork();
    if (pid == 0) {
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        int devnull = ::open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execv(args[0], args.data());
        _exit(127);
    }
    return pid;
}
int finish(pid_t pid, int sig) {
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

// Polls `done` every 5 ms for up to `limit`; true when it came true.
template <typename F>
bool eventually(F done, std::chrono::seconds limit = 60s) {
    for (auto until = Clock::now() + limit; Clock::now() < until; std::this_thread::sleep_for(5ms))
        if (done()) return true;
    return done();
}

class Delivery : public ::testing::Test {
  protected:
    static void TearDownTestSuite() { postgres_.reset(); }

    void start_store(Backend backend, std::vector<std::string> extra_args = {}) {
        StoreOptions options{.extra_args = std::move(extra_args)};
        if (backend == Backend::Postgres) {
            // Tests on PostgreSQL skip in SetUp (skip_without); a skip here would only leave this helper.
            if (!PostgresCluster::available()) throw std::runtime_error("PostgreSQL is not installed");
            if (!postgres_) postgres_ = std::make_unique<PostgresCluster>();
            options.postgres_url = postgres_->create_database("delivery" + std::to_string(++databases_));
        }
        store_ = std::make_unique<StoreServer>(options);
        store_->start();
        write_file(dir_.file("token"), store_->add_kiosk(kiosk_name_) + "\n");
        ::chmod(dir_.file("token").c_str(), 0600);  // the kiosk refuses a token file others can read
    }

    // Gives up after `max_failures` failed tries in a row.
    RunResult sync_once(const std::string& url, std::vector<std::string> more = {}, int max_failures = 50,
                        int timeout_s = 2) {
        std::vector<std::string> argv{LKP_KIOSK_BIN,
                                      "sync",
                                      "--once",
                                      "--data-dir",
                                      kiosk_,
                                      "--store-url",
                                      url,
                                      "--token-file",
                                      dir_.file("token"),
                                      "--backoff-cap",
                                      "1",
                                      "--timeout",
                                      std::to_string(timeout_s),
                                      "--max-failures",
                                      std::to_string(max_failures)};
        argv.insert(argv.end(), more.begin(), more.end());
        return run(argv);
    }

    // The one rule, checked from both databases: every answer in the store once, none waiting.
    void expect_exactly_once() {
        auto mine = local_ids(kiosk_);
        auto theirs = sorted(store_->response_ids(kiosk_name_));
        EXPECT_EQ(theirs.size(), mine.size());
        EXPECT_TRUE(theirs == mine) << "the store's ids differ from the kiosk's";
        EXPECT_EQ(std::adjacent_find(theirs.begin(), theirs.end()), theirs.end()) << "an id stored twice";
        EXPECT_EQ(outbox_size(kiosk_), 0u);
        expect_sums_equal_a_rebuild();
    }

    // The indicator sums kept batch by batch, through every fault and kill, are those a rebuild
    // from the stored rows gives: nothing counted twice, nothing lost.
    void expect_sums_equal_a_rebuild() {
        const std::string rows =
            "SELECT day || '|' || indicator || '|' || district || '|' || gender || '|' || CAST(flagged AS TEXT) || "
            "'|' || CAST(n AS TEXT) || '|' || CAST(numerator AS TEXT) || '|' || CAST(sum AS TEXT) AS r "
            "FROM indicator_days ORDER BY r";
        std::vector<std::string> kept = store_->query(rows);
        EXPECT_FALSE(kept.empty());
        auto rebuild = store_->cli({"indicators", "rebuild"});
        ASSERT_EQ(rebuild.exit_code, 0) << rebuild.err;
        EXPECT_EQ(store_->query(rows), kept) << "the sums kept as batches arrived differ from a rebuild";
    }

    static std::unique_ptr<PostgresCluster> postgres_;
    static int databases_;
    TempDir dir_;
    std::string kiosk_;
    std::string kiosk_name_ = "dev-kiosk";  // the store's name for the kiosk; its answers must say the same
    std::unique_ptr<StoreServer> store_;
};
std::unique_ptr<PostgresCluster> Delivery::postgres_;
int Delivery::databases_ = 0;

// --- A network that misbehaves, on every third batch request for the first twelve ---

// Checked in SetUp, where GTEST_SKIP skips the whole test; in a helper it would only leave the helper.
bool postgres_missing(Backend backend) { return backend == Backend::Postgres && !PostgresCluster::available(); }

class FaultyDelivery : public Delivery, public ::testing::WithParamInterface<std::tuple<Backend, Fault>> {
  protected:
    void SetUp() override {
        if (postgres_missing(std::get<0>(GetParam()))) GTEST_SKIP() << "Debian's postgresql is not installed";
    }
};

TEST_P(FaultyDelivery, EveryAnswerArrivesOnceAndTheOutboxEmpties) {
    auto [backend, fault] = GetParam();
    start_store(backend);
    kiosk_ = kiosk_with(backend == Backend::Sqlite ? 5000 : 2000, dir_);
    FaultyNetwork net(store_->port(), [fault = fault](int n) { return n % 3 == 2 && n <= 12 ? fault : Fault::None; });

    // Batches of 200, not the default 1,000: 25 requests (10 on PostgreSQL), so the faults at
    // every third of the first twelve are all met.
    RunResult r = sync_once(net.url(), {"--batch-size", "200"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_GE(net.faults_injected(), 3);
    expect_exactly_once();
    EXPECT_TRUE(net.saw_identical_retry()) << "a retry must resend the same bytes under the same Idempotency-Key";

    // Where the store had committed before its answer was lost, the retry (same key, same bytes)
    // is answered from the stored result: fewer batches recorded than requests made.
    if (fault == Fault::CutMidAnswer || fault == Fault::TruncatedJson || fault == Fault::MalformedJson) {
        auto recorded = store_->query("SELECT count(*) FROM idempotency");
        ASSERT_EQ(recorded.size(), 1u);
        EXPECT_LT(std::stoul(recorded[0]), net.bodies().size());
    }
}

std::string name(const ::testing::TestParamInfo<std::tuple<Backend, Fault>>& info) {
    return std::string(std::get<0>(info.param) == Backend::Sqlite ? "Sqlite_" : "Postgres_") +
           to_string(std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, FaultyDelivery,
                         ::testing::Combine(::testing::Values(Backend::Sqlite),
                                            ::testing::Values(Fault::ServerError, Fault::TooManyRequests, Fault::Hang,
                                                              Fault::CutMidAnswer, Fault::TruncatedJson,
                                                              Fault::MalformedJson, Fault::CaptivePortal,
                                                              Fault::ProxyBadRequest)),
                         name);
INSTANTIATE_TEST_SUITE_P(Postgres, FaultyDelivery,
                         ::testing::Combine(::testing::Values(Backend::Postgres),
                                            ::testing::Values(Fault::ServerError, Fault::CutMidAnswer,
                                                              Fault::CaptivePortal)),
                         name);

// --- Either end killed with SIGKILL in the middle ---

class KilledDelivery : public Delivery, public ::testing::WithParamInterface<Backend> {
  protected:
    void SetUp() override {
        if (postgres_missing(GetParam())) GTEST_SKIP() << "Debian's postgresql is not installed";
    }
    std::size_t stored() { return store_->response_ids(kiosk_name_).size(); }
};

TEST_P(KilledDelivery, StoreKilledMidBatchAndRestarted) {
    start_store(GetParam());
    kiosk_ = kiosk_with(5000, dir_);
    std::size_t total = local_ids(kiosk_).size();
    // Small batches keep the drain long enough to kill the store three times in the middle of it.
    pid_t sync = spawn({LKP_KIOSK_BIN, "sync", "--data-dir", kiosk_, "--store-url", store_->url(), "--token-file",
                        dir_.file("token"), "--backoff-cap", "1", "--timeout", "2", "--batch-size", "10"});
    for (std::size_t at : {total / 5, total / 2, 4 * total / 5}) {
        ASSERT_TRUE(eventually([&] { return stored() >= at; })) << "the sync stalled at " << stored();
        store_->kill9();
        std::size_t when_killed = stored();
        EXPECT_LT(when_killed, total) << "the store was to be killed mid-drain";
        store_->start();
    }
    bool done = eventually([&] { return stored() == total && outbox_size(kiosk_) == 0; });
    finish(sync, SIGTERM);
    ASSERT_TRUE(done) << "stored " << stored() << " of " << total << "; waiting " << outbox_size(kiosk_);
    expect_exactly_once();
}

TEST_P(KilledDelivery, KioskKilledMidSyncAndRestarted) {
    start_store(GetParam());
    kiosk_ = kiosk_with(5000, dir_);
    std::size_t total = local_ids(kiosk_).size();
    for (std::size_t at : {total / 4, total / 2, 3 * total / 4}) {
        pid_t sync = spawn({LKP_KIOSK_BIN, "sync", "--once", "--data-dir", kiosk_, "--store-url", store_->url(),
                            "--token-file", dir_.file("token"), "--batch-size", "10"});
        ASSERT_TRUE(eventually([&] { return stored() >= at; }));
        finish(sync, SIGKILL);
        EXPECT_LT(stored(), total) << "the kiosk was to be killed mid-sync";
    }
    RunResult r = sync_once(store_->url());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    expect_exactly_once();
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& param) {
    return param.param == Backend::Sqlite ? "Sqlite" : "Postgres";
}
INSTANTIATE_TEST_SUITE_P(Backends, KilledDelivery, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

// --- TLS: the kiosk trusts only what it is told to ---

RunResult sh(const std::string& script) { return run({"/bin/sh", "-c", script}); }

TEST_F(Delivery, TlsRefusesAStoreCertificateItWasNotToldToTrust) {
    std::string cert = self_signed_certificate(dir_, "store").cert,
                stranger = self_signed_certificate(dir_, "stranger").cert;
    start_store(Backend::Sqlite, {"--tls-cert", cert, "--tls-key", dir_.file("store.key")});
    ASSERT_EQ(store_->url().rfind("https://", 0), 0u);
    kiosk_ = kiosk_with(200, dir_);
    std::size_t waiting = outbox_size(kiosk_);

    for (const auto& trust : std::vector<std::vector<std::string>>{{"--ca-bundle", stranger}, {}}) {
        // Time enough for a handshake with a store under ThreadSanitizer: the refusal comes at once
        // when it is right, and a timeout would hide which error it was.
        RunResult r = sync_once(store_->url(), trust, 1, 20);
        EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
        EXPECT_NE(r.err.find("certificate"), std::string::npos) << r.err;
        EXPECT_EQ(outbox_size(kiosk_), waiting) << "nothing may leave the outbox";
    }
    EXPECT_TRUE(store_->response_ids(kiosk_name_).empty());

    RunResult pin = sh("openssl x509 -in " + cert +
                       " -pubkey -noout | openssl pkey -pubin -outform der | "
                       "openssl dgst -sha256 -binary | base64");
    ASSERT_EQ(pin.exit_code, 0) << pin.err;
    std::string right = "sha256//" + pin.out.substr(0, pin.out.find('\n'));
    std::string wrong = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    RunResult pinned_wrong = sync_once(store_->url(), {"--ca-bundle", cert, "--pinned-public-key", wrong}, 1);
    EXPECT_EQ(pinned_wrong.exit_code, 1) << pinned_wrong.out << pinned_wrong.err;
    EXPECT_EQ(outbox_size(kiosk_), waiting);

    RunResult ok = sync_once(store_->url(), {"--ca-bundle", cert, "--pinned-public-key", right});
    ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
    expect_exactly_once();
}

// --- An answer the store refuses is kept, shown, and not sent again ---

TEST_F(Delivery, RejectedAnswerStaysMarkedAndIsNotResent) {
    start_store(Backend::Sqlite);
    kiosk_ = kiosk_with(200, dir_);
    std::string bad;
    {
        Database db(kiosk_ + "/" + kDatabaseFile, SQLITE_OPEN_READWRITE);
        db.exec("UPDATE responses SET answers = json_set(answers, '$.trygghet', 9) WHERE seq = 5");
        auto st = db.prepare("SELECT id FROM responses WHERE seq = 5");
        ASSERT_TRUE(st.step());
        bad = st.text_col(0);
    }
    FaultyNetwork net(store_->port(), [](int) { return Fault::None; });
    RunResult r = sync_once(net.url());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

    auto theirs = store_->response_ids(kiosk_name_);
    EXPECT_EQ(theirs.size(), local_ids(kiosk_).size() - 1);
    EXPECT_EQ(std::find(theirs.begin(), theirs.end(), bad), theirs.end());
    EXPECT_EQ(column(kiosk_, "SELECT rejected_field FROM outbox WHERE rejected_at IS NOT NULL"),
              std::vector<std::string>{"answers.trygghet"});
    RunResult status = run({LKP_KIOSK_BIN, "status", "--data-dir", kiosk_, "--json"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    Json s = Json::parse(status.out);
    EXPECT_EQ(s["sync"]["rejected"], 1);
    EXPECT_EQ(s["unsent"], 0);

    std::size_t sent_before = net.bodies().size();
    RunResult again = sync_once(net.url());
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    auto bodies = net.bodies();
    for (std::size_t i = sent_before; i < bodies.size(); ++i)
        EXPECT_EQ(bodies[i].find(bad), std::string::npos) << "the rejected answer was sent again unchanged";
    EXPECT_EQ(outbox_size(kiosk_), 1u);
}

// --- Only the store itself refuses a batch: a 400 from a proxy or a firewall on the way is a
// passing failure, and nothing waits for staff because of it ---

Json kiosk_status(const std::string& kiosk_dir) {
    RunResult status = run({LKP_KIOSK_BIN, "status", "--data-dir", kiosk_dir, "--json"});
    if (status.exit_code != 0) throw std::runtime_error("status failed: " + status.err);
    return Json::parse(status.out);
}
std::string last_error(const Json& status) {
    const Json& e = status["sync"]["last_error"];
    return e.is_string() ? e.get<std::string>() : "";
}

TEST_F(Delivery, ABadRequestFromAProxyRejectsNothingAndTheAnswersGoOnceItIsGone) {
    start_store(Backend::Sqlite);
    kiosk_ = kiosk_with(200, dir_);
    std::size_t waiting = outbox_size(kiosk_);
    std::atomic<bool> proxy_broken{true};
    FaultyNetwork net(store_->port(), [&](int) { return proxy_broken ? Fault::ProxyBadRequest : Fault::None; });

    RunResult r = sync_once(net.url(), {}, 3);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(net.faults_injected(), 3) << "tried again, with backoff, until it gave up";
    EXPECT_NE(r.err.find("HTTP 400"), std::string::npos) << r.err;
    EXPECT_EQ(outbox_size(kiosk_), waiting);
    Json s = kiosk_status(kiosk_);
    EXPECT_EQ(s["sync"]["rejected"], 0) << "a proxy's 400 is not the store's verdict";
    EXPECT_EQ(s["unsent"], waiting);
    EXPECT_NE(last_error(s).find("HTTP 400"), std::string::npos) << s.dump();
    EXPECT_TRUE(store_->response_ids(kiosk_name_).empty());

    proxy_broken = false;
    RunResult ok = sync_once(net.url());
    ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
    expect_exactly_once();
    EXPECT_TRUE(net.saw_identical_retry()) << "the batch the proxy refused went again, same key, same bytes";
}

TEST_F(Delivery, TheStoresOwnBadRequestStillRejectsTheBatch) {
    start_store(Backend::Sqlite);
    kiosk_ = kiosk_with(50, dir_);
    std::size_t waiting = outbox_size(kiosk_);
    FaultyNetwork net(store_->port(), [](int) { return Fault::StoreBadRequest; });

    RunResult r = sync_once(net.url());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.err.find("refused the batch (HTTP 400)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("kept, marked rejected"), std::string::npos) << r.err;
    Json s = kiosk_status(kiosk_);
    EXPECT_EQ(s["sync"]["rejected"], waiting);
    EXPECT_EQ(s["unsent"], 0);
    EXPECT_EQ(net.bodies().size(), 1u) << "a batch the store refused is not sent again unchanged";
    EXPECT_TRUE(store_->response_ids(kiosk_name_).empty());
}

// --- A token file other users can read is not used: the kiosk keeps its answers, says why and
// how to fix it, and sends them once it is fixed ---

TEST_F(Delivery, ATokenFileOthersCanReadIsNotSentAndStatusSaysHowToFixIt) {
    start_store(Backend::Sqlite);
    kiosk_ = kiosk_with(200, dir_);
    std::size_t waiting = outbox_size(kiosk_);
    const std::string token = dir_.file("token");
    FaultyNetwork net(store_->port(), [](int) { return Fault::None; });

    for (mode_t mode : {0644, 0640, 0604, 0620, 0602, 0610}) {
        ASSERT_EQ(::chmod(token.c_str(), mode), 0);
        RunResult r = sync_once(net.url(), {}, 1);
        EXPECT_EQ(r.exit_code, 1) << std::oct << mode << ": " << r.out << r.err;
        EXPECT_NE(r.err.find("chmod 600 " + token), std::string::npos) << std::oct << mode << ": " << r.err;
        Json s = kiosk_status(kiosk_);
        EXPECT_NE(last_error(s).find("chmod 600 " + token), std::string::npos) << s.dump();
        EXPECT_EQ(s["unsent"], waiting);
        EXPECT_EQ(s["sync"]["rejected"], 0);
    }
    EXPECT_TRUE(net.bodies().empty()) << "the token was sent";

    // The running sync does not stop: it says why, re-reads the file, and goes on once it is fixed.
    ASSERT_EQ(::chmod(token.c_str(), 0644), 0);
    pid_t sync = spawn({LKP_KIOSK_BIN, "sync", "--data-dir", kiosk_, "--store-url", net.url(), "--token-file", token,
                        "--backoff-cap", "1", "--timeout", "2"});
    std::this_thread::sleep_for(1500ms);
    EXPECT_TRUE(net.bodies().empty()) << "the token was sent";
    EXPECT_EQ(outbox_size(kiosk_), waiting);
    ASSERT_EQ(::chmod(token.c_str(), 0400), 0);
    bool done = eventually([&] { return outbox_size(kiosk_) == 0; });
    finish(sync, SIGTERM);
    ASSERT_TRUE(done) << "still waiting: " << outbox_size(kiosk_);
    expect_exactly_once();
}

// --- A proxy in front of the store that takes only small batches (413) ---

TEST_F(Delivery, TooLargeBatchesAreSplitAndNoBatchBuiltBeforeTheSplitIsSent) {
    start_store(Backend::Sqlite);
    kiosk_ = kiosk_with(200, dir_);
    FaultyNetwork net(store_->port(), [](int) { return Fault::None; });
    net.refuse_batches_over(20);
    RunResult r = sync_once(net.url(), {"--batch-size", "64"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    expect_exactly_once();

    // 64 and 32 are refused, then 16 at a time. The next batch is built while one is in flight
    // (the prefetch), at the size of that moment: one built at 64 or 32 must not go out later.
    std::vector<std::vector<std::int64_t>> seqs;
    for (const auto& body : net.bodies()) {
        Json batch = Json::parse(body);
        seqs.emplace_back();
        for (const auto& item : batch.at("responses")) seqs.back().push_back(item.at("seq"));
    }
    ASSERT_GE(seqs.size(), 3u);
    EXPECT_EQ(seqs[0].size(), 64u);
    EXPECT_EQ(seqs[1].size(), 32u);
    for (std::size_t i = 2; i < seqs.size(); ++i) {
        EXPECT_LE(seqs[i].size(), 16u) << "batch " << i << " was built before the split";
        EXPECT_TRUE(std::is_sorted(seqs[i].begin(), seqs[i].end()));
        if (i > 2) {
            EXPECT_GT(seqs[i].front(), seqs[i - 1].back()) << "batches overlap or go back: batch " << i;
        }
    }
    EXPECT_EQ(seqs[2].front(), seqs[0].front()) << "after a split the oldest answer goes first";
}

// --- A kiosk folder made by the release before the re-cut (tests/fixtures/a70e1b9) ---

TEST_F(Delivery, AKioskFolderMadeByTheReleaseBeforeTheRecutSendsEverythingOnce) {
    kiosk_name_ = "fixture-kiosk";
    start_store(Backend::Sqlite);
    std::filesystem::copy(LKP_SOURCE_DIR "/tests/fixtures/a70e1b9/kiosk-data", dir_.file("kiosk"),
                          std::filesystem::copy_options::recursive);
    kiosk_ = dir_.file("kiosk");
    std::vector<std::string> in_flight = column(kiosk_, "SELECT idempotency_key FROM sync_batch");
    ASSERT_EQ(in_flight.size(), 1u) << "the fixture holds a batch in flight";

    RunResult status = run({LKP_KIOSK_BIN, "status", "--data-dir", kiosk_, "--json"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    Json s = Json::parse(status.out);
    EXPECT_EQ(s["responses"], 39);
    EXPECT_EQ(s["unsent"], 27);
    EXPECT_EQ(s["sync"]["rejected"], 12);

    FaultyNetwork net(store_->port(), [](int) { return Fault::None; });
    RunResult r = sync_once(net.url(), {"--requeue-rejected"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("put 12 rejected answers back in line"), std::string::npos) << r.out;
    expect_exactly_once();
    EXPECT_EQ(local_ids(kiosk_).size(), 39u);
    ASSERT_FALSE(net.keys().empty());
    EXPECT_EQ(net.keys()[0], in_flight[0]) << "the batch the old program saved in flight goes first, under its key";
    EXPECT_EQ(store_->query("SELECT DISTINCT location FROM responses"), std::vector<std::string>{"041"});
}

}  // namespace
}  // namespace lkp::test
