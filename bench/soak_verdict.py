"""Samples of a process from /proc and the soak's rule for "flat" (the same rule as
tests/soak/soak_sampler.cpp, for the window soak).

The rule: after the warm-up, take the first tenth and the last tenth of the remaining samples (at
least 3 each). The baseline is the highest value in the first tenth, the end the lowest in the last
tenth. Flat: end <= baseline * 1.05 for RSS; for open files and threads, which are whole numbers,
end <= baseline + floor(baseline * 0.05), i.e. equal below 20. Highest-then-lowest lets a file or
thread that is open for a moment (a sync connection, a database journal, the UI tree being
replaced) pass, and catches what stays: a leak only grows, so it lifts the lowest value too.
"""
import csv
import os

METRICS = (("rss_kib", "RSS (KiB)", 1), ("fds", "open files", 2), ("threads", "threads", 3))


def sample_proc(pid):
    """(VmRSS in KiB, open file descriptors, threads) of PID, or None when it is gone."""
    try:
        rss = threads = None
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("Threads:"):
                    threads = int(line.split()[1])
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        return (rss, fds, threads)
    except (OSError, ValueError):
        return None


def limit(metric, baseline):
    if metric == "rss_kib":
        return baseline * 1.05
    return baseline + baseline * 5 // 100


def verdict(samples, warm_up_s):
    """samples: (seconds, rss_kib, fds, threads). Returns {metric: (start, baseline, end, max_after, ok)}."""
    after = [s for s in samples if s[0] >= warm_up_s]
    if len(after) < 6:
        raise ValueError(f"only {len(after)} samples after the warm-up: run longer")
    n = max(3, len(after) // 10)
    out = {}
    for name, _, i in METRICS:
        baseline = max(s[i] for s in after[:n])
        end = min(s[i] for s in after[-n:])
        out[name] = (samples[0][i], baseline, end, max(s[i] for s in after), end <= limit(name, baseline))
    return out


def report(who, samples, warm_up_s):
    """Prints the table; True when all three are flat."""
    v = verdict(samples, warm_up_s)
    print(f"{who}: {len(samples)} samples over {samples[-1][0]:.0f} s, warm-up {warm_up_s:.0f} s")
    print(f"  {'':12} {'start':>10} {'after warm-up':>14} {'end':>10} {'max after':>10}  flat?")
    for name, label, _ in METRICS:
        start, base, end, top, ok = v[name]
        print(f"  {label:12} {start:>10} {base:>14} {end:>10} {top:>10}  {'yes' if ok else 'NO'}")
    return all(x[4] for x in v.values())


def write_csv(path, samples):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["seconds", "rss_kib", "fds", "threads"])
        for s in samples:
            w.writerow([f"{s[0]:.1f}", *s[1:]])
