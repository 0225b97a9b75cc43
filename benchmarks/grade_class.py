"""How long ``python -m exercises grade`` takes for a class: a benchmark,
not a test (nothing here asserts a time).

Makes a class of N complete submissions (every exercise's worked solution,
from exercises/solutions/, saved as each learner's ``my_runtime/<id>.py``,
as the notebooks save a passed exercise), grades it with the instructor's
command in a fresh process, and reports the wall time, per learner and per
graded exercise, with the load average at the start (the machine is shared:
time two class sizes and extrapolate from the difference, which removes the
fixed cost of the reference's runs, made once per exercise), and checks
every learner got full points (a grading that gave wrong results would make
its time meaningless).

The CPU time of sandboxed processes does not reach the grader's rusage
(bwrap's PID namespace), so ``--cpu`` also grades one learner's exercises
unsandboxed, once each, and reports the CPU that took: the work of one
learner without bubblewrap's own (small) cost, from which the time of a
class on idle cores is estimated (CPU x learners / cores).

    python benchmarks/grade_class.py                 # 30 learners, one job per core
    python benchmarks/grade_class.py --learners 4 --jobs 2
    python benchmarks/grade_class.py --only runq steal

Not a Go mechanism: Go's runtime grades nothing.  This measures the
course's grader (exercises/instructor.py) end to end, sandbox included.
"""
from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_class(folder: str, learners: int, ids: list[str]) -> None:
    """`learners` folders, each with every exercise in `ids` solved."""
    sys.path.insert(0, ROOT)
    from exercises import core
    for i in range(learners):
        saved = os.path.join(folder, f"learner{i:02d}", "my_runtime")
        os.makedirs(saved)
        for ex_id in ids:
            with open(os.path.join(saved, f"{ex_id}.py"), "w", encoding="utf-8") as f:
                f.write(core.solution_source(ex_id))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python benchmarks/grade_class.py")
    ap.add_argument("--learners", type=int, default=30)
    ap.add_argument("--jobs", type=int, default=None, help="default: one per core")
    ap.add_argument("--only", nargs="*", help="exercise ids (default: all)")
    ap.add_argument("--cpu", action="store_true",
                    help="also measure one learner's grading CPU, unsandboxed")
    a = ap.parse_args(argv)
    sys.path.insert(0, ROOT)
    from exercises import core
    reg = core.registry()
    ids = a.only or list(reg)
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="grade-class-") as tmp:
        subs = os.path.join(tmp, "subs")
        make_class(subs, a.learners, ids)
        cmd = [sys.executable, "-m", "exercises", "grade", subs, "--csv", os.path.join(tmp, "g.csv"),
               "--feedback", os.path.join(tmp, "fb"), "--no-progress"]
        if a.only:
            cmd += ["--only", *a.only]
        if a.jobs:
            cmd += ["--jobs", str(a.jobs)]
        load = os.getloadavg()[0]
        t0 = time.monotonic()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        wall = time.monotonic() - t0
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        with open(os.path.join(tmp, "g.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
    full = sum(reg[i].points for i in ids)
    short = [r["learner"] for r in rows if float(r["total"]) != full]
    n = a.learners * len(ids)
    print(f"class of {a.learners} complete submissions, {len(ids)} exercises each "
          f"({n} gradings), jobs={a.jobs or cores}, {cores} cores, load average {load:.1f} at start")
    print(f"wall {wall:.1f} s ({wall / a.learners:.2f} s per learner, {wall / n:.3f} s per exercise)")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    if short:
        print(f"WRONG RESULTS: {len(short)} learners short of {full} points: {short[:5]}")
        return 1
    print(f"every learner got {full}/{full} points")
    if a.cpu:
        per = learner_cpu(ids)
        print(f"CPU to grade one learner, unsandboxed: {per:.1f} s; a class of 30 on 2 idle "
              f"cores: about {per * 30 / 2:.0f} s plus the sandbox's own cost")
    return 0


def learner_cpu(ids: list[str]) -> float:
    """CPU seconds (children) to grade every exercise of one complete
    submission without the sandbox, the reference's runs made beforehand."""
    from exercises import core, grading
    for ex_id in ids:
        grading.run_tests(ex_id, core.solution_source(ex_id), which="all", sandbox=False)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    for ex_id in ids:
        grading.run_tests(ex_id, core.solution_source(ex_id), which="all", sandbox=False)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


if __name__ == "__main__":
    sys.exit(main())
