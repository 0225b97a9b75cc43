"""python -m exercises: the instructor's and the maintainer's commands.

  list                          every exercise, its notebook, points and tests
  grade SUBMISSIONS [--csv F] [--feedback DIR] [--only ID ...] [--jobs N] [--[no-]progress]
                                grade a folder of learners' submissions (one folder
                                each), N at a time (default: one per core), sandboxed
  edition check|build [--course DIR]
                                check (or regenerate) the learner edition's notebooks
  edition build OUT_DIR         the learner edition a class installs: a copy of the
                                project without the answer key or hidden tests
  edition solutions OUT_DIR     an instructor's copy with solutions
  class SUBMISSIONS [--csv F] [--feedback DIR] [--chart PNG] [--regrade]
                                the class at a glance: points per exercise, a chart,
                                the exercises most failed and their commonest failing test
  prove [ID ...]                run every test against the reference (must pass),
                                the worked solution (must pass) and the starter (must fail)
"""
from __future__ import annotations

import argparse
import os
import sys

from . import classview, core, edition, grading, instructor, sandbox

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m exercises")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    g = sub.add_parser("grade")
    g.add_argument("submissions")
    g.add_argument("--csv", default="grades.csv")
    g.add_argument("--feedback", default="feedback")
    g.add_argument("--only", nargs="*")
    g.add_argument("--jobs", type=int, default=None)
    g.add_argument("--progress", action="store_true", help="show the progress bar even off a terminal")
    g.add_argument("--no-progress", action="store_true")
    e = sub.add_parser("edition")
    e.add_argument("action", choices=("check", "build", "solutions"))
    e.add_argument("out", nargs="?")
    e.add_argument("--course", default=os.path.join(ROOT, "course"))
    classview.add_arguments(sub.add_parser("class", help="the class at a glance"))
    p = sub.add_parser("prove")
    p.add_argument("ids", nargs="*")
    a = ap.parse_args(argv)

    if a.cmd == "class":
        return classview.run(a)
    if a.cmd == "list":
        for ex in core.registry().values():
            print(f"{ex.label:6} {ex.id:22} {ex.points:3} pts  {len(ex.public_tests)} public + "
                  f"{len(ex.hidden_tests)} hidden tests  {ex.title}")
        return 0
    if a.cmd == "grade":
        try:
            sandbox.require()          # learners' code never runs unsandboxed on the instructor's side
        except sandbox.SandboxUnavailable as e:
            print(f"python -m exercises grade: {e}", file=sys.stderr)
            return 2
        if not os.path.isdir(a.submissions):
            print(f"python -m exercises grade: {a.submissions}: not a folder", file=sys.stderr)
            return 2
        try:
            rows = instructor.grade_folder(a.submissions, a.csv, a.feedback, a.only, jobs=a.jobs,
                                           progress=True if a.progress else False if a.no_progress else None)
        except KeyError as e:
            print(f"python -m exercises grade: {e.args[0]}", file=sys.stderr)
            return 2
        except (KeyboardInterrupt, grading.GradingInterrupted):
            print(f"grading interrupted: {a.csv} and {a.feedback}/ were not changed", file=sys.stderr)
            sys.stderr.flush()
            # at once: the gradings still running in other threads end with
            # this process (each sandbox dies with its parent)
            os._exit(130)
        for r in rows:
            print(f"{r['learner']}: {r['total']:g}")
        print(f"wrote {a.csv} and {a.feedback}/")
        return 0
    if a.cmd == "edition":
        if a.action == "check":
            problems = edition.check(a.course)
            for p_ in problems:
                print(p_)
            print("learner edition is current" if not problems else f"{len(problems)} problem(s)")
            return 1 if problems else 0
        if a.action == "build" and a.out:
            for what in edition.build_edition(ROOT, a.out):
                print("left out:", what)
            print(f"wrote the learner edition to {a.out}")
            return 0
        if a.action == "build":
            for path in edition.build(a.course):
                print("rewrote", path)
            return 0
        out = a.out or os.path.join(ROOT, "build", "solutions")
        for path in edition.solutions(a.course, out):
            print("wrote", path)
        return 0
    if a.cmd == "prove":
        ok = True
        for ex_id in a.ids or list(core.registry()):
            ex = core.get(ex_id)
            ref = grading.run_tests(ex_id, None, which="all", target="reference")
            sol = grading.run_tests(ex_id, core.solution_source(ex_id), which="all")
            sta = grading.run_tests(ex_id, ex.starter, which="all")
            good = ref.passed and sol.passed and not sta.passed
            ok &= good
            print(f"{'ok  ' if good else 'FAIL'} {ex.label} {ex_id}: reference {ref.score:.0%}, "
                  f"solution {sol.score:.0%}, starter {sta.score:.0%}")
            if not good:
                for v in (ref, sol):
                    if not v.passed:
                        print(v.text())
        return 0 if ok else 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
