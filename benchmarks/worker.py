"""One measurement in a fresh process:

    python benchmarks/worker.py <peer> <workload> <size>

prints one JSON line: {"peer", "workload", "size", "value", ...extra}.  The
unit of "value" is the workload's (see benchmarks/spec.py).  The Go peer
execs the Go binary built by the harness (its path in $GOBENCH_BIN), which
prints the same line.
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    peer, workload, size_s = argv
    size = int(size_s)
    if peer == "go":
        exe = os.environ.get("GOBENCH_BIN") or os.path.join(HERE, "go", "bin", "gobench")
        sys.stdout.flush()
        os.execv(exe, [exe, workload, str(size)])
    # run as a script, sys.path[0] is benchmarks/: import it as a package instead
    if sys.path and os.path.abspath(sys.path[0] or ".") == HERE:
        sys.path.pop(0)
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    snap = os.environ.get("BENCH_REF_PATH")
    if snap:    # a snapshot of reference_runtime (run.py --ref-rev) shadows the tree's
        sys.path.insert(0, snap)
    import importlib

    from benchmarks.peers import _common
    mod = importlib.import_module(f"benchmarks.peers.{peer}_peer")
    fn = mod.WORKLOADS.get(workload)
    if fn is None:
        sys.stderr.write(f"peer {peer} does not implement {workload}\n")
        return 3
    _common.CONTEXT.update(peer=peer, workload=workload, size=size)
    import time
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn(size)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    line = dict(_common.CONTEXT)
    # CPU time of the process (all its threads) over wall time of the call:
    # well under 1 for a single-threaded peer means other processes took the CPU
    line["cpu_frac"] = round(cpu / wall, 3) if wall > 0 else None
    line.update(result)
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()
    # End without tearing down what the workload left alive (abandoned
    # goroutines, blocked daemon threads): the measurement is done.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
