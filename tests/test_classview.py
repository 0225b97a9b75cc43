"""`python -m exercises class SUBMISSIONS/`: the instructor's view of a class,
built on the grade command's CSV and feedback files.

A made-up class of four, written by hand in the grade command's format, pins
the numbers; a small real class (worked solutions and wrong solutions from
tests/wrong_solutions/) is graded by the real command and its view checked
against the feedback the grader wrote.
"""
from __future__ import annotations

import csv
import os
import struct
import subprocess
import sys

from exercises import classview, core

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _write_class(tmp_path):
    """Four learners, runq and greuse: ana passes both; ben fails runq on two
    tests; cy fails runq on one of the same tests and never tried greuse;
    dee tried nothing."""
    reg = core.registry()
    ids = list(reg)
    rows = {"ana": {"runq": 10, "greuse": 5}, "ben": {"runq": 0, "greuse": 5},
            "cy": {"runq": 0}, "dee": {}}
    csv_path = tmp_path / "grades.csv"
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["learner", *ids, "total"])
        for who, pts in rows.items():
            w.writerow([who, *(pts.get(i, 0) for i in ids), sum(pts.values())])
    fb = tmp_path / "feedback"
    fb.mkdir()
    failing = {"ben": ["test_the_ring_indices_wrap_around",
                       "test_runqget_does_not_keep_a_reference_in_the_slot"],
               "cy": ["test_runqget_does_not_keep_a_reference_in_the_slot"]}
    for who, pts in rows.items():
        out = [f"# Feedback for {who}\n"]
        for ex_id, ex in reg.items():
            if ex_id not in pts:
                out.append(f"## {ex.label} {ex.title}: not attempted (0/{ex.points})\n")
                continue
            out.append(f"## {ex.label} {ex.title}: {pts[ex_id]}/{ex.points}\n")
            out.append("```\nExercise ...\n  [PASS] test_runqget_on_an_empty_p_returns_none")
            for t in failing.get(who, []) if ex_id == "runq" else []:
                out.append(f"  [FAIL] {t}\n      checks: something\n        expected: 1")
            out.append("  [PASS] test_hidden_one (hidden)\n```\n")
        (fb / f"{who}.md").write_text("\n".join(out), encoding="utf-8")
    return csv_path, fb


def test_the_class_view_counts_points_per_exercise_and_names_the_most_common_failing_test(tmp_path):
    csv_path, fb = _write_class(tmp_path)
    s = classview.summarize(str(csv_path), str(fb))
    assert s.learners == ["ana", "ben", "cy", "dee"]
    by_id = {e.id: e for e in s.exercises}
    runq, greuse = by_id["runq"], by_id["greuse"]
    assert (runq.full, runq.partial, runq.none) == (1, 0, 3)
    assert runq.not_attempted == {"dee"}
    assert runq.failed == 2                              # ben and cy; dee never tried
    assert runq.mean == 2.5
    assert runq.most_common_failure() == ("test_runqget_does_not_keep_a_reference_in_the_slot", 2)
    assert greuse.not_attempted == {"cy", "dee"} and greuse.failed == 0 and greuse.full == 2
    assert [e.id for e in s.most_failed()] == ["runq"]   # greuse: no attempt failed
    text = classview.table(s)
    assert "03.1 runq: failed by 2 of the 3 who attempted it; most common failing test: " \
           "test_runqget_does_not_keep_a_reference_in_the_slot (failed 2)" in text
    assert s.totals == {"ana": 15, "ben": 5, "cy": 0, "dee": 0}


def test_the_chart_is_a_png_file(tmp_path):
    csv_path, fb = _write_class(tmp_path)
    out = classview.chart(classview.summarize(str(csv_path), str(fb)), str(tmp_path / "c.png"))
    data = open(out, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 600 and height >= 400


def test_a_csv_that_is_not_the_grade_commands_is_refused_with_its_header(tmp_path):
    bad = tmp_path / "grades.csv"
    bad.write_text("name,score\nana,3\n")
    r = subprocess.run([sys.executable, "-m", "exercises", "class", str(tmp_path), "--csv", str(bad),
                        "--feedback", str(tmp_path / "fb"), "--chart", str(tmp_path / "c.png")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    assert "is not a grades CSV" in r.stdout and "['name', 'score']" in r.stdout


def test_the_class_command_grades_a_real_class_and_reports_what_its_feedback_says(tmp_path):
    subs = tmp_path / "submissions"
    for who, files in {
        "ana": {"runq": "exercises/solutions/runq.py", "greuse": "exercises/solutions/greuse.py"},
        "ben": {"runq": "tests/wrong_solutions/runq/slot_not_cleared.py"},
        "cy": {"runq": "tests/wrong_solutions/runq/slot_not_cleared.py",
               "greuse": "tests/wrong_solutions/greuse/first_in_first_out.py"},
    }.items():
        d = subs / who / "my_runtime"
        d.mkdir(parents=True)
        for ex_id, src in files.items():
            (d / f"{ex_id}.py").write_text(open(os.path.join(ROOT, src)).read())
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "exercises", "class", str(subs),
                        "--csv", str(out / "grades.csv"), "--feedback", str(out / "feedback"),
                        "--chart", str(out / "class.png")],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (out / "class.png").read_bytes()[:4] == b"\x89PNG"
    rows = {row["learner"]: row for row in csv.DictReader(open(out / "grades.csv"))}
    assert float(rows["ana"]["runq"]) == 10 and float(rows["ben"]["runq"]) < 10
    s = classview.summarize(str(out / "grades.csv"), str(out / "feedback"))
    runq = {e.id: e for e in s.exercises}["runq"]
    assert runq.failed == 2 and runq.not_attempted == set()
    test, count = runq.most_common_failure()
    # the test named is one the grader's feedback marks failed for both ben and cy
    for who in ("ben", "cy"):
        fb = (out / "feedback" / f"{who}.md").read_text()
        assert f"] {test}" in fb and "[PASS] " + test not in fb
    assert count == 2
    assert f"most common failing test: {test} (failed 2)" in r.stdout
    assert "greuse: failed by 1 of the 2 who attempted it" in r.stdout
