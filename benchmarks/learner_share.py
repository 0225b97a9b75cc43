"""How much of the runtime a complete learner runs is theirs (issue 12, item 4).

    python -m benchmarks.learner_share                 # every corpus program
    python -m benchmarks.learner_share --programs waitgroup,pipeline --json out.json
    python -m benchmarks.learner_share --top 25 --jobs 1

The measurement, step by step:

1. A temporary work folder gets every exercise's worked solution
   (``exercises/solutions/<id>.py``), saved exactly as a notebook saves a
   cell that passed (``exercises.progress.save_solution``: the part file,
   its manifest entry with kind and hash, its ``.versions/`` copy).  This is
   ``tests/test_learner_complete.py``'s complete learner.
2. Every program of the corpus (``tests/corpus/<name>/prog.py``, the Python
   ports of Go programs with Go's recorded output) runs as that test runs
   it, ``GOKERNEL_STRICT=1 python -m gokernel prog.py`` with
   ``GOKERNEL_WORKDIR`` at the folder (strict: no runtime part may come from
   the reference), each in its own process under coverage.py with
   ``concurrency = ["greenlet", "thread"]`` (goroutines are greenlets;
   sysmon and the preempter are threads) and ``patch = ["_exit"]`` (the CLI
   ends with ``os._exit``).  Each run's output is checked against Go's
   recording, so a run that went wrong is reported, not silently counted.
3. Counted: ``reference_runtime/``, ``gokernel/`` and the work folder.  Left
   out, as the issue says: the notebook views (``gokernel/views*.py``), the
   standalone models of notebooks 01-02 (``reference_runtime/models/stacks.py``
   and ``context.py``, and the learner's files of kind ``model`` from those
   notebooks), the CLI (both ``__main__.py``) and the ``net`` package's
   socket wrappers (``reference_runtime/net.py``); also the folder's
   ``.versions/`` copies, which are never imported.
4. The runs' data files are combined, so a statement counts once however
   many programs ran it.  A statement is coverage.py's (the first line of a
   statement, ``def`` and ``class`` lines included: a module imported runs
   them).  The learner's statements are those of files in the work folder;
   everything else counted is the reference's or gokernel's glue.

Limits.  Under ``preempt="async"`` (the default) a preemption request arms
the runtime's own trace hook (``reference_runtime/preempt.py``), which takes
coverage's tracer's place until the goroutine reaches its safe point: the
few lines run in that window are not recorded.  Which paths run depends a
little on timing (preemptions, sysmon's rounds), so repeated measurements
differ by a few statements in ``sched.py`` and ``preempt.py``.

Printed: the totals and the share, the files of reference and glue code
that ran (the most statements first: the "glue that remains" issue 12 asks
the closing note for), and the same split for each kind of part.  The
per-kind split assigns each counted module of the reference to the kind of
part it holds (``KIND_OF_MODULE``): a rough map, since ``sched.py`` holds
parts of several kinds and the wiring between them.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
TIMEOUT = 120           # seconds per program under coverage (each takes a second or two)

# left out of the count, relative to ROOT (issue 12, item 4)
OMIT = [
    "gokernel/views.py", "gokernel/views_gmp.py",            # the notebook views
    "reference_runtime/models/stacks.py",                     # notebook 01's model
    "reference_runtime/models/context.py",                    # notebook 02's model
    "gokernel/__main__.py", "reference_runtime/__main__.py",  # the CLI
    "reference_runtime/net.py",                               # net's socket wrappers
]
MODEL_NOTEBOOKS = ("01", "02")

# the kind of part each module of the reference (and of gokernel) holds, for
# the per-kind split; modules not listed hold no exercise's part ("none")
KIND_OF_MODULE = {
    "reference_runtime/chan.py": "chan",
    "gokernel/channel.py": "chan",
    "reference_runtime/select.py": "select",
    "gokernel/selectgo.py": "select",
    "reference_runtime/preempt.py": "runtime",   # the preemption exercises are kind "runtime"
    "reference_runtime/sched.py": "runtime",
    "reference_runtime/runq.py": "runtime",
    "reference_runtime/g.py": "runtime",
    "reference_runtime/timers.py": "runtime",
    "reference_runtime/netpoll.py": "runtime",
    "reference_runtime/sysmon.py": "runtime",
    "reference_runtime/syscall.py": "runtime",
}


def programs() -> list[str]:
    """The corpus: every ``tests/corpus/<name>/`` with a Go program and its port."""
    return sorted(d.name for d in CORPUS.iterdir()
                  if d.is_dir() and (d / "prog.go").is_file() and (d / "prog.py").is_file())


def make_workfolder(workdir: Path) -> dict[str, dict]:
    """Save every exercise's worked solution into ``workdir`` as a passing
    notebook cell does; returns ``{id: {"kind", "notebook", "label"}}``."""
    from exercises import core, progress
    saved = os.environ.get("GOKERNEL_WORKDIR")
    os.environ["GOKERNEL_WORKDIR"] = str(workdir)
    try:
        out = {}
        for ex in core.registry().values():
            path = Path(progress.save_solution(ex, core.solution_source(ex.id)))
            if path.parent != workdir:
                raise RuntimeError(f"{ex.id} was saved to {path}, not into {workdir}")
            out[ex.id] = {"kind": ex.kind, "notebook": ex.notebook, "label": ex.label}
        return out
    finally:
        if saved is None:
            os.environ.pop("GOKERNEL_WORKDIR", None)
        else:
            os.environ["GOKERNEL_WORKDIR"] = saved


def write_rcfile(path: Path, workdir: Path, data_file: Path, exercises: dict[str, dict]) -> None:
    """The coverage.py configuration of every run (see the module's note)."""
    omit = [str(ROOT / p) for p in OMIT] + [str(workdir / ".versions" / "*")]
    omit += [str(workdir / f"{i}.py") for i, e in exercises.items()
             if e["kind"] == "model" and e["notebook"] in MODEL_NOTEBOOKS]
    lines = ["[run]",
             f"data_file = {data_file}",
             "parallel = True",
             "concurrency =\n    greenlet\n    thread",
             "patch =\n    _exit",
             "source =\n" + "".join(f"    {p}\n" for p in
                                    (ROOT / "reference_runtime", ROOT / "gokernel", workdir)),
             "omit =\n" + "".join(f"    {p}\n" for p in omit)]
    path.write_text("\n".join(lines) + "\n")


def run_program(name: str, rcfile: Path, workdir: Path) -> dict:
    """One corpus program, strict, on the complete learner's runtime, under
    coverage; whether its output is Go's."""
    env = dict(os.environ)
    for k in ("GODEBUG", "GOMAXPROCS", "GOKERNEL_STRICT", "COVERAGE_PROCESS_START",
              "COVERAGE_FILE", "COVERAGE_RCFILE"):
        env.pop(k, None)
    env.update(PYTHONDONTWRITEBYTECODE="1", GOKERNEL_WORKDIR=str(workdir), GOKERNEL_STRICT="1")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    t0 = time.monotonic()
    try:
        p = subprocess.run([sys.executable, "-m", "coverage", "run", f"--rcfile={rcfile}",
                            "-m", "gokernel", "prog.py"], cwd=CORPUS / name, env=env,
                           capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"program": name, "seconds": round(time.monotonic() - t0, 2),
                "problem": f"did not finish within {TIMEOUT} s (its coverage data is lost)"}
    expected = json.loads((CORPUS / name / "expected.json").read_text())
    problem = ""
    if "GOKERNEL_STRICT" in p.stderr:
        problem = "strict mode refused: " + p.stderr.strip().splitlines()[-1]
    elif p.stdout != expected["stdout"]:
        problem = "stdout differs from Go's"
    elif p.returncode != expected["exit_status"]:
        problem = f"exit status {p.returncode}, Go's is {expected['exit_status']}"
    if problem and p.stderr.strip():
        problem += " (stderr: " + p.stderr.strip().splitlines()[-1][:200] + ")"
    return {"program": name, "seconds": round(time.monotonic() - t0, 2), "problem": problem}


def _rel(path: str, workdir: Path) -> str:
    p = Path(path)
    for base, label in ((workdir, "my_runtime"), (ROOT, "")):
        try:
            r = p.relative_to(base)
        except ValueError:
            continue
        return f"{label}/{r}" if label else str(r)
    return path


def analyse(rcfile: Path, datadir: Path, workdir: Path, exercises: dict[str, dict]) -> dict:
    """Combine the runs' data files and split the executed statements."""
    import coverage
    cov = coverage.Coverage(config_file=str(rcfile))
    cov.combine(data_paths=[str(datadir)], keep=True)
    data = cov.get_data()
    files = []
    for f in sorted(data.measured_files()):
        _, statements, _, missing, _ = cov.analysis2(f)
        executed = len(set(statements) - set(missing))
        if not executed:
            continue
        rel = _rel(f, workdir)
        mine = rel.startswith("my_runtime/")
        if mine:
            kind = exercises.get(Path(f).stem, {}).get("kind", "none")
        else:
            kind = KIND_OF_MODULE.get(rel, "none")
        files.append({"file": rel, "learner": mine, "kind": kind,
                      "executed": executed, "statements": len(statements)})
    total = sum(f["executed"] for f in files)
    learner = sum(f["executed"] for f in files if f["learner"])
    kinds = {}
    for f in files:
        k = kinds.setdefault(f["kind"], {"executed": 0, "learner": 0})
        k["executed"] += f["executed"]
        k["learner"] += f["executed"] if f["learner"] else 0
    for k in kinds.values():
        k["share"] = k["learner"] / k["executed"] if k["executed"] else 0.0
    glue = sorted((f for f in files if not f["learner"]), key=lambda f: (-f["executed"], f["file"]))
    return {"executed": total, "learner": learner, "reference": total - learner,
            "share": learner / total if total else 0.0, "files": files,
            "glue": glue, "kinds": dict(sorted(kinds.items()))}


def measure(names: list[str], jobs: int = 2, keep: Path | None = None) -> dict:
    """The whole measurement on the corpus programs ``names``: the report as a dict."""
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="learner_share_") as tmp:
        base = keep or Path(tmp)
        workdir = base / "my_runtime"
        datadir = base / "coverage"
        datadir.mkdir(parents=True, exist_ok=True)
        exercises = make_workfolder(workdir)
        rcfile = base / "coveragerc"
        write_rcfile(rcfile, workdir, datadir / ".coverage", exercises)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            runs = list(pool.map(lambda n: run_program(n, rcfile, workdir), names))
        report = analyse(rcfile, datadir, workdir, exercises)
    report["programs"] = runs
    report["seconds"] = round(time.monotonic() - t0, 1)
    return report


def format_report(r: dict, top: int = 15) -> str:
    """The report as text."""
    out = []
    bad = [p for p in r["programs"] if p["problem"]]
    out.append(f"{len(r['programs'])} corpus programs on the complete learner's runtime "
               f"(GOKERNEL_STRICT=1), {len(r['programs']) - len(bad)} with Go's output; "
               f"{r['seconds']:.0f} s in all")
    for p in bad:
        out.append(f"  ! {p['program']}: {p['problem']}")
    out.append("")
    out.append(f"runtime statements executed: {r['executed']}")
    out.append(f"  the learner's (my_runtime/): {r['learner']}")
    out.append(f"  reference and glue:          {r['reference']}")
    out.append(f"  learner's share:             {100 * r['share']:.1f}%")
    out.append("")
    shown = min(top, len(r["glue"]))
    out.append(f"reference and glue code executed ({shown} of {len(r['glue'])} files, "
               "the most statements first):")
    out.append(f"  {'file':40} {'executed':>8} {'of':>6}  kind")
    for f in r["glue"][:top]:
        out.append(f"  {f['file']:40} {f['executed']:>8} {f['statements']:>6}  {f['kind']}")
    out.append("")
    out.append("the learner's files executed:")
    for f in sorted((f for f in r["files"] if f["learner"]), key=lambda f: -f["executed"]):
        out.append(f"  {f['file']:40} {f['executed']:>8} {f['statements']:>6}  {f['kind']}")
    out.append("")
    out.append("by kind of part (reference modules by KIND_OF_MODULE; 'none': no exercise's part):")
    out.append(f"  {'kind':10} {'executed':>8} {'learner':>8} {'share':>7}")
    for kind, k in r["kinds"].items():
        out.append(f"  {kind:10} {k['executed']:>8} {k['learner']:>8} {100 * k['share']:>6.1f}%")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.learner_share",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--programs", help="comma-separated corpus programs (default: all)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                    help="programs run at once (default: the cores)")
    ap.add_argument("--top", type=int, default=15, help="glue files listed (default 15)")
    ap.add_argument("--json", metavar="FILE", help="also write the report as JSON")
    ap.add_argument("--keep", metavar="DIR", help="keep the work folder and data files in DIR")
    a = ap.parse_args(argv)
    known = programs()
    names = known
    if a.programs:
        names = [n.strip() for n in a.programs.split(",") if n.strip()]
        unknown = [n for n in names if n not in known]
        if unknown:
            ap.error(f"not in tests/corpus/: {', '.join(unknown)}; known: {', '.join(known)}")
    keep = Path(a.keep).resolve() if a.keep else None
    if keep is not None and keep.exists() and any(keep.iterdir()):
        ap.error(f"--keep {keep}: the folder must be new or empty")
    report = measure(names, jobs=a.jobs, keep=keep)
    print(format_report(report, a.top))
    if a.json:
        Path(a.json).write_text(json.dumps(report, indent=1) + "\n")
    return 1 if any(p["problem"] for p in report["programs"]) else 0


if __name__ == "__main__":
    sys.exit(main())
