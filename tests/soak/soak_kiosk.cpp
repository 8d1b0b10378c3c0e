// The accelerated soak: N synthetic residents (core/simulate.h) through the real Session, stored
// by the real Recorder in a real data folder, sent by the real BackgroundSync to a real lkp-store
// on loopback while they are being answered. This process and the store are sampled from /proc
// after every chunk of sessions; after the warm-up their RSS, open files and threads must stay
// flat (tests/soak/proc_sample.h), and at the end every answer must be in the store exactly once.
//
//     soak_kiosk [SESSIONS] [WARM_UP_PERCENT] [CSV_PREFIX]    (defaults 20000 and 10; with a prefix,
//     every sample goes to PREFIX-kiosk.csv and PREFIX-store.csv)
//
// Exit 0: flat and delivered once; 1: not; 2: the soak could not run.
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <thread>

#include "core/simulate.h"
#include "proc_sample.h"
#include "shell/background_sync.h"
#include "shell/recorder.h"
#include "support/store_server.h"
#include "support/test_support.h"

namespace lkp {
namespace {

using Clock = std::chrono::steady_clock;

// Ctrl-C or SIGTERM: stop between chunks, so that the store is stopped and the folders removed.
volatile sig_atomic_t stop_asked = 0;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

class SoakDir {
  public:
    SoakDir() {
        std::string parent = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
        if (const char* p = std::getenv("LKP_SOAK_DIR")) parent = p;
        std::string tmpl = parent + "/lkp-soak-XXXXXX";
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot make a folder in " + parent);
        path_ = tmpl;
    }
    ~SoakDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    SoakDir(const SoakDir&) = delete;
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

// The store's database with its write-ahead log, in bytes.
std::uintmax_t store_bytes(const test::StoreServer& store) {
    std::uintmax_t n = 0;
    for (const char* f : {"/store.db", "/store.db-wal"}) {
        std::error_code ec;
        auto size = std::filesystem::file_size(store.dir() + f, ec);
        if (!ec) n += size;
    }
    return n;
}

// The store keeps up to 96 MiB of its database in SQLite's page caches (64 MiB for its writer,
// 32 MiB for its reader: sqlite_backend.cpp), and every page it writes passes through them: its
// RSS grows, by design, until it has written that much. 128 MiB of database ends its warm-up.
constexpr std::uintmax_t kStoreCacheFull = 128ull << 20;

int run(int sessions, int warm_up_percent, const std::string& csv_prefix) {
    // The kiosk's data folder on tmpfs when there is one: each answer is flushed to disk
    // (synchronous=FULL), and on a shared virtual disk those flushes, not the code, would set the
    // pace (bench_commit_latency measures them on their own). SQLite does the same work otherwise.
    SoakDir dir;
    test::StoreServer store;
    store.start();
    std::string token_file = dir.file("token");
    test::write_file(token_file, store.add_kiosk("soak") + "\n");
    chmod(token_file.c_str(), 0400);  // the sync wants it private

    KioskData data = test::builtin_data();
    data.config.kiosk_id = "soak";
    data.config.store_url = store.url();
    data.config.token_file = token_file;
    data.config.sync_backoff_cap_seconds = 2;
    const std::string data_dir = dir.file("data");
    std::filesystem::create_directories(data_dir);

    Session session(data.survey, data.districts, data.session_settings());
    Recorder recorder(data_dir);
    recorder.set_burst_rule({data.config.burst_limit, std::chrono::seconds(data.config.burst_window_seconds)});
    if (!recorder.open(data.config.kiosk_id, Clock::now())) return 2;
    BackgroundSync sync([] {});
    sync.start(sync::SyncSettings::from_config(data.config, data_dir, "soak"), data.survey, data.config.location);

    // Chunks of 500 sessions: simulate_sessions() dates each chunk's sessions back from now (45 s
    // apiece), so all answers fall within the last few hours, as a kiosk's would, and the store's
    // sums stay a few days' worth however long the soak runs.
    const int chunk = 500;
    std::vector<soak::ProcSample> mine, store_samples;
    auto t0 = Clock::now();
    std::size_t store_warm_up_end = 0;
    auto take_samples = [&] {
        double t = seconds_since(t0);
        auto a = soak::sample_proc(0, t);
        auto b = soak::sample_proc(store.pid(), t);
        if (!a || !b) throw std::runtime_error("the store has gone:\n" + store.log());
        mine.push_back(*a);
        store_samples.push_back(*b);
        if (store_warm_up_end == 0 && store_bytes(store) >= kStoreCacheFull) store_warm_up_end = mine.size() - 1;
    };
    take_samples();
    SimulationCounts total;
    std::size_t warm_up_end = 0;
    const int warm_up_sessions = static_cast<int>(static_cast<long long>(sessions) * warm_up_percent / 100);
    double warm_up_s = 0;
    for (int done = 0, round = 0; done < sessions; ++round) {
        if (stop_asked) {
            std::fprintf(stderr, "stopped after %d sessions\n", done);
            return 2;
        }
        int n = std::min(chunk, sessions - done);
        SimulationCounts c =
            simulate_sessions(session, 1000 + static_cast<std::uint64_t>(round), n, [&](const Outcome& o) {
                recorder.persist(o, Clock::now());
                if (o.completed) sync.answer_saved();
            });
        total.started += c.started;
        total.completed += c.completed;
        total.abandoned += c.abandoned;
        done += n;
        sync.check_status();
        if (recorder.waiting() != 0) {
            std::fprintf(stderr, "answers could not be stored (see the log above)\n");
            return 2;
        }
        take_samples();
        if (warm_up_end == 0 && done >= warm_up_sessions) {
            warm_up_end = mine.size() - 1;
            warm_up_s = seconds_since(t0);
        }
    }
    double answering_s = seconds_since(t0);

    // The sync keeps up while residents answer; what is left goes now.
    auto drain_t0 = Clock::now();
    OutboxStatus outbox;
    while ((outbox = recorder.database()->outbox_status()).unsent > 0 && seconds_since(drain_t0) < 120) {
        sync.check_status();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    double drain_s = seconds_since(drain_t0);
    take_samples();

    std::printf(
        "accelerated soak: %d sessions (%d completed, %d abandoned) in %.1f s: %.0f sessions/s, %.0f answers/s "
        "stored and sent while answered; left to send at the end: drained in %.1f s\n",
        total.started, total.completed, total.abandoned, answering_s, total.started / answering_s,
        total.completed / answering_s, drain_s);
    std::printf("warm-up: the first %d %% of sessions (%.1f s)\n", warm_up_percent, warm_up_s);
    if (!csv_prefix.empty()) {
        soak::write_csv(csv_prefix + "-kiosk.csv", mine);
        soak::write_csv(csv_prefix + "-store.csv", store_samples);
    }
    bool flat = soak::report("kiosk side (this process)", mine, warm_up_end);
    double store_mib = static_cast<double>(store_bytes(store)) / (1 << 20);
    std::printf("store database: %.0f MiB\n", store_mib);
    if (store_warm_up_end != 0 && store_samples.size() - store_warm_up_end >= 20) {
        std::printf("lkp-store's warm-up: also until its database reached %llu MiB (its page cache full)\n",
                    static_cast<unsigned long long>(kStoreCacheFull >> 20));
        flat = soak::report("lkp-store", store_samples, std::max(warm_up_end, store_warm_up_end)) && flat;
    } else {
        std::printf("lkp-store's RSS is not judged: its page cache fills until it has written %llu MiB\n",
                    static_cast<unsigned long long>(kStoreCacheFull >> 20));
        flat = soak::report("lkp-store", store_samples, warm_up_end, false) && flat;
    }

    // Every answer in the store exactly once: as many rows as answers, all ids distinct, none
    // left unsent or refused; for runs small enough to hold, the very same ids as the kiosk's.
    auto stored = store.query("SELECT count(*) FROM responses WHERE kiosk = 'soak'");
    auto distinct = store.query("SELECT count(DISTINCT id) FROM responses WHERE kiosk = 'soak'");
    std::printf("store: %s answers (%s distinct ids); kiosk: %d completed, unsent %lld, rejected %lld\n",
                stored.at(0).c_str(), distinct.at(0).c_str(), total.completed, static_cast<long long>(outbox.unsent),
                static_cast<long long>(outbox.rejected));
    bool once = stored.at(0) == std::to_string(total.completed) && distinct.at(0) == stored.at(0) &&
                outbox.unsent == 0 && outbox.rejected == 0;
    if (once && total.completed <= 50000) {
        std::set<std::string> kiosk_ids, store_ids;
        for (const Response& r : recorder.database()->all_responses()) kiosk_ids.insert(r.id);
        for (const std::string& id : store.response_ids("soak")) store_ids.insert(id);
        once = kiosk_ids == store_ids;
        std::printf("ids: the store's are %sthe kiosk's\n", once ? "" : "NOT ");
    }
    if (!once) std::printf("FAIL: not every answer is in the store exactly once\n");
    if (!flat) std::printf("FAIL: not flat after the warm-up\n");
    return flat && once ? 0 : 1;
}

}  // namespace
}  // namespace lkp

int main(int argc, char** argv) {
    for (int sig : {SIGINT, SIGTERM}) signal(sig, [](int) { lkp::stop_asked = 1; });
    try {
        int sessions = argc > 1 ? std::stoi(argv[1]) : 20000;
        int warm_up_percent = argc > 2 ? std::stoi(argv[2]) : 10;
        if (sessions < 1000 || warm_up_percent < 0 || warm_up_percent > 80) {
            std::fprintf(stderr, "usage: soak_kiosk [SESSIONS >= 1000] [WARM_UP_PERCENT 0-80] [CSV_PREFIX]\n");
            return 2;
        }
        return lkp::run(sessions, warm_up_percent, argc > 3 ? argv[3] : "");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "soak_kiosk: %s\n", e.what());
        return 2;
    }
}
