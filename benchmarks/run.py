"""The benchmark harness: ``python -m benchmarks`` (or ``python benchmarks/run.py``).

Every measurement runs in a fresh process (``benchmarks/worker.py <peer>
<workload> <size>``, which prints one JSON line).  Repetitions are
interleaved (rep 1 of everything, then rep 2, ...) so that a slow patch of
the machine does not land on one peer.  At the end: the medians with their
min-max range, the cost ratios against the floor, gevent and Go, the
preemption table; saved to ``results/latest.json`` and ``results/latest.png``.

    python -m benchmarks                 # full: 5 repetitions
    python -m benchmarks --reps 3
    python -m benchmarks --quick         # tiny sizes, 1 rep, no Go, no 1M: a smoke test
    python -m benchmarks --peers reference,floor --workloads W2,W4
    python -m benchmarks --ref-rev HEAD~2  # the reference runtime as committed there
    python -m benchmarks --clock cpu       # CPU time instead of wall time (a busy machine)

Benchmarks are not tests: nothing here asserts a time.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks.spec import PEER_NOTES, PEERS, SKIPPED, WORKLOADS, size_for  # noqa: E402

WORKER = os.path.join(HERE, "worker.py")
GO_DIR = os.path.join(HERE, "go")


# ------------------------------------------------------------------ running

def build_go(log) -> str | None:
    """Build the Go peer; return the binary's path, or None without Go."""
    go = shutil.which("go")
    if go is None:
        log("go: not on PATH, the Go peer is skipped")
        return None
    out = os.path.join(GO_DIR, "bin", "gobench")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    r = subprocess.run([go, "build", "-o", out, "."], cwd=GO_DIR, capture_output=True, text=True)
    if r.returncode != 0:
        log("go build failed, the Go peer is skipped:\n" + r.stderr)
        return None
    return out


def snapshot(rev: str) -> tuple[str, str]:
    """Extract reference_runtime/ as of git revision `rev` into a temporary
    directory; return (directory, full commit id)."""
    import tarfile
    import tempfile
    full = subprocess.run(["git", "rev-parse", "--verify", rev + "^{commit}"], cwd=ROOT,
                          capture_output=True, text=True)
    if full.returncode != 0:
        raise SystemExit(f"--ref-rev: unknown revision {rev!r}")
    d = tempfile.mkdtemp(prefix="bench-ref-")
    arc = subprocess.run(["git", "archive", "--format=tar", rev, "reference_runtime"],
                         cwd=ROOT, capture_output=True, check=True)
    import io
    with tarfile.open(fileobj=io.BytesIO(arc.stdout)) as tf:
        tf.extractall(d)
    return d, full.stdout.strip()


def go_version() -> str | None:
    go = shutil.which("go")
    if go is None:
        return None
    try:
        return subprocess.run([go, "version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return None


def measure(peer: str, workload: str, size: int, timeout: float, env: dict) -> dict:
    """One measurement in a fresh process: the worker's JSON line, or an error."""
    cmd = [sys.executable, WORKER, peer, workload, str(size)]
    load = os.getloadavg()[0]
    t0 = time.monotonic()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                           cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"worker timed out after {timeout:g} s"}
    wall = time.monotonic() - t0
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if r.returncode != 0 or not lines:
        tail = (r.stderr or r.stdout).strip().splitlines()[-6:]
        return {"error": f"exit status {r.returncode}: " + " | ".join(tail)}
    try:
        out = json.loads(lines[-1])
    except ValueError as e:
        return {"error": f"bad JSON from worker: {e}"}
    out["wall_s"] = wall
    out["load1"] = load
    return out


def plan(peers, workloads, quick: bool, go_ok: bool):
    """(workload, peer, size) triples to run, and skips with reasons."""
    todo, skipped = [], []
    for w in workloads:
        for peer in peers:
            if peer not in w.peers:
                continue
            if peer == "go" and not go_ok:
                skipped.append((peer, w.name, "Go not available" if not quick
                                else "Go is skipped in --quick mode"))
                continue
            size = size_for(w, peer, quick)
            if size is None:
                skipped.append((peer, w.name, "not run in --quick mode"))
                continue
            todo.append((w, peer, size))
    return todo, skipped


def aggregate(w, peer, size, runs) -> dict:
    ok = [r for r in runs if "error" not in r]
    entry = {"peer": peer, "workload": w.name, "size": size, "unit": w.unit,
             "better": w.better, "group": w.group, "reps": len(ok)}
    if not ok:
        entry["error"] = runs[-1]["error"] if runs else "not run"
        return entry
    values = [r["value"] for r in ok]
    entry.update(median=statistics.median(values), min=min(values), max=max(values),
                 values=values)
    # extras (held connections, max lateness, starved...) from the median run
    mid = sorted(ok, key=lambda r: r["value"])[(len(ok) - 1) // 2]
    extra = {k: v for k, v in mid.items()
             if k not in ("peer", "workload", "size", "value")}
    if "max_ms" in extra:
        extra["max_ms_all"] = max(r.get("max_ms", 0) for r in ok)
    starved = sum(1 for r in ok if r.get("starved"))
    if starved:
        extra["starved_runs"] = starved     # the median run's verdict is extra["starved"]
    entry["extra"] = extra
    errors = [r["error"] for r in runs if "error" in r]
    if errors:
        entry["errors"] = errors
    return entry


# ------------------------------------------------------------------ tables

def _cost(entry) -> float | None:
    v = entry.get("median")
    if not v or v <= 0:
        return None
    return v if entry["better"] == "lower" else 1.0 / v


def fmt_num(v: float) -> str:
    if v is None:
        return "—"
    a = abs(v)
    if a >= 100_000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    if a >= 0.01:
        return f"{v:.3f}"
    return f"{v:.2g}"


def fmt_cell(e) -> str:
    if e is None:
        return "—"
    if "median" not in e:
        return "error"
    s = fmt_num(e["median"])
    if e.get("extra", {}).get("starved"):
        return f"starved (>{s})"
    if e["reps"] > 1 and e["max"] > e["min"]:
        s += f" [{fmt_num(e['min'])}–{fmt_num(e['max'])}]"
    return s


def fmt_ratio(r) -> str:
    if r is None:
        return "—"
    return f"{r:.2f}×" if r < 10 else f"{r:.0f}×" if r >= 100 else f"{r:.1f}×"


def md_table(header, rows) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def tables(results: list, peers: list) -> str:
    by = {(e["workload"], e["peer"]): e for e in results}
    wls = [w for w in WORKLOADS.values() if any((w.name, p) in by for p in peers)]
    main = [w for w in wls if w.group == "main"]
    pre = [w for w in wls if w.group == "preempt"]
    cols = [p for p in peers if any((w.name, p) in by for w in main)]
    parts = []

    rows = []
    for w in main:
        sizes = {by[(w.name, p)]["size"] for p in cols if (w.name, p) in by}
        size = "/".join(f"{s:,}" for s in sorted(sizes, reverse=True))
        rows.append([f"{w.name} {w.title}", w.unit, size] +
                    [fmt_cell(by.get((w.name, p))) for p in cols])
    parts.append("Medians [min–max] (lower is better, except NET):\n\n"
                 + md_table(["workload", "unit", "size"] + cols, rows))

    for base in ("floor", "gevent", "go"):
        if base not in cols:
            continue
        rrows = []
        for w in main:
            b = by.get((w.name, base))
            bc = _cost(b) if b else None
            if not bc:
                continue
            row = [w.name]
            for p in cols:
                e = by.get((w.name, p))
                c = _cost(e) if e else None
                row.append(fmt_ratio(c / bc) if (c and bc) else "—")
            rrows.append(row)
        parts.append(f"Cost ratio against {base} (peer cost / {base} cost; >1 means slower or "
                     f"bigger; NET compares 1/throughput):\n\n"
                     + md_table(["workload"] + cols, rrows))

    if pre:
        rows = []
        for mode in ("off", "calls", "async"):
            row = [mode]
            for kind in ("P-W2", "P-W4"):
                row.append(fmt_cell(by.get((f"{kind}-{mode}", "reference"))))
            for kind in ("P-LAT", "P-LATCALL"):
                e = by.get((f"{kind}-{mode}", "reference"))
                row.append(_lat_cell(e))
            rows.append(row)
        g = by.get(("P-LAT-async", "go"))
        if g is not None:
            w2, w4 = by.get(("W2", "go")), by.get(("W4", "go"))
            rows.append(["Go 1.19 (async)", fmt_cell(w2), fmt_cell(w4), _lat_cell(g), "—"])
        parts.append("Preemption (reference, GOMAXPROCS=1): W2 ns/round trip, W4 s, and how "
                     "late a sleep(0.001) wakes beside a busy goroutine (median / max ms):\n\n"
                     + md_table(["mode", "W2 ns/rt", "W4 s", "lateness, `i += 1` loop",
                                 "lateness, loop calling a function"], rows))
    return "\n\n".join(parts)


def _lat_cell(e) -> str:
    if e is None:
        return "—"
    if "median" not in e:
        return "error"
    x = e.get("extra", {})
    if x.get("starved"):
        n = x.get("samples", 0)
        want = x.get("wanted", 20)
        return f"starved: {n} of {want} wake-ups in {e['size'] / 1e3:g} s"
    return f"{fmt_num(e['median'])} / {fmt_num(x.get('max_ms_all', x.get('max_ms')))}"


# ------------------------------------------------------------------ chart

COLORS = {"reference": "#d62728", "floor": "#7f7f7f", "gevent": "#1f77b4",
          "asyncio": "#2ca02c", "threads": "#9467bd", "go": "#17becf"}


def _bars(ax, labels, entries, colors):
    meds = [e["median"] for e in entries]
    lo = [m - e["min"] for m, e in zip(meds, entries)]
    hi = [e["max"] - m for m, e in zip(meds, entries)]
    ax.bar(range(len(labels)), meds, yerr=[lo, hi], capsize=3, color=colors)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
    pos = [m for m in meds if m > 0]
    if len(pos) > 1 and max(pos) / min(pos) > 20:
        ax.set_yscale("log")
    for i, e in enumerate(entries):
        if e.get("extra", {}).get("starved"):
            ax.text(i, meds[i], "starved", ha="center", va="bottom", fontsize=7)


def plot(results: list, peers: list, path: str, title: str) -> bool:
    """One panel per main workload (bars per peer), then the preemption
    panels (bars per mode).  Log scale where the bars span more than 20x."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    by = {(e["workload"], e["peer"]): e for e in results if "median" in e}
    main_w = [w for w in WORKLOADS.values()
              if w.group == "main" and any((w.name, p) in by for p in peers)]
    pre = []
    for kind, label, unit in (("P-W2", "W2 ping-pong by preemption mode", "ns/round trip"),
                              ("P-W4", "W4 sieve by preemption mode", "s"),
                              ("P-LAT", "sleep(1 ms) lateness beside `i += 1`", "ms, median"),
                              ("P-LATCALL", "sleep(1 ms) lateness beside a calling loop",
                               "ms, median")):
        items = [(m, by[(f"{kind}-{m}", "reference")]) for m in ("off", "calls", "async")
                 if (f"{kind}-{m}", "reference") in by]
        if kind == "P-LAT" and ("P-LAT-async", "go") in by:
            items.append(("Go async", by[("P-LAT-async", "go")]))
        if items:
            pre.append((label, unit, items))
    n = len(main_w) + len(pre)
    if n == 0:
        return False
    ncol = 4
    nrow = -(-n // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.4 * nrow), squeeze=False)
    flat = list(axes.flat)
    for ax, w in zip(flat, main_w):
        ps = [p for p in peers if (w.name, p) in by]
        _bars(ax, ps, [by[(w.name, p)] for p in ps], [COLORS.get(p, "#333") for p in ps])
        ax.set_title(f"{w.name}: {w.title}", fontsize=9)
        arrow = "higher is better" if w.better == "higher" else "lower is better"
        ax.set_ylabel(f"{w.unit} ({arrow})", fontsize=8)
    for ax, (label, unit, items) in zip(flat[len(main_w):], pre):
        _bars(ax, [m for m, _ in items], [e for _, e in items],
              [COLORS["go"] if m.startswith("Go") else COLORS["reference"] for m, _ in items])
        ax.set_title(f"reference: {label}", fontsize=9)
        ax.set_ylabel(f"{unit} (lower is better)", fontsize=8)
    for ax in flat[n:]:
        ax.axis("off")
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


# ------------------------------------------------------------------ main

def versions() -> dict:
    v = {"python": sys.version.split()[0], "platform": platform.platform(),
         "cpus": os.cpu_count(), "go": go_version()}
    for mod in ("greenlet", "gevent", "matplotlib"):
        try:
            v[mod] = __import__(mod).__version__
        except Exception:
            v[mod] = None
    try:
        with open("/proc/meminfo") as f:
            v["mem_total_kb"] = int(f.readline().split()[1])
    except OSError:
        pass
    try:
        v["git_head"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                       capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "reference_runtime"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        v["reference_runtime_dirty"] = bool(dirty)
    except OSError:
        pass
    v["loadavg_start"] = os.getloadavg()
    return v


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="tiny sizes, 1 repetition, no Go, no 1M variant (a smoke test)")
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 5; quick 1)")
    ap.add_argument("--peers", default=",".join(PEERS), help="comma-separated peers")
    ap.add_argument("--workloads", default=None, help="comma-separated workloads (default all)")
    ap.add_argument("--out", default=os.path.join(HERE, "results"),
                    help="directory for latest.json and latest.png")
    ap.add_argument("--no-plot", action="store_true", help="do not draw latest.png")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per worker process")
    ap.add_argument("--ref-rev", default=None,
                    help="benchmark reference_runtime as of this git revision (extracted "
                         "with git archive into a temporary directory) instead of the "
                         "working tree, e.g. to compare before/after an optimisation")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="time the work by wall clock (default) or by the process's CPU "
                         "time (user + system, all threads): steadier on a busy machine, "
                         "but it leaves out time spent blocked (threads, NET)")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)

    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    unknown = [p for p in peers if p not in PEERS]
    if unknown:
        ap.error(f"unknown peers {unknown}; choose from {PEERS}")
    if args.workloads:
        names = [n.strip() for n in args.workloads.split(",") if n.strip()]
        bad = [n for n in names if n not in WORKLOADS]
        if bad:
            ap.error(f"unknown workloads {bad}; choose from {list(WORKLOADS)}")
        wls = [WORKLOADS[n] for n in names]
    else:
        wls = list(WORKLOADS.values())
    reps = args.reps if args.reps is not None else (1 if args.quick else 5)

    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env["BENCH_CLOCK"] = env["GOBENCH_CLOCK"] = args.clock
    if args.quick:
        env["BENCH_QUICK"] = "1"
    else:
        env.pop("BENCH_QUICK", None)
    snapdir = None
    if args.ref_rev:
        snapdir, rev = snapshot(args.ref_rev)
        env["BENCH_REF_PATH"] = snapdir
        log(f"reference_runtime: snapshot of {args.ref_rev} ({rev}) in {snapdir}")
    go_ok = False
    if "go" in peers and not args.quick:
        exe = build_go(log)
        if exe:
            env["GOBENCH_BIN"] = exe
            go_ok = True
    todo, skipped = plan(peers, wls, args.quick, go_ok)

    machine = versions()
    if args.ref_rev:
        machine["reference_runtime_rev"] = rev
        machine["reference_runtime_dirty"] = False
    started = time.monotonic()
    log(f"{len(todo)} measurements x up to {reps} repetitions, each in a fresh process")
    runs: dict = {}
    for rep in range(reps):
        for w, peer, size in todo:
            if w.max_reps is not None and rep >= w.max_reps:
                continue
            r = measure(peer, w.name, size, args.timeout, env)
            runs.setdefault((w.name, peer), []).append(r)
            shown = r.get("error") or f"{fmt_num(r['value'])} {w.unit}"
            log(f"  rep {rep + 1}/{reps}  {w.name:<16} {peer:<10} size {size:<8} {shown}"
                f"  ({r.get('wall_s', 0):.1f} s)")
    results = [aggregate(w, peer, size, runs.get((w.name, peer), []))
               for w, peer, size in todo]
    elapsed = time.monotonic() - started

    text = tables(results, peers)
    if args.clock == "cpu":
        text = ("Clock: CPU time of the worker process (user + system), not wall time.\n\n"
                + text)
    print()
    print(text)
    if skipped:
        why_map: dict = {}
        for p, w, why in skipped:
            why_map.setdefault(why, []).append(f"{p} {w}")
        print("\nNot run: " + "; ".join(f"{why}: {', '.join(v)}" for why, v in why_map.items()))
    failed = [e for e in results if "median" not in e]
    for e in failed:
        print(f"FAILED {e['peer']} {e['workload']}: {e.get('error')}")

    os.makedirs(args.out, exist_ok=True)
    doc = {
        "date": _dt.datetime.now().isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "reps": reps,
        "clock": args.clock,
        "elapsed_s": elapsed,
        "machine": dict(machine, loadavg_end=os.getloadavg()),
        "peers": {p: PEER_NOTES[p] for p in peers},
        "workloads": {w.name: {"title": w.title, "unit": w.unit, "better": w.better,
                               "size_meaning": w.size_meaning} for w in wls},
        "results": results,
        "skipped": [{"peer": p, "workload": w, "reason": why} for p, w, why in skipped],
        "not_implemented": {f"{p} {w}": why for (p, w), why in SKIPPED.items()},
        "tables_md": text,
    }
    jpath = os.path.join(args.out, "latest.json")
    with open(jpath + ".tmp", "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
    os.replace(jpath + ".tmp", jpath)
    log(f"\nsaved {jpath}")
    if not args.no_plot:
        ppath = os.path.join(args.out, "latest.png")
        title = (f"Goroutine runtimes on this machine ({doc['mode']}, {args.clock} clock, "
                 f"median of {reps}, bars: min-max; reference and Go on 1 P)")
        if plot(results, peers, ppath, title):
            log(f"saved {ppath}")
        else:
            log("matplotlib not available: no chart")
    log(f"total {elapsed:.0f} s")
    if snapdir:
        shutil.rmtree(snapdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
