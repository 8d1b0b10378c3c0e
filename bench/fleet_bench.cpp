// What the staff's kiosk page asks of the store: StoreBackend::fleet(DAYS), then every kiosk's
// status and sessions per day (fleet_health.h), on a real store. Prints the time of R rounds
// (median, p90, max) after 3 warm-up rounds, and how much came back.
//
// Usage: bench_fleet (--db FILE | --postgres URL) [DAYS=30] [R=50]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fleet_health.h"
#include "store_backend.h"

int main(int argc, char** argv) {
    if (argc < 3 || (std::string(argv[1]) != "--db" && std::string(argv[1]) != "--postgres")) {
        std::fprintf(stderr, "usage: %s (--db FILE | --postgres URL) [DAYS=30] [R=50]\n", argv[0]);
        return 2;
    }
    int days = argc > 3 ? std::atoi(argv[3]) : 30, rounds = argc > 4 ? std::atoi(argv[4]) : 50;
    auto backend =
        std::string(argv[1]) == "--db" ? lkp::server::open_sqlite(argv[2]) : lkp::server::open_postgres(argv[2], 1);
    using Clock = std::chrono::steady_clock;
    std::vector<double> ms;
    std::size_t kiosks = 0, day_rows = 0, not_ok = 0;
    for (int i = -3; i < rounds; ++i) {
        auto t0 = Clock::now();
        auto fleet = backend->fleet(days);
        auto now = std::chrono::system_clock::now();
        not_ok = 0;
        day_rows = 0;
        for (const auto& k : fleet) {
            if (lkp::server::classify(k.kiosk, {}, now).state != lkp::server::KioskState::Ok) ++not_ok;
            for (const auto& d : lkp::server::sessions_per_day(k)) day_rows += d ? 1 : 0;
        }
        auto t1 = Clock::now();
        kiosks = fleet.size();
        if (i >= 0) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    auto at = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * double(ms.size())))]; };
    std::printf(
        "fleet(%d) on %s: %zu kiosks (%zu not ok), %zu days with sessions; %d rounds: median %.2f ms, "
        "p90 %.2f ms, max %.2f ms\n",
        days, backend->kind(), kiosks, not_ok, day_rows, rounds, at(0.5), at(0.9), ms.back());
    return 0;
}
