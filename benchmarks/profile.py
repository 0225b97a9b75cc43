"""Profile one workload of one peer, top functions by self time:

    python -m benchmarks.profile reference W2 100000 [--top 20]            # cProfile
    python -m benchmarks.profile reference W2 100000 --py-spy [--rate 2000] # sampling
    python -m benchmarks.profile reference W2 20000 --calls                 # count calls

``--calls`` counts Python and C function calls per unit of size (per round
trip for W2, per goroutine for W1...): a noise-free measure of how much a
runtime does per operation, to track an optimisation on a busy machine.

With ``--py-spy`` (if py-spy is installed) the worker process is sampled
from outside: no instrumentation cost and greenlets are no problem, so the
shares are the real ones.  Self time is the share of samples whose
innermost Python frame is that function; "incl" the share of samples with
that function anywhere on the stack.

cProfile follows greenlet switches poorly: cumulative times and call
counts of functions that switch are wrong (a switch looks like a very deep
recursion), but self time ("tottime") is right, and that is what tells
where a runtime spends its time.  cProfile's own cost inflates every Python
call, so compare functions with each other, not with the benchmark's timing.
Not for W3 (it ends the process as soon as it has measured).
"""
from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
if os.environ.get("BENCH_REF_PATH"):     # a snapshot of reference_runtime, as worker.py
    sys.path.insert(0, os.environ["BENCH_REF_PATH"])


def profile(peer: str, workload: str, size: int, top: int = 20, sort: str = "tottime") -> str:
    mod = importlib.import_module(f"benchmarks.peers.{peer}_peer")
    fn = mod.WORKLOADS[workload]
    pr = cProfile.Profile()
    pr.enable()
    result = fn(size)
    pr.disable()
    out = io.StringIO()
    st = pstats.Stats(pr, stream=out)
    st.sort_stats(sort).print_stats(top)
    total = sum(v[2] for v in st.stats.values())   # self times add up to the total
    lines = [f"{peer} {workload} size {size}: {result}",
             f"total self time under cProfile: {total:.2f} s", ""]
    rows = sorted(st.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    lines.append(f"{'self s':>8} {'self %':>7} {'calls':>10}  function")
    for (filename, line, name), (cc, nc, tt, ct, callers) in rows:
        short = filename.replace(ROOT + os.sep, "")
        lines.append(f"{tt:8.3f} {100 * tt / total:6.1f}% {nc:10d}  {short}:{line}({name})")
    return "\n".join(lines)


def count_calls(peer: str, workload: str, size: int, top: int = 20) -> str:
    mod = importlib.import_module(f"benchmarks.peers.{peer}_peer")
    fn = mod.WORKLOADS[workload]
    py, cc = Counter(), Counter()

    def hook(frame, event, arg):
        if event == "call":
            code = frame.f_code
            py[f"{code.co_filename.replace(ROOT + os.sep, '')}:{code.co_name}"] += 1
        elif event == "c_call":
            cc[getattr(arg, "__qualname__", repr(arg))] += 1

    sys.setprofile(hook)
    try:
        result = fn(size)
    finally:
        sys.setprofile(None)
    npy, nc = sum(py.values()), sum(cc.values())
    lines = [f"{peer} {workload} size {size}: {result}",
             f"Python calls per unit: {npy / size:.2f}   C calls per unit: {nc / size:.2f}", "",
             f"{'per unit':>9}  Python function"]
    lines += [f"{c / size:9.2f}  {f}" for f, c in py.most_common(top)]
    lines += ["", f"{'per unit':>9}  C function"]
    lines += [f"{c / size:9.2f}  {f}" for f, c in cc.most_common(min(top, 10))]
    return "\n".join(lines)


_FRAME = re.compile(r"^(.*) \((.*?)(?::\d+)?\)$")


def _func(frame: str) -> str:
    m = _FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    name, path = m.groups()
    return f"{path}:{name}"


def pyspy(peer: str, workload: str, size: int, top: int = 20, rate: int = 2000) -> str:
    exe = shutil.which("py-spy")
    if exe is None:
        raise SystemExit("py-spy is not installed (pip install py-spy)")
    worker = os.path.join(ROOT, "benchmarks", "worker.py")
    with tempfile.TemporaryDirectory() as d:
        raw = os.path.join(d, "raw.txt")
        r = subprocess.run([exe, "record", "-r", str(rate), "--nonblocking", "-f", "raw",
                            "-o", raw, "--",
                            sys.executable, worker, peer, workload, str(size)],
                           capture_output=True, text=True)
        if r.returncode != 0 or not os.path.exists(raw):
            raise SystemExit("py-spy failed:\n" + r.stderr[-2000:])
        selfc, incl = Counter(), Counter()
        total = 0
        with open(raw) as f:
            for line in f:
                stack, _, n = line.rstrip("\n").rpartition(" ")
                if not stack:
                    continue
                n = int(n)
                frames = [_func(x) for x in stack.split(";")]
                if frames[0].endswith("Thread._bootstrap"):
                    continue                 # another thread (sysmon, syscall workers)
                if any("importlib._bootstrap" in fr for fr in frames):
                    continue                 # the worker importing the peer's modules
                total += n
                selfc[frames[-1]] += n
                for fn in set(frames):
                    incl[fn] += n
    result = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    lines = [f"{peer} {workload} size {size}: {result[-1] if result else r.stdout[-300:]}",
             f"py-spy: {total} samples of the host thread at {rate} Hz (idle, imports and "
             f"other threads excluded)", "",
             f"{'self %':>7} {'incl %':>7}  function"]
    for fn, c in selfc.most_common(top):
        lines.append(f"{100 * c / total:6.1f}% {100 * incl[fn] / total:6.1f}%  {fn}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("peer")
    ap.add_argument("workload")
    ap.add_argument("size", type=int)
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--sort", default="tottime")
    ap.add_argument("--py-spy", action="store_true", help="sample with py-spy instead")
    ap.add_argument("--rate", type=int, default=2000, help="py-spy samples per second")
    ap.add_argument("--calls", action="store_true", help="count calls per unit instead")
    a = ap.parse_args(argv)
    if a.workload.startswith("W3") and not a.py_spy:
        ap.error("W3 ends its process when it has measured; use --py-spy or another workload")
    if a.calls:
        print(count_calls(a.peer, a.workload, a.size, a.top))
        return 0
    if a.py_spy:
        print(pyspy(a.peer, a.workload, a.size, a.top, a.rate))
        return 0
    print(profile(a.peer, a.workload, a.size, a.top, a.sort))
    return 0


if __name__ == "__main__":
    sys.exit(main())
