// N simulated kiosks syncing to one lkp-store at once: each kiosk is a thread with its own token
// that posts batches back to back, as the real sync client does when it has a backlog.
// Prints sustained responses/s and the latency of accepted batches (median, p90, p99, max); a
// batch answered 429/503 waits Retry-After and is sent again, like the real client.
//
// Usage: bench_store_load URL TOKENS_FILE [SECONDS=20] [BATCH=200]
//   TOKENS_FILE: one "kiosk-name token" per line (one kiosk per line, one thread per kiosk).
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/districts.h"
#include "core/survey.h"
#include "protocol/batch.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Kiosk {
    std::string name, token;
};

// A batch of plausible answers from this kiosk: random options of the real survey and districts.
std::string make_batch(const Kiosk& k, const lkp::Survey& survey, const lkp::DistrictList& districts,
                       std::mt19937_64& rng, std::int64_t& seq, int size) {
    std::vector<lkp::Response> batch;
    auto now = lkp::format_utc(std::chrono::system_clock::now());
    for (int i = 0; i < size; ++i) {
        lkp::Response r;
        r.id = lkp::new_uuid_v4();
        r.kiosk_id = k.name;
        r.seq = ++seq;
        r.survey_id = survey.id;
        r.survey_version = survey.version;
        r.language = "sv";
        r.district = districts.districts[rng() % districts.districts.size()].code;
        for (const auto& q : survey.questions)
            r.answers.emplace_back(q.id, q.scale.options[rng() % q.scale.options.size()].value);
        r.started_at = r.submitted_at = now;
        batch.push_back(std::move(r));
    }
    return lkp::sync::encode_batch(batch);
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s URL TOKENS_FILE [SECONDS=20] [BATCH=200]\n", argv[0]);
        return 2;
    }
    std::string url = argv[1];
    int seconds = argc > 3 ? std::atoi(argv[3]) : 20;
    int batch_size = argc > 4 ? std::atoi(argv[4]) : 200;
    std::vector<Kiosk> kiosks;
    std::ifstream in(argv[2]);
    for (Kiosk k; in >> k.name >> k.token;) kiosks.push_back(k);
    if (kiosks.empty()) {
        std::fprintf(stderr, "%s: no \"name token\" lines\n", argv[2]);
        return 2;
    }
    auto survey = lkp::load_survey(LKP_ASSET_DIR "/surveys/helsingborg-lkp.json");
    auto districts = lkp::load_districts(LKP_ASSET_DIR "/districts/helsingborg.json");

    std::atomic<long> created{0}, failed{0}, throttled{0};
    std::mutex m;
    std::vector<double> latencies_ms;
    auto deadline = Clock::now() + std::chrono::seconds(seconds);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < kiosks.size(); ++i) {
        threads.emplace_back([&, i] {
            const Kiosk& k = kiosks[i];
            std::mt19937_64 rng(i);
            std::int64_t seq = 0;
            httplib::Client client(url);
            client.set_read_timeout(60, 0);
            client.set_keep_alive(true);
            client.set_tcp_nodelay(true);
            httplib::Headers headers{{"Authorization", "Bearer " + k.token}};
            std::vector<double> mine;
            while (Clock::now() < deadline) {
                std::string body = make_batch(k, survey, districts, rng, seq, batch_size);
                headers.erase("Idempotency-Key");
                headers.emplace("Idempotency-Key", lkp::new_uuid_v4());
                auto t0 = Clock::now();
                auto res = client.Post(lkp::sync::kBatchPath, headers, body, "application/json");
                double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
                if (res && (res->status == 429 || res->status == 503)) {
                    // Back-pressure, as the real client gets it: wait as told, then go on.
                    ++throttled;
                    long wait = std::atol(res->get_header_value("Retry-After").c_str());
                    std::this_thread::sleep_for(std::chrono::seconds(std::max(1L, wait)));
                    continue;
                }
                if (!res || res->status != 200) {
                    if (failed++ == 0)
                        std::fprintf(stderr, "first failure: %s\n",
                                     res ? ("HTTP " + std::to_string(res->status) + " " + res->body).c_str()
                                         : httplib::to_string(res.error()).c_str());
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));
                    continue;
                }
                mine.push_back(ms);
                created += batch_size;
            }
            std::lock_guard lock(m);
            latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
        });
    }
    auto t0 = Clock::now();
    for (auto& t : threads) t.join();
    double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf(
        "kiosks %zu, batch %d, %.1f s: %ld responses stored, %.0f responses/s; %zu batches, "
        "%ld answered 429/503 (waited Retry-After), %ld failed\n",
        kiosks.size(), batch_size, wall, created.load(), static_cast<double>(created.load()) / wall,
        latencies_ms.size(), throttled.load(), failed.load());
    std::printf("batch latency ms: median %.1f, p90 %.1f, p99 %.1f, max %.1f\n", percentile(latencies_ms, 0.5),
                percentile(latencies_ms, 0.9), percentile(latencies_ms, 0.99), percentile(latencies_ms, 1.0));
    return failed.load() == 0 ? 0 : 1;
}
