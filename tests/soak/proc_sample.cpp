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
    std::size_t tenth = std::max<std::size_t>(3, after.size() / 10), half = after.size() / 2;
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
        v.after_warm_up = after.front().*m.field;
        v.last = after.back().*m.field;
        for (std::size_t i = 0; i < half; ++i) v.early_max = std::max(v.early_max, after[i].*m.field);
        v.late_min = v.last;
        for (std::size_t i = after.size() - tenth; i < after.size(); ++i)
            v.late_min = std::min(v.late_min, after[i].*m.field);
        v.flat = m.whole ? v.late_min <= v.early_max + v.early_max * 5 / 100
                         : static_cast<double>(v.late_min) <= static_cast<double>(v.early_max) * 1.05;
        out.push_back(v);
    }
    return out;
}

bool report(const std::string& who, const std::vector<ProcSample>& samples, std::size_t warm_up_end, bool judge_rss) {
    auto v = verdict(samples, warm_up_end);
    v[0].judged = judge_rss;
    std::printf("%s: %zu samples over %.0f s, warm-up %.0f s (%zu samples)\n", who.c_str(), samples.size(),
                samples.back().seconds, samples[warm_up_end].seconds, warm_up_end);
    std::printf("  %-12s %9s %14s %9s  %16s %16s  %s\n", "", "start", "after warm-up", "end", "max, 1st half",
                "min, last tenth", "flat?");
    bool all = true;
    for (const auto& m : v) {
        std::printf("  %-12s %9ld %14ld %9ld  %16ld %16ld  %s\n", m.name.c_str(), m.start, m.after_warm_up, m.last,
                    m.early_max, m.late_min,
                    !m.judged ? "not judged"
                    : m.flat  ? "yes"
                              : "NO");
        all = all && (m.flat || !m.judged);
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
