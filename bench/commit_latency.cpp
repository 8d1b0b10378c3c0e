// How long a resident's answers take to become durable: one KioskDatabase::save() (response +
// outbox row + "completed" session event in one transaction, WAL, synchronous=FULL) timed on its
// own with steady_clock, N times one after another, as the kiosk does after each "Finish" tap.
//
// Usage: bench_commit_latency [N] [DIR]
//   N    number of responses (default 2000, at least 10)
//   DIR  data folder to use; it is kept. Without it a fresh folder is made under $TMPDIR (or /tmp)
//        and removed afterwards. The figure depends on the filesystem and disk: note `df -T DIR`.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "kiosk_db/kiosk_database.h"
#include "record/utc.h"
#include "record/uuid.h"

namespace {

// A response as the Helsingborg survey produces it: answers drawn from each question's scale, a
// few declined (null), a district or none, one of the kiosk's languages.
lkp::Response realistic_response(std::mt19937_64& rng) {
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    auto declined = [&]() { return std::bernoulli_distribution(1.0 / 15)(rng); };
    static const char* const kLanguages[] = {"sv", "sv-easy", "en", "ar", "fa", "so",
                                             "ti", "uk",      "pl", "bs", "fi", "tr"};
    static const char* const kDistricts[] = {"022",        "001",        "041",       "x-centrum",
                                             "x-dalhem",   "x-stattena", "x-ramlosa", "x-rydeback",
                                             "x-tagaborg", "x-odakra",   "outside"};
    static const char* const kAgeBands[] = {"0-15", "16-29", "30-44", "45-64", "65-79", "80+"};
    static const char* const kGenders[] = {"K", "M", "X"};

    lkp::Response r;
    r.id = lkp::new_uuid_v4();
    r.kiosk_id = "bench-kiosk-01";
    r.survey_id = "helsingborg-lkp";
    r.survey_version = 1;
    r.location = "022";
    r.language = kLanguages[pick(0, 11)];
    if (pick(0, 19) > 0) r.district = kDistricts[pick(0, 10)];  // 1 in 20 declines to say
    auto answer = [&](lkp::Json v) { return declined() ? lkp::Json(nullptr) : v; };
    r.answers = {{"trygghet", answer(pick(1, 6))},
                 {"delaktighet", answer(pick(1, 10))},
                 {"livskvalitet", answer(pick(0, 10))},
                 {"age_band", answer(kAgeBands[pick(0, 5)])},
                 {"gender", answer(kGenders[pick(0, 2)])}};
    auto now = std::chrono::system_clock::now();
    r.started_at = lkp::format_utc(now - std::chrono::seconds(pick(25, 180)));
    r.submitted_at = lkp::format_utc(now);
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    int n = argc > 1 ? std::atoi(argv[1]) : 2000;
    if (n < 10) {
        std::fprintf(stderr, "usage: bench_commit_latency [N >= 10] [DIR]\n");
        return 2;
    }
    namespace fs = std::filesystem;
    bool own_dir = argc <= 2;
    std::string dir;
    if (own_dir) {
        std::string tmpl = (fs::temp_directory_path() / "lkp-commit-bench.XXXXXX").string();
        if (!mkdtemp(tmpl.data())) {
            std::perror("mkdtemp");
            return 1;
        }
        dir = tmpl;
    } else {
        dir = argv[2];
    }

    int rc = 0;
    try {
        auto store = lkp::KioskDatabase::open(dir);
        std::mt19937_64 rng(20261122);
        std::vector<double> us;
        us.reserve(static_cast<size_t>(n));
        auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < n; ++i) {
            lkp::Response r = realistic_response(rng);
            auto t0 = std::chrono::steady_clock::now();
            store.save(r);
            auto t1 = std::chrono::steady_clock::now();
            us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        }
        double total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        double mean = std::accumulate(us.begin(), us.end(), 0.0) / static_cast<double>(us.size());
        // Which commits were the slowest: evenly spaced ones would point at WAL checkpoints,
        // scattered ones at the disk.
        std::vector<size_t> order(us.size());
        std::iota(order.begin(), order.end(), size_t{0});
        std::partial_sort(order.begin(), order.begin() + 5, order.end(),
                          [&](size_t a, size_t b) { return us[a] > us[b]; });
        std::string slowest;
        for (size_t k = 0; k < 5; ++k)
            slowest += " #" + std::to_string(order[k] + 1) + " " + std::to_string(std::lround(us[order[k]])) + " us";
        std::sort(us.begin(), us.end());
        // Nearest rank: the smallest value with at least p of all values at or below it.
        auto pct = [&](double p) {
            auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(us.size())));
            return us[std::clamp<size_t>(rank, 1, us.size()) - 1];
        };
        std::printf("commit latency, %d responses one at a time (journal_mode=%s, synchronous=%lld; 2 = FULL)\n", n,
                    store.durability().journal_mode.c_str(), static_cast<long long>(store.durability().synchronous));
        std::printf("  median %.0f us  p90 %.0f us  p99 %.0f us  max %.0f us  (min %.0f us, mean %.0f us)\n", pct(0.5),
                    pct(0.9), pct(0.99), us.back(), us.front(), mean);
        std::printf("  %.0f responses/s  (%.2f s in all)  db %s  (%.1f MiB incl. WAL)\n", n / total_s, total_s,
                    store.path().c_str(), [&] {
                        std::error_code ec;
                        double bytes = 0;
                        for (const auto& e : fs::directory_iterator(dir, ec))
                            if (e.is_regular_file(ec)) bytes += static_cast<double>(e.file_size(ec));
                        return bytes / 1048576.0;
                    }());
        std::printf("  slowest:%s\n", slowest.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_commit_latency: %s\n", e.what());
        rc = 1;
    }
    if (own_dir) {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    return rc;
}
