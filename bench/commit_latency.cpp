// How long a resident's answer takes to become durable: one save() (response + outbox row +
// session event, one transaction, WAL, synchronous=FULL) timed on its own, N times.
// Usage: bench_commit_latency [N] [DIR]   (DIR defaults to a fresh folder under /tmp)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "store/response_store.h"

int main(int argc, char** argv) {
    int n = argc > 1 ? std::atoi(argv[1]) : 2000;
    std::string dir = argc > 2 ? argv[2] : std::filesystem::temp_directory_path().string() + "/lkp-bench-" + lkp::new_uuid_v4();
    if (n < 10) {
        std::fprintf(stderr, "N must be at least 10\n");
        return 2;
    }
    auto store = lkp::ResponseStore::open(dir);
    std::vector<double> us;
    us.reserve(static_cast<size_t>(n));
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
        lkp::Response r;
        r.id = lkp::new_uuid_v4();
        r.kiosk_id = "bench";
        r.survey_id = "helsingborg-lkp";
        r.survey_version = 1;
        r.location = "001";
        r.language = "sv";
        r.district = "022";
        r.answers = {{"trygghet", 2}, {"delaktighet", 7}, {"livskvalitet", 8}, {"age_band", "30-44"}, {"gender", nullptr}};
        r.started_at = r.submitted_at = lkp::format_utc(std::chrono::system_clock::now());
        auto t0 = std::chrono::steady_clock::now();
        store.save(r);
        us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    double total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::sort(us.begin(), us.end());
    auto pct = [&](double p) { return us[static_cast<size_t>(p * static_cast<double>(us.size() - 1))]; };
    std::printf("commits %d  median %.0f us  p90 %.0f us  p99 %.0f us  max %.0f us  (%.0f responses/s)  db %s\n", n,
                pct(0.5), pct(0.9), pct(0.99), us.back(), n / total_s, store.path().c_str());
    if (argc <= 2) std::filesystem::remove_all(dir);
    return 0;
}
