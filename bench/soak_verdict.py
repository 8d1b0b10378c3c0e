"""Samples of a process from /proc and the soak's rule for "flat" (the same rule as
tests/soak/soak_sampler.cpp, for the window soak).

The rule: after the warm-up, the lowest value in the last tenth of the samples (at least 3) may be
at most 5 % above the highest value in the first half. For open files and threads, whole numbers,
5 % is rounded down: equal below 20. The lowest at the end lets a file or thread open for a moment
(a sync connection, the UI tree being replaced) pass, and the highest of the first half lets RSS
swing with the work in hand; a leak only grows, so it lifts the lowest value at the end above the
highest of the middle.
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
    """samples: (seconds, rss_kib, fds, threads).
    Returns {metric: (start, after_warm_up, last, early_max, late_min, ok)}."""
    after = [s for s in samples if s[0] >= warm_up_s]
    if len(after) < 6:
        raise ValueError(f"only {len(after)} samples after the warm-up: run longer")
    tenth = max(3, len(after) // 10)
    half = len(after) // 2
    out = {}
    for name, _, i in METRICS:
        early_max = max(s[i] for s in after[:half])
        late_min = min(s[i] for s in after[-tenth:])
        out[name] = (samples[0][i], after[0][i], after[-1][i], early_max, late_min,
                     late_min <= limit(name, early_max))
    return out


def report(who, samples, warm_up_s):
    """Prints the table; True when all three are flat."""
    v = verdict(samples, warm_up_s)
    print(f"{who}: {len(samples)} samples over {samples[-1][0]:.0f} s, warm-up {warm_up_s:.0f} s")
    print(f"  {'':12} {'start':>9} {'after warm-up':>14} {'end':>9}  {'max, 1st half':>16} {'min, last tenth':>16}  flat?")
    for name, label, _ in METRICS:
        start, warm, last, early_max, late_min, ok = v[name]
        print(f"  {label:12} {start:>9} {warm:>14} {last:>9}  {early_max:>16} {late_min:>16}  {'yes' if ok else 'NO'}")
    return all(x[5] for x in v.values())


def write_csv(path, samples):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["seconds", "rss_kib", "fds", "threads"])
        for s in samples:
            w.writerow([f"{s[0]:.1f}", *s[1:]])


if __name__ == "__main__":
    # python3 bench/soak_verdict.py SAMPLES.csv WARM_UP_SECONDS: the verdict on a kept run.
    import sys
    with open(sys.argv[1], newline="") as f:
        rows = [(float(r["seconds"]), int(r["rss_kib"]), int(r["fds"]), int(r["threads"])) for r in csv.DictReader(f)]
    sys.exit(0 if report(sys.argv[1], rows, float(sys.argv[2])) else 1)
