#!/usr/bin/env python3
"""Latency of the store's public indicator routes, one request at a time on one keep-alive connection.

Usage: bench/indicator_latency.py URL ROUNDS [WARMUP] [PATH ...]

Each round sends every PATH once, in order (a mix, not one route hammered); WARMUP rounds
(default 3) go first and are not counted. Every answer must be 200 and is read whole. Prints,
per path, the median, p90, p99 and max in ms (nearest rank), and the bytes of the answer.
The time is from just before the request is written to the last byte of the body read, so it
includes the client's own work (well under 1 ms per request).
"""
import http.client
import sys
import time
import urllib.parse

DEFAULT_PATHS = [
    "/v1/indicators?period=quarter",
    "/v1/indicators?period=month&district=x-centrum",
    "/v1/data/kpi/trygghet_otrygg_andel/municipality/1283/year/2026",
    "/v1/oudata/kpi/livskvalitet_medel/year/2025",
]


def rank(sorted_values, q):
    """Nearest-rank percentile q (0-100) of an ascending list."""
    i = max(1, -(-len(sorted_values) * q // 100))  # ceil
    return sorted_values[int(i) - 1]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    url = urllib.parse.urlsplit(sys.argv[1])
    rounds = int(sys.argv[2])
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    paths = sys.argv[4:] or DEFAULT_PATHS
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    times = {p: [] for p in paths}
    size = {}
    for r in range(warmup + rounds):
        for p in paths:
            t0 = time.perf_counter()
            conn.request("GET", p)
            answer = conn.getresponse()
            body = answer.read()
            t1 = time.perf_counter()
            if answer.status != 200:
                sys.exit(f"{p}: HTTP {answer.status}: {body[:300]!r}")
            size[p] = len(body)
            if r >= warmup:
                times[p].append((t1 - t0) * 1000)
    print(f"{rounds} rounds of {len(paths)} requests after {warmup} warm-up rounds, sequential, keep-alive")
    for p in paths:
        v = sorted(times[p])
        print(f"{p}: median {rank(v, 50):.1f} ms, p90 {rank(v, 90):.1f} ms, p99 {rank(v, 99):.1f} ms, "
              f"max {v[-1]:.1f} ms ({len(v)} requests, {size[p]:,} bytes)")
    every = sorted(t for v in times.values() for t in v)
    print(f"all routes: median {rank(every, 50):.1f} ms, p99 {rank(every, 99):.1f} ms ({len(every)} requests)")


if __name__ == "__main__":
    main()
