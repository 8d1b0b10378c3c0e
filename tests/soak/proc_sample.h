#pragma once
// What a soak watches of a process, from /proc, and its rule for "flat" (the same rule as
// bench/soak_verdict.py, which the window soak uses).
//
// The rule: after the warm-up, take the first tenth and the last tenth of the remaining samples
// (at least 3 each). The baseline is the highest value in the first tenth, the end the lowest in
// the last tenth. Flat: end <= baseline * 1.05 for RSS; for open files and threads, whole numbers,
// end <= baseline + floor(baseline * 0.05), i.e. equal below 20. A file or thread open for a
// moment (a sync connection, a journal) passes; a leak only grows, so it lifts the lowest too.
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
    long start = 0, baseline = 0, end = 0, max_after = 0;
    bool flat = false;
};

// `warm_up_end`: index of the first sample after the warm-up. Throws when fewer than 6 remain.
std::vector<MetricVerdict> verdict(const std::vector<ProcSample>& samples, std::size_t warm_up_end);

// Prints the table under `who`; true when all three are flat.
bool report(const std::string& who, const std::vector<ProcSample>& samples, std::size_t warm_up_end);

// seconds,rss_kib,fds,threads: one line per sample.
void write_csv(const std::string& path, const std::vector<ProcSample>& samples);

}  // namespace lkp::soak
