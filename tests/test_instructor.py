"""The instructor's batch grader (issue 11, items 4 and 5): any submission
folder grades — corrupt or empty notebooks, any encoding, links (never
followed out of the learner's folder), broken links, FIFOs and devices,
huge files, unknown names — each problem a line in that learner's feedback
and a zero for the exercise it touches, never a crash or a hang, and every
learner gets a row; the right file is graded and the feedback says which;
the CSV and feedback are written atomically (a grader killed half way
leaves the previous results intact)."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys

import pytest

from exercises import core, instructor
from exercises.core import solution_source

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNQ_OK = solution_source("runq")
STARTER = core.get("runq").starter
WRONG = RUNQ_OK.split("def runqget(p):")[0] + "def runqget(p):\n    return None, False\n"
LOOPING = RUNQ_OK.split("def runqget(p):")[0] + "def runqget(p):\n    while True:\n        pass\n"


def _notebook(*cells) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": [],
                                  "execution_count": None} for c in cells],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _write(path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")


def _grade_cli(subs, out, *extra, timeout=600, **kw):
    return subprocess.run([sys.executable, "-m", "exercises", "grade", str(subs), "--csv",
                           str(out / "grades.csv"), "--feedback", str(out / "fb"), "--only", "runq",
                           *extra], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False, **kw)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A class of awkward submissions, graded once by the command line."""
    tmp = tmp_path_factory.mktemp("class")
    subs = tmp / "subs"
    # a complete submission
    _write(subs / "ada" / "my_runtime" / "runq.py", RUNQ_OK)
    # a saved pass, and a notebook whose cell still holds the starter
    _write(subs / "partial" / "my_runtime" / "runq.py", RUNQ_OK)
    _write(subs / "partial" / "03_scheduler.ipynb", _notebook("%%exercise runq\n" + STARTER))
    # the notebook's cell is graded; a stray broken copy elsewhere is not
    _write(subs / "stray" / "03_scheduler.ipynb", _notebook("x = 1", "%%exercise runq\n" + WRONG,
                                                            "\n%%exercise runq\n" + RUNQ_OK))
    _write(subs / "stray" / "old" / "runq.py", "this is not python (\n")
    # a notebook that is [] and nothing else
    _write(subs / "empty" / "03_scheduler.ipynb", "[]")
    # a saved file in Latin-1 with no coding line
    _write(subs / "latin" / "my_runtime" / "runq.py", ("# écrit à la main\n" + RUNQ_OK).encode("latin-1"))
    # a broken link
    (subs / "broken" / "my_runtime").mkdir(parents=True)
    os.symlink("nowhere/runq.py", subs / "broken" / "my_runtime" / "runq.py")
    # a link to another learner's file, and one to /etc/passwd
    (subs / "thief" / "my_runtime").mkdir(parents=True)
    os.symlink(subs / "ada" / "my_runtime" / "runq.py", subs / "thief" / "my_runtime" / "runq.py")
    os.symlink("/etc/passwd", subs / "thief" / "my_runtime" / "steal.py")
    os.symlink("/etc", subs / "thief" / "etc")
    # a link inside the learner's own folder is followed
    _write(subs / "inner" / "work" / "mine.py", RUNQ_OK)
    (subs / "inner" / "my_runtime").mkdir()
    os.symlink("../work/mine.py", subs / "inner" / "my_runtime" / "runq.py")
    # a FIFO where the saved file should be, and another one beside it
    (subs / "fifo" / "my_runtime").mkdir(parents=True)
    os.mkfifo(subs / "fifo" / "my_runtime" / "runq.py")
    os.mkfifo(subs / "fifo" / "notes.txt")
    # a huge saved file
    _write(subs / "huge" / "my_runtime" / "runq.py", RUNQ_OK + "#" * (2 << 20) + "\n")
    # an unknown exercise name, a corrupt notebook, a malformed cell, NUL bytes
    _write(subs / "unknown" / "03_scheduler.ipynb",
           _notebook("%%exercise nosuch\nx = 1\n", "%%exercise runq\n" + RUNQ_OK))
    _write(subs / "unknown" / "04_broken.ipynb", '{"cells": [{"cell_type": "code", "sou')
    _write(subs / "unknown" / "05_odd.ipynb", json.dumps({"cells": [3, {"cell_type": "code", "source": 7}]}))
    _write(subs / "unknown" / "my_runtime" / "nosuch.py", "x = 1\n")
    _write(subs / "nul" / "my_runtime" / "runq.py", RUNQ_OK + "\x00\n")
    # a learner folder that is a link to another learner's
    os.symlink(subs / "ada", subs / "zed")
    out = tmp / "out"
    proc = _grade_cli(subs, out, "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    with open(out / "grades.csv", newline="") as f:
        rows = {r["learner"]: r for r in csv.DictReader(f)}
    feedback = {p.stem: p.read_text(encoding="utf-8") for p in (out / "fb").iterdir()}
    return rows, feedback, proc


ALL = ["ada", "broken", "empty", "fifo", "huge", "inner", "latin", "nul", "partial", "stray",
       "thief", "unknown", "zed"]


def test_every_learner_gets_a_row_and_a_feedback_file(graded):
    rows, feedback, _ = graded
    assert sorted(rows) == ALL
    assert sorted(feedback) == ALL


def test_a_saved_file_is_graded_and_the_feedback_names_it(graded):
    rows, feedback, _ = graded
    assert float(rows["ada"]["runq"]) == 10
    assert "Graded: my_runtime/runq.py" in feedback["ada"]


def test_a_starter_cell_never_overrides_a_saved_file(graded):
    rows, feedback, _ = graded
    assert float(rows["partial"]["runq"]) == 10
    assert "Graded: my_runtime/runq.py" in feedback["partial"]


def test_the_last_exercise_cell_is_graded_and_a_stray_copy_is_not(graded):
    rows, feedback, _ = graded
    assert float(rows["stray"]["runq"]) == 10
    assert "Graded: 03_scheduler.ipynb, cell 3" in feedback["stray"]
    assert "old/runq.py was not graded" in feedback["stray"]


def test_an_empty_notebook_is_one_line_and_a_zero(graded):
    rows, feedback, _ = graded
    assert float(rows["empty"]["runq"]) == 0 and float(rows["empty"]["total"]) == 0
    assert "03_scheduler.ipynb is not a notebook (it is a JSON list)" in feedback["empty"]


def test_a_latin1_file_is_graded_with_a_remark(graded):
    rows, feedback, _ = graded
    assert float(rows["latin"]["runq"]) == 10
    assert "my_runtime/runq.py is not UTF-8 (nor says its encoding): read as Latin-1" in feedback["latin"]


def test_a_broken_link_is_one_line_and_a_zero(graded):
    rows, feedback, _ = graded
    assert float(rows["broken"]["runq"]) == 0
    assert "my_runtime/runq.py is a broken link: not read" in feedback["broken"]


def test_links_out_of_the_learners_folder_earn_nothing_and_leak_nothing(graded):
    rows, feedback, _ = graded
    assert float(rows["thief"]["runq"]) == 0
    fb = feedback["thief"]
    assert "my_runtime/runq.py is a link to a file outside your folder" in fb
    assert "root:" not in fb                      # nothing of /etc/passwd
    assert "etc is a link: not followed" in fb
    assert float(rows["zed"]["total"]) == 0
    assert "your submission folder is a link" in feedback["zed"]


def test_a_link_inside_the_learners_own_folder_is_followed(graded):
    rows, _, _ = graded
    assert float(rows["inner"]["runq"]) == 10


def test_a_fifo_is_never_opened_and_earns_a_zero(graded):
    rows, feedback, _ = graded
    assert float(rows["fifo"]["runq"]) == 0
    assert "my_runtime/runq.py is a FIFO (named pipe), not a file: not read" in feedback["fifo"]
    assert "notes.txt is a FIFO (named pipe): not opened" in feedback["fifo"]


def test_a_huge_file_is_not_read_and_earns_a_zero(graded):
    rows, feedback, _ = graded
    assert float(rows["huge"]["runq"]) == 0
    assert "my_runtime/runq.py is too large" in feedback["huge"]


def test_unknown_names_and_corrupt_notebooks_are_lines_in_the_feedback(graded):
    rows, feedback, _ = graded
    fb = feedback["unknown"]
    assert float(rows["unknown"]["runq"]) == 10          # its good cell still counts
    assert "03_scheduler.ipynb, cell 1: there is no exercise 'nosuch'" in fb
    assert "04_broken.ipynb is not a notebook (not valid JSON" in fb
    assert "05_odd.ipynb, cell 1: not a notebook cell" in fb
    assert "05_odd.ipynb, cell 2: its source is neither text nor a list of lines" in fb
    assert "my_runtime/nosuch.py: there is no exercise 'nosuch'" in fb


def test_a_file_with_nul_bytes_earns_a_zero_without_a_crash(graded):
    rows, feedback, _ = graded
    assert float(rows["nul"]["runq"]) == 0
    assert "NUL bytes" in feedback["nul"]


def test_a_cells_line_numbers_count_its_exercise_line(tmp_path):
    sub = tmp_path / "amy"
    _write(sub / "03_scheduler.ipynb", _notebook("\n%%exercise runq\n" + WRONG))
    found = instructor.collect(str(sub)).code["runq"]
    assert found.line_offset == 2 and found.origin == "03_scheduler.ipynb, cell 1"
    assert found.source.startswith(RUNQ_OK.split("\n")[0])


def test_the_newest_of_several_saved_copies_is_graded(tmp_path):
    sub = tmp_path / "amy"
    _write(sub / "old" / "my_runtime" / "runq.py", WRONG)
    _write(sub / "course" / "my_runtime" / "runq.py", RUNQ_OK)
    os.utime(sub / "old" / "my_runtime" / "runq.py", (1_000_000_000, 1_000_000_000))
    got = instructor.collect(str(sub))
    assert got.code["runq"].origin == os.path.join("course", "my_runtime", "runq.py")
    assert any("not graded: " + os.path.join("old", "my_runtime", "runq.py") in n
               for n in got.notes["runq"])


def test_a_device_is_refused_without_reading_it():
    with pytest.raises(instructor._Unreadable, match="character device"):
        instructor.read_bounded("/dev/zero", 100)


def test_any_encoding_is_decoded():
    text = "# ünïcode\nx = 1\n"
    assert instructor.decode_source(text.encode("utf-16"))[0] == text
    assert instructor.decode_source(("# -*- coding: cp1252 -*-\n" + text).encode("cp1252"))[1] is None
    assert instructor.decode_source(text.encode("utf-8"))[1] is None


def test_a_grader_killed_half_way_leaves_the_previous_results_intact(tmp_path):
    subs = tmp_path / "subs"
    _write(subs / "a_quick" / "my_runtime" / "runq.py", WRONG)
    _write(subs / "b_loops" / "my_runtime" / "runq.py", LOOPING)
    _write(subs / "c_loops" / "my_runtime" / "runq.py", LOOPING)
    out = tmp_path / "out"
    (out / "fb").mkdir(parents=True)
    before = {"grades.csv": "learner,runq,total\nold,7,7\n", "fb/a_quick.md": "previous feedback\n"}
    for name, text in before.items():
        (out / name).write_text(text)
    proc = subprocess.Popen([sys.executable, "-m", "exercises", "grade", str(subs), "--csv",
                             str(out / "grades.csv"), "--feedback", str(out / "fb"), "--only", "runq",
                             "--jobs", "1", "--progress"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    seen = b""
    try:
        # the progress bar says one exercise is graded: the loops are still running
        while b"1/3" not in seen:
            chunk = os.read(proc.stderr.fileno(), 4096)
            assert chunk, seen.decode(errors="replace")
            seen += chunk
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
        proc.stderr.close()
    assert b"3/3" not in seen
    for name, text in before.items():
        assert (out / name).read_text() == text
    assert sorted(p.name for p in (out / "fb").iterdir()) == ["a_quick.md"]
    assert sorted(p.name for p in out.iterdir()) == ["fb", "grades.csv"]


def test_an_interrupted_grading_says_one_line_and_stops_at_once(tmp_path):
    subs = tmp_path / "subs"
    _write(subs / "a_quick" / "my_runtime" / "runq.py", WRONG)
    for name in ("b_loops", "c_loops"):
        _write(subs / name / "my_runtime" / "runq.py", LOOPING)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "exercises", "grade", str(subs), "--csv",
                             str(out / "grades.csv"), "--feedback", str(out / "fb"), "--only", "runq",
                             "--jobs", "2", "--progress"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    seen = b""
    try:
        while b"1/3" not in seen:
            chunk = os.read(proc.stderr.fileno(), 4096)
            assert chunk, seen.decode(errors="replace")
            seen += chunk
        os.kill(proc.pid, signal.SIGINT)           # what ^C sends the grader
        rest = proc.stderr.read()
        code = proc.wait(timeout=10)   # the loops would run for 5 s a test, 20 s in all
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stderr.close()
    lines = [ln for ln in rest.decode().replace("\r", "\n").splitlines() if ln.strip()]
    assert code == 130
    assert lines[-1].startswith("grading interrupted:") and "were not changed" in lines[-1]
    assert "Traceback" not in rest.decode()
    assert not (out / "grades.csv").exists()


def test_feedback_kept_beside_the_submissions_is_not_a_learner(tmp_path):
    subs = tmp_path / "subs"
    _write(subs / "amy" / "notes.txt", "nothing to grade")
    for _ in range(2):
        rows = instructor.grade_folder(str(subs), str(tmp_path / "g.csv"), str(subs / "feedback"),
                                       ["runq"], progress=False)
    assert [r["learner"] for r in rows] == ["amy"]


def test_a_grader_failure_on_one_submission_is_a_line_and_a_zero_not_a_crash(tmp_path, monkeypatch):
    from exercises import grading
    subs = tmp_path / "subs"
    _write(subs / "amy" / "my_runtime" / "runq.py", RUNQ_OK)
    _write(subs / "bob" / "my_runtime" / "runq.py", WRONG)

    def fake(ex_id, source, **kw):
        if source == WRONG:
            raise KeyError("unknown test name in an event")
        v = grading.Verdict(core.get(ex_id), "all")
        v.results = [grading.TestResult(t.name, t.public, t.doc, "passed") for t in core.get(ex_id).tests]
        return v
    monkeypatch.setattr(grading, "run_tests", fake)
    rows = instructor.grade_folder(str(subs), str(tmp_path / "g.csv"), str(tmp_path / "fb"), ["runq"],
                                   progress=False)
    assert {r["learner"]: r["total"] for r in rows} == {"amy": 10, "bob": 0}
    assert "The grader could not grade this (KeyError" in (tmp_path / "fb" / "bob.md").read_text()


def test_the_grade_command_refuses_an_unknown_exercise(tmp_path):
    (tmp_path / "subs").mkdir()
    proc = _grade_cli(tmp_path / "subs", tmp_path, "--only", "nosuch", timeout=120)
    assert proc.returncode == 2 and "no exercise 'nosuch'" in proc.stderr
