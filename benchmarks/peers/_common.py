"""Helpers shared by the peers' workload modules (run inside a worker)."""
from __future__ import annotations

import gc
import os
import resource
import statistics
import time

PAGE = os.sysconf("SC_PAGE_SIZE")
#: The clock around each timed window: wall time, or (BENCH_CLOCK=cpu, set by
#: ``run.py --clock cpu``) the process's CPU time, user + system, all threads:
#: the CPU cost of the work, which other processes on a busy machine do not
#: inflate.  PREEMPT's lateness is always wall time (the runtime's own now()).
CLOCK = os.environ.get("BENCH_CLOCK", "wall")
clock = time.process_time if CLOCK == "cpu" else time.perf_counter

#: Set by the harness in --quick mode: fixed counts shrink too.
QUICK = os.environ.get("BENCH_QUICK") == "1"
#: W6: yields counted in the steady state (after every goroutine has started)
W6_MIN_YIELDS = 20_000 if QUICK else 200_000
#: NET: bytes per message; total round trips wanted (spread over the connections)
NET_MSG = b"x" * 32
NET_TOTAL = 1_000 if QUICK else 20_000
#: PREEMPT latency: number of sleep(0.001) samples wanted
LAT_SAMPLES = 5 if QUICK else 20


def rss() -> int:
    """Resident set size in bytes (from /proc/self/statm, else getrusage)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def settle() -> int:
    """Collect garbage, then read RSS."""
    gc.collect()
    return rss()


def raise_fd_limit(need: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = need if hard == resource.RLIM_INFINITY else min(need, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def net_rounds(conns: int) -> int:
    """Round trips per connection: enough total work (>= NET_TOTAL round
    trips) for a stable rate, at least 5 per connection."""
    return max(5, NET_TOTAL // max(conns, 1))


def nth_prime(n: int) -> int:
    """The n-th prime, computed plainly (to check the sieves)."""
    found, k = 0, 1
    while found < n:
        k += 1
        if all(k % p for p in range(2, int(k ** 0.5) + 1)):
            found += 1
    return k


def lateness_stats(late: list[float]) -> dict:
    return {"value": statistics.median(late) * 1e3, "max_ms": max(late) * 1e3,
            "samples": len(late), "starved": False}


def w6_rounds(k: int) -> int:
    """Yields per goroutine in W6's measured window."""
    return max(2, -(-W6_MIN_YIELDS // k))


#: Set by the worker: (peer, workload, size) of this process's measurement.
CONTEXT: dict = {}


def finish(result: dict) -> None:
    """Print the result line and end the process at once, without tearing
    down what the workload built (100k parked goroutines or threads): as a
    Go program ends when main returns.  Used where teardown would cost more
    than the measurement (W3)."""
    import json
    import sys
    line = dict(CONTEXT)
    line.update(result)
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()
    os._exit(0)
