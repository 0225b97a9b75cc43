"""``python -m exercises class SUBMISSIONS/``: the class at a glance, for the
instructor.

Built on what the grade command writes (``instructor.grade_folder``): the CSV
of points (one row per learner, one column per exercise, then ``total``) and
one feedback file per learner (``feedback/<learner>.md``: a ``## LABEL
Title: points/max`` section per exercise, listing each test as ``[PASS]``,
``[FAIL]``, ``[ERROR]``, ``[TIMEOUT]``, ...).  If the CSV is not there yet
(or ``--regrade``), the folder is graded first, exactly as ``python -m
exercises grade`` does.

It prints, and returns as data (``summarize``):

* points per exercise: the mean, how many learners earned full points, some,
  none (and how many never attempted it);
* the exercises most learners failed (attempted, fewer than full points),
  worst first, each with its most common failing test and how many learners
  it failed;

and draws a chart (a PNG, matplotlib): per exercise, how many learners have
full, partial and no points, and how many never attempted it.

nbgrader's formgrader and otter-grader's summaries show the same things
per assignment; here an exercise is the unit, as in the course.
"""
from __future__ import annotations

import csv
import os
import re
from collections import Counter
from dataclasses import dataclass, field

from . import core

# "## 03.1 The local run queue: 7.5/10" or "## 03.1 ...: not attempted (0/10)"
_SECTION = re.compile(r"^## (?P<label>\S+) .*?: (?:not attempted \()?"
                      r"(?P<points>[0-9.]+)/(?P<max>[0-9.]+)\)?\s*$")
# "  [FAIL] test_name" or "  [TIMEOUT] test_name (hidden)"
_FAILED = re.compile(r"^\s*\[(?P<mark>FAIL|ERROR|TIMEOUT|MEMORY|KILLED)\] (?P<test>\S+)")


@dataclass
class ExerciseSummary:
    """One exercise across the class."""
    id: str
    label: str
    title: str
    max_points: float
    points: dict = field(default_factory=dict)            # learner -> points
    not_attempted: set = field(default_factory=set)       # learners
    failing_tests: Counter = field(default_factory=Counter)   # test -> learners it failed

    @property
    def full(self) -> int:
        return sum(1 for p in self.points.values() if p >= self.max_points)

    @property
    def partial(self) -> int:
        return sum(1 for p in self.points.values() if 0 < p < self.max_points)

    @property
    def none(self) -> int:
        return sum(1 for p in self.points.values() if p <= 0)

    @property
    def failed(self) -> int:
        """Learners who attempted it and earned fewer than full points."""
        return sum(1 for w, p in self.points.items()
                   if p < self.max_points and w not in self.not_attempted)

    @property
    def mean(self) -> float:
        return sum(self.points.values()) / len(self.points) if self.points else 0.0

    def most_common_failure(self) -> tuple[str, int] | None:
        """(test name, learners it failed), ties broken by name."""
        if not self.failing_tests:
            return None
        return min(self.failing_tests.items(), key=lambda kv: (-kv[1], kv[0]))


@dataclass
class ClassSummary:
    learners: list
    exercises: list                                        # ExerciseSummary, in course order
    totals: dict                                           # learner -> total

    def most_failed(self, n: int = 3) -> list:
        """The exercises most learners failed (attempted, fewer than full
        points), worst first; only those that someone failed."""
        failed = [e for e in self.exercises if e.failed]
        return sorted(failed, key=lambda e: (-e.failed, -e.max_points, e.label))[:n]


def _number(text: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return 0.0


def read_feedback(path: str) -> dict[str, dict]:
    """label -> {"points", "max", "not_attempted", "failing": [test, ...]}
    from one learner's feedback file."""
    out: dict[str, dict] = {}
    cur = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = _SECTION.match(line)
            if m:
                cur = out.setdefault(m["label"], {"points": _number(m["points"]),
                                                  "max": _number(m["max"]),
                                                  "not_attempted": "not attempted" in line,
                                                  "failing": []})
                continue
            if line.startswith("#"):
                cur = None
                continue
            m = _FAILED.match(line)
            if m and cur is not None and m["test"] not in cur["failing"]:
                cur["failing"].append(m["test"])
    return out


def summarize(grades_csv: str, feedback_dir: str) -> ClassSummary:
    """The class from the grade command's CSV and feedback folder."""
    reg = core.registry()
    with open(grades_csv, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    if not fields or fields[0] != "learner" or "total" not in fields:
        raise ValueError(f"{grades_csv} is not a grades CSV of `python -m exercises grade` "
                         f"(its header is {fields})")
    ids = [c for c in fields[1:] if c != "total" and not c.startswith("_")]
    by_label = {}
    exercises = []
    for ex_id in ids:
        ex = reg.get(ex_id)
        s = ExerciseSummary(ex_id, ex.label if ex else ex_id, ex.title if ex else ex_id,
                            float(ex.points) if ex else 0.0)
        exercises.append(s)
        by_label[s.label] = s
    learners = [r["learner"] for r in rows]
    totals = {}
    for r in rows:
        who = r["learner"]
        totals[who] = _number(r.get("total"))
        for s in exercises:
            s.points[who] = _number(r.get(s.id))
        fb = os.path.join(feedback_dir, f"{who}.md")
        if os.path.isfile(fb):
            for label, sec in read_feedback(fb).items():
                s = by_label.get(label)
                if s is None:
                    continue
                if not s.max_points:
                    s.max_points = sec["max"]
                if sec["not_attempted"]:
                    s.not_attempted.add(who)
                for test in sec["failing"]:
                    s.failing_tests[test] += 1
    for s in exercises:            # an exercise the registry does not know: its best score
        if not s.max_points:
            s.max_points = max(s.points.values(), default=0.0) or 1.0
    return ClassSummary(learners, exercises, totals)


def table(summary: ClassSummary) -> str:
    """Points per exercise, then the exercises most failed, as text."""
    n = len(summary.learners)
    lines = [f"{n} learner{'s' if n != 1 else ''}", "",
             f"{'exercise':8} {'id':22} {'max':>5} {'mean':>6} {'full':>5} {'some':>5} "
             f"{'none':>5} {'not tried':>9}"]
    for s in summary.exercises:
        lines.append(f"{s.label:8} {s.id:22} {s.max_points:>5g} {s.mean:>6.2f} {s.full:>5} "
                     f"{s.partial:>5} {s.none:>5} {len(s.not_attempted):>9}")
    if summary.totals:
        best = max(summary.totals.values())
        mean = sum(summary.totals.values()) / len(summary.totals)
        lines += ["", f"total: mean {mean:.2f}, best {best:g} of "
                      f"{sum(s.max_points for s in summary.exercises):g}"]
    worst = summary.most_failed()
    lines += ["", "Most failed (attempted, fewer than full points):"]
    if not worst:
        lines.append("  none: every attempt earned full points")
    for s in worst:
        common = s.most_common_failure()
        tried = n - len(s.not_attempted)
        line = f"  {s.label} {s.id}: failed by {s.failed} of the {tried} who attempted it"
        if common:
            line += f"; most common failing test: {common[0]} (failed {common[1]})"
        lines.append(line)
    return "\n".join(lines)


def chart(summary: ClassSummary, path: str) -> str:
    """A PNG: per exercise, the learners with full, partial and no points,
    and those who never attempted it."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{s.label} {s.id}" for s in summary.exercises]
    full = [s.full for s in summary.exercises]
    part = [s.partial for s in summary.exercises]
    none = [s.none - len(s.not_attempted) for s in summary.exercises]
    untried = [len(s.not_attempted) for s in summary.exercises]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(labels) + 1.6))
    y = range(len(labels))
    ax.barh(y, full, color="#1a7f37", label="full points")
    ax.barh(y, part, left=full, color="#d4a72c", label="some points")
    ax.barh(y, none, left=[a + b for a, b in zip(full, part)], color="#cf222e",
            label="no points")
    ax.barh(y, untried, left=[a + b + c for a, b, c in zip(full, part, none)], color="#d0d7de",
            label="not attempted")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    ax.set_xlabel("learners")
    ax.set_xlim(0, max(1, len(summary.learners)))
    ax.set_title(f"Points per exercise ({len(summary.learners)} learners)")
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def add_arguments(parser) -> None:
    """The ``class`` subcommand's arguments (on an argparse subparser)."""
    parser.add_argument("submissions")
    parser.add_argument("--csv", default="grades.csv",
                        help="the grade command's CSV (graded first if missing)")
    parser.add_argument("--feedback", default="feedback", help="the grade command's feedback folder")
    parser.add_argument("--chart", default="class.png", help="where to write the chart (PNG)")
    parser.add_argument("--regrade", action="store_true", help="grade again even if the CSV exists")


def run(args) -> int:
    """Run the subcommand from its parsed arguments."""
    return main(args.submissions, args.csv, args.feedback, args.chart, args.regrade)


def main(submissions: str, grades_csv: str, feedback_dir: str, chart_path: str,
         regrade: bool = False) -> int:
    """The ``class`` command: grade if needed, print the table, write the chart."""
    if regrade or not os.path.isfile(grades_csv):
        from . import instructor, sandbox
        if not os.path.isdir(submissions):
            print(f"no submissions folder {submissions}")
            return 2
        try:
            sandbox.require()          # as the grade command: learners' code only sandboxed
        except sandbox.SandboxUnavailable as e:
            print(f"python -m exercises class: {e}")
            return 2
        print(f"grading {submissions} into {grades_csv} and {feedback_dir}/ ...")
        instructor.grade_folder(submissions, grades_csv, feedback_dir)
    try:
        summary = summarize(grades_csv, feedback_dir)
    except (OSError, ValueError) as e:
        print(e)
        return 2
    print(table(summary))
    print(f"\nchart: {chart(summary, chart_path)}")
    return 0
