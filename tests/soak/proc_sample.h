#pragma once
// What a soak watches of a process, from /proc, and its rule for "flat" (the same rule as
// bench/soak_verdict.py, which the window soak uses).
//
// The rule: after the warm-up, the lowest value in the last tenth of the samples (at least 3) may
// be at most 5 % above the highest value in the first half. For open files and threads, whole
// numbers, 5 % is rounded down: equal below 20. The lowest at the end lets a file or thread open
// for a moment (a sync connection, a journal) pass, and the highest of the first half lets RSS
// swing with the work in hand (a large batch being sent); a leak only grows, so it lifts the
// lowest value at the end above the highest of the middle.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace lkp::soak {

struct ProcSample {
    double seconds = 0;  // since the soak began
    long rss_kib = 0;    // VmRSS
    long fds = 0;        // entries of /proc/PID/fd
    long threads = 0;
};

// nullopt when the process is gone. pid 0: this process.
std::optional<ProcSample> sample_proc(pid_t pid, double seconds);

struct MetricVerdict {
    std::string name;
    long start = 0;          // the first sample
    long after_warm_up = 0;  // the first sample after the warm-up
    long last = 0;           // the last sample
    long early_max = 0;      // highest in the first half after the warm-up
    long late_min = 0;       // lowest in the last tenth
    bool judged = true;      // false: shown, not judged
    bool flat = false;
};

// `warm_up_end`: index of the first sample after the warm-up. Throws when fewer than 6 remain.
std::vector<MetricVerdict> verdict(const std::vector<ProcSample>& samples, std::size_t warm_up_end);

// Prints the table under `who`; true when what is judged is flat. `judge_rss` false: RSS is shown
// but not judged (the store's page cache still filling).
bool report(const std::string& who, const std::vector<ProcSample>& samples, std::size_t warm_up_end,
            bool judge_rss = true);

// seconds,rss_kib,fds,threads: one line per sample.
void write_csv(const std::string& path, const std::vector<ProcSample>& samples);

}  // namespace lkp::soak
