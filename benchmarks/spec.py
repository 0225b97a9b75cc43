"""What the suite measures: the workloads, their units and sizes, and which
peer runs which workload at what size (and why some do not)."""
from __future__ import annotations

from dataclasses import dataclass, field

PEERS = ["reference", "floor", "gevent", "asyncio", "threads", "go"]

PEER_NOTES = {
    "reference": "reference_runtime, run(..., gomaxprocs=1), preempt='async' unless the "
                 "workload says otherwise",
    "floor": "benchmarks/peers/floor.py: hub greenlet, deque run queue, deque wait queues, "
             "pooled greenlets (4 switches per channel round trip)",
    "gevent": "gevent.spawn, gevent.queue.Channel (unbuffered) / Queue(64), gevent.sleep(0), "
              "gevent.socket",
    "asyncio": "tasks on the default event loop, a future-based unbuffered channel, "
               "asyncio.Queue(64), asyncio.sleep(0), asyncio streams",
    "threads": "threading.Thread per goroutine, queue.Queue(1) as the unbuffered channel, "
               "queue.Queue(64), time.sleep(0), blocking sockets",
    "go": "Go (benchmarks/go/main.go), GOMAXPROCS=1",
}


@dataclass
class Workload:
    name: str
    title: str
    unit: str
    better: str = "lower"          # "lower" (a cost) or "higher" (a rate)
    full: int = 0                  # size in full mode
    quick: int | None = 0          # size in --quick mode; None: not run in quick mode
    peers: tuple = ()              # peers that run it
    sizes: dict = field(default_factory=dict)   # peer -> (full, quick) size override
    max_reps: int | None = None    # cap on repetitions (slow, low-variance measurements)
    group: str = "main"            # "main" or "preempt"
    size_meaning: str = "n"


ALL_PY = ("reference", "floor", "gevent", "asyncio", "threads")
ALL = ALL_PY + ("go",)
NET_PEERS = ("reference", "gevent", "asyncio", "threads", "go")

_W = [
    Workload("W1", "spawn trivial goroutines", "µs/goroutine", full=100_000, quick=2_000,
             peers=ALL, sizes={"threads": (20_000, 500)}, size_meaning="goroutines"),
    Workload("W2", "ping-pong, 2 unbuffered chans", "ns/round trip", full=100_000, quick=2_000,
             peers=ALL, sizes={"threads": (20_000, 500)}, size_meaning="round trips"),
    Workload("W3", "parked goroutines: RSS", "bytes/goroutine", full=100_000, quick=2_000,
             peers=ALL, sizes={"threads": (10_000, 500)}, max_reps=3,
             size_meaning="goroutines"),
    Workload("W3-1M", "1M parked goroutines: RSS", "bytes/goroutine", full=1_000_000,
             quick=None, peers=("reference", "floor", "go"), max_reps=1,
             size_meaning="goroutines"),
    Workload("W4", "prime sieve to the n-th prime", "s", full=500, quick=40, peers=ALL,
             size_meaning="primes"),
    Workload("W5", "worker pool 1->64->8->64->1", "ms", full=100_000, quick=2_000, peers=ALL,
             size_meaning="items"),
    Workload("W6-k10", "yield, 10 runnable", "ns/yield", full=10, quick=10, peers=ALL,
             size_meaning="runnable goroutines"),
    Workload("W6-k100k", "yield, 100k runnable", "ns/yield", full=100_000, quick=1_000,
             peers=("reference", "floor", "gevent", "asyncio", "go"),
             size_meaning="runnable goroutines"),
    Workload("NET", "echo over loopback", "round trips/s", better="higher", full=2_000,
             quick=100, peers=NET_PEERS, sizes={"threads": (500, 50)},
             size_meaning="connections"),
]
for _m in ("off", "calls", "async"):
    _W.append(Workload(f"P-W2-{_m}", f"W2 with preempt={_m!r}", "ns/round trip",
                       full=100_000, quick=2_000, peers=("reference",), group="preempt",
                       size_meaning="round trips"))
for _m in ("off", "calls", "async"):
    _W.append(Workload(f"P-W4-{_m}", f"W4 with preempt={_m!r}", "s", full=500, quick=40,
                       peers=("reference",), group="preempt", size_meaning="primes"))
for _m in ("off", "calls", "async"):
    _W.append(Workload(f"P-LAT-{_m}", f"wake-up lateness beside `i += 1` loop, {_m}",
                       "ms (median)", full=3_000, quick=300,
                       peers=("reference", "go") if _m == "async" else ("reference",),
                       group="preempt", size_meaning="timeout ms"))
for _m in ("off", "calls", "async"):
    _W.append(Workload(f"P-LATCALL-{_m}", f"wake-up lateness beside a loop with a call, {_m}",
                       "ms (median)", full=3_000, quick=300, peers=("reference",),
                       group="preempt", size_meaning="timeout ms"))

WORKLOADS: dict[str, Workload] = {w.name: w for w in _W}

SKIPPED = {
    ("floor", "NET"): "the floor has no netpoller",
    ("floor", "P-*"): "the floor has no preemption",
    ("gevent", "P-*"): "gevent has no preemption",
    ("asyncio", "P-*"): "asyncio has no preemption",
    ("threads", "P-*"): "threads are preempted by the OS and the GIL, not comparable",
    ("gevent", "W3-1M"): "1M only for the reference, the floor and Go (brief)",
    ("asyncio", "W3-1M"): "1M only for the reference, the floor and Go (brief)",
    ("threads", "W3-1M"): "1M OS threads do not fit (pid_max 32768, max_map_count 65530)",
    ("threads", "W6-k100k"): "100k OS threads do not fit (pid_max 32768)",
    ("go", "P-W2/P-W4"): "Go's own W2/W4 are its async-preemption numbers",
    ("go", "P-LAT off/calls"): "Go 1.19 cannot bound a starved run from inside (GOMAXPROCS=1)",
}


def size_for(w: Workload, peer: str, quick: bool) -> int | None:
    full, q = w.sizes.get(peer, (w.full, w.quick))
    return q if quick else full
