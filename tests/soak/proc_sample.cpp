#include "proc_sample.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace lkp::soak {

std::optional<ProcSample> sample_proc(pid_t pid, double seconds) {
    std::string dir = pid == 0 ? "/proc/self" : "/proc/" + std::to_string(pid);
    ProcSample s;
    s.seconds = seconds;
    std::ifstream status(dir + "/status");
    if (!status) return std::nullopt;
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("VmRSS:")) s.rss_kib = std::stol(line.substr(6));
        if (line.starts_with("Threads:")) s.threads = std::stol(line.substr(8));
    }
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(dir + "/fd", ec); !ec && it != std::filesystem::end(it);
         it.increment(ec))
        ++s.fds;
    if (ec || s.threads == 0) return std::nullopt;
    // Reading our own fd folder holds one descriptor open while it is listed: not ours to count.
    if (pid == 0) --s.fds;
    return s;
}

std::vector<MetricVerdict> verdict(const std::vector<ProcSample>& samples, std::size_t warm_up_end) {
    if (warm_up_end >= samples.size() || samples.size() - warm_up_end < 6)
        throw std::runtime_error("fewer than 6 samples after the warm-up: run longer");
    std::vector<ProcSample> after(samples.begin() + static_cast<std::ptrdiff_t>(warm_up_end), samples.end());
    std::size_t n = std::max<std::size_t>(3, after.size() / 10);
    struct Metric {
        const char* name;
        long ProcSample::*field;
        bool whole;
    };
    std::vector<MetricVerdict> out;
    for (Metric m : {Metric{"RSS (KiB)", &ProcSample::rss_kib, false}, Metric{"open files", &ProcSample::fds, true},
                     Metric{"threads", &ProcSample::threads, true}}) {
        MetricVerdict v;
        v.name = m.name;
        v.start = samples.front().*m.field;
        for (std::size_t i = 0; i < after.size(); ++i) {
            long x = after[i].*m.field;
            v.max_after = std::max(v.max_after, x);
            if (i < n) v.baseline = std::max(v.baseline, x);
        }
        v.end = v.max_after;
        for (std::size_t i = after.size() - n; i < after.size(); ++i) v.end = std::min(v.end, after[i].*m.field);
        v.flat = m.whole ? v.end <= v.baseline + v.baseline * 5 / 100
                         : static_cast<double>(v.end) <= static_cast<double>(v.baseline) * 1.05;
        out.push_back(v);
    }
    return out;
}

bool report(const std::string& who, const std::vector<ProcSample>& samples, std::size_t warm_up_end) {
    auto v = verdict(samples, warm_up_end);
    std::printf("%s: %zu samples over %.0f s, warm-up %.0f s (%zu samples)\n", who.c_str(), samples.size(),
                samples.back().seconds, samples[warm_up_end].seconds, warm_up_end);
    std::printf("  %-12s %10s %14s %10s %10s  flat?\n", "", "start", "after warm-up", "end", "max after");
    bool all = true;
    for (const auto& m : v) {
        std::printf("  %-12s %10ld %14ld %10ld %10ld  %s\n", m.name.c_str(), m.start, m.baseline, m.end, m.max_after,
                    m.flat ? "yes" : "NO");
        all = all && m.flat;
    }
    std::fflush(stdout);
    return all;
}

void write_csv(const std::string& path, const std::vector<ProcSample>& samples) {
    std::ofstream out(path);
    out << "seconds,rss_kib,fds,threads\n";
    for (const auto& s : samples) out << s.seconds << ',' << s.rss_kib << ',' << s.fds << ',' << s.threads << '\n';
    if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace lkp::soak
