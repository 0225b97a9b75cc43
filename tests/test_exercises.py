"""The exercises and their grader: every exercise's tests pass against the
reference and the worked solution and fail against the shipped starter;
a broken exercise (exception, infinite loop, runaway memory, wrong types,
deadlock, syntax error) gets a readable verdict in time; the notebook magic,
progress files, gokernel's use of passed parts, and the instructor's batch
grading."""
from __future__ import annotations

import csv
import json
import time

import pytest

from exercises import core, grading, progress
from exercises.core import registry, solution_source

EXERCISES = list(registry())


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.setenv("GOKERNEL_WORKDIR", str(tmp_path / "my_runtime"))
    return tmp_path / "my_runtime"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_test_passes_against_the_reference(exercise_id):
    v = grading.run_tests(exercise_id, None, which="all", target="reference")
    assert v.passed, v.text()


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_test_passes_against_the_worked_solution(exercise_id):
    v = grading.run_tests(exercise_id, solution_source(exercise_id), which="all")
    assert v.passed, v.text()


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_the_shipped_starter_fails(exercise_id):
    ex = core.get(exercise_id)
    v = grading.run_tests(exercise_id, ex.starter, which="all")
    assert v.setup == "ok", v.text()          # the starter itself loads
    assert not v.passed


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_exercise_is_complete(exercise_id):
    ex = core.get(exercise_id)
    assert ex.statement and ex.starter and ex.provides and ex.points > 0
    assert len(ex.hints) >= 2
    assert ex.public_tests and ex.hidden_tests
    assert all(t.doc for t in ex.tests), "every test says what it checks"


def test_public_pass_says_public_tests_passed_never_all():
    v = grading.run_tests("runq", solution_source("runq"), which="public")
    assert v.passed
    assert "public tests passed" in v.headline()
    assert "all" not in v.headline().lower().split("public")[0]
    assert "hidden" in v.headline()


# --- a broken exercise gets a readable verdict, in time -------------------

RUNQ_OK = solution_source("runq")


def _break(replace_get: str) -> str:
    """The solution with runqget replaced."""
    head = RUNQ_OK.split("def runqget(p):")[0]
    return head + "def runqget(p):\n" + replace_get


ONE = ["test_the_ring_is_first_in_first_out"]


def test_an_exception_shows_the_learners_own_lines():
    src = _break("    x = p.runq[p.runqhead % RUNQ_SIZE]\n    return x.goid.bogus, False\n")
    v = grading.run_tests("runq", src, only=ONE)
    r = v.results[0]
    assert r.status == "error" and r.exception == "AttributeError"
    assert r.frames and r.frames[-1]["code"] == "return x.goid.bogus, False"
    assert "in your code" in v.text()
    assert "runner.py" not in v.text()          # no grader internals in the learner's view


def test_a_wrong_answer_shows_expected_and_got():
    src = _break("    return None, False\n")
    v = grading.run_tests("runq", src, only=ONE)
    text = v.text()
    assert "expected: [(1, False), (2, False), (3, False), (None, False)]" in text
    assert "got:      [(None, False), (None, False), (None, False), (None, False)]" in text
    assert "first difference at index 0" in text


def test_a_wrong_type_is_explained():
    src = _break("    return 'not a tuple'\n")
    v = grading.run_tests("runq", src, only=ONE)
    assert v.results[0].status in ("error", "failed")
    assert "not a tuple" in v.text() or "unpack" in v.text()


def test_an_infinite_loop_times_out_and_says_where():
    src = _break("    while True:\n        pass\n")
    t0 = time.monotonic()
    v = grading.run_tests("runq", src, only=ONE, per_test_timeout=1.0)
    assert time.monotonic() - t0 < 10
    r = v.results[0]
    assert r.status == "timeout"
    assert "Timed out after 1 s" in v.text() and "while True" in v.text() or "pass" in v.text()


def test_a_loop_the_test_timer_cannot_stop_is_killed_at_the_total_limit():
    # a long computation inside C code does not return to Python to notice the timer
    src = _break("    sum(range(10**11))\n    return None, False\n")
    t0 = time.monotonic()
    v = grading.run_tests("runq", src, only=ONE, per_test_timeout=1.0, timeout=3.0)
    assert time.monotonic() - t0 < 10
    assert v.results[0].status == "killed"
    assert "stopped after 3 s" in v.text()


def test_runaway_memory_is_stopped():
    src = _break("    hog = []\n    while True:\n        hog.append(bytearray(10**7))\n")
    v = grading.run_tests("runq", src, only=ONE, per_test_timeout=10.0)
    assert v.results[0].status in ("memory", "killed")
    assert "memory" in v.text().lower() or "died" in v.text()


def test_a_scheduler_that_loses_goroutines_is_a_fatal_error_not_a_hang():
    """A runqget that ignores runnext leaves goroutines nobody will run: the
    runtime says so, as Go's checkdead does ("checkdead: runnable g")."""
    src = RUNQ_OK.replace("    if p.runnext is not None:\n        g = p.runnext\n"
                          "        p.runnext = None\n        return g, True\n", "")
    t0 = time.monotonic()
    v = grading.run_tests("runq", src, which="all", only=["test_the_runtime_runs_on_your_run_queue"])
    assert time.monotonic() - t0 < 10
    r = v.results[0]
    assert r.status == "error" and r.exception == "FatalError"
    assert "checkdead: runnable g" in r.message


def test_a_deadlock_in_learner_code_is_reported_with_gos_message():
    src = RUNQ_OK.replace("def runqput(rt, p, g, next):", "def runqput(rt, p, g, next):\n    return", 1)
    v = grading.run_tests("runq", src, which="all", only=["test_the_runtime_runs_on_your_run_queue"])
    r = v.results[0]
    assert r.status == "error"
    assert "all goroutines are asleep - deadlock!" in r.message or "checkdead" in r.message


def test_a_syntax_error_is_reported_without_running_anything():
    v = grading.run_tests("runq", "def runqput(rt, p, g, next)\n    pass\n")
    assert v.setup == "syntax"
    assert "SyntaxError" in v.text() and "line 1" in v.text()


def test_a_missing_function_is_named():
    v = grading.run_tests("runq", "def runqput(rt, p, g, next):\n    pass\n")
    assert v.setup == "missing"
    assert "runqget" in v.text()


def test_top_level_code_that_fails_is_shown():
    v = grading.run_tests("runq", "raise ValueError('at import')\n")
    assert v.setup == "error" and "ValueError: at import" in v.text()


# --- progress, hints, gokernel ---------------------------------------------

def test_a_pass_saves_the_code_where_gokernel_uses_it(workdir):
    from exercises.notebook import grade_source
    from gokernel import parts
    assert parts.runtime_parts() == {}
    v = grade_source("runq", RUNQ_OK)
    assert v.passed
    saved = workdir / "runq.py"
    assert saved.exists() and "def runqput" in saved.read_text()
    got = parts.runtime_parts()
    assert set(got) == {"runqput", "runqget"}
    assert got["runqput"].__module__ == "my_runtime.runq"
    data = json.loads((workdir / "progress.json").read_text())
    assert data["runq"]["passed"] and data["runq"]["points"] == 10


def test_gokernel_runs_on_the_learners_part_and_says_so(workdir, capsys):
    import gokernel
    from exercises.notebook import grade_source
    grade_source("runq", RUNQ_OK.replace("def runqget(p):", "CALLS = []\n\ndef runqget(p):\n    CALLS.append(1)", 1))
    from gokernel import parts
    order = []

    def main():
        for i in range(3):
            gokernel.go(order.append, i)
        gokernel.sleep(0.01)

    parts._last_banner = None
    gokernel.run(main, gomaxprocs=1)
    assert order == [2, 0, 1]
    assert parts.load_module("runq").CALLS, "the learner's runqget was called"
    out = capsys.readouterr().out
    if parts.fallback():
        assert "your parts: runq" in out and "the reference runtime's for the other" in out
    else:
        assert "every runtime part is yours" in out


def test_failures_never_reveal_a_hint_only_asking_does(workdir):
    from exercises.notebook import grade_source, hint
    ex = core.get("runq")
    bad = _break("    return None, False\n")
    for _ in range(3):
        v = grade_source("runq", bad)
        assert not v.passed
        assert all(h not in v.text() for h in ex.hints)
        assert all(h not in v._repr_html_() for h in ex.hints)
    assert progress.hints_shown(ex) == 0
    assert repr(hint("runq")) == f"Hint 1/{len(ex.hints)}: {ex.hints[0]}"
    assert repr(hint("runq")) == f"Hint 2/{len(ex.hints)}: {ex.hints[1]}"
    assert not (workdir / "runq.py").exists()


def test_the_cell_magic_grades_and_keeps_the_kernel_usable(workdir):
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "exercises")
    looping = _break("    while True:\n        pass\n")
    res = shell.run_cell("%%exercise runq\n" + looping)
    assert res.error_in_exec is None
    # the looping code was not run in the kernel: the kernel answers at once
    assert shell.run_cell("1 + 1").result == 2
    shell.run_cell("%%exercise runq\n" + RUNQ_OK)
    assert (workdir / "runq.py").exists()
    assert callable(shell.user_ns.get("runqput"))


def test_gokernel_progress_lists_parts_and_points(workdir, capsys):
    from exercises.notebook import grade_source
    from gokernel.__main__ import progress as show
    grade_source("runq", RUNQ_OK)
    show()
    out = capsys.readouterr().out
    assert "runq" in out and "yours" in out and "10/10" in out


# --- the instructor's side --------------------------------------------------

def test_instructor_grades_a_folder_of_submissions(tmp_path):
    from exercises.instructor import grade_folder
    subs = tmp_path / "subs"
    (subs / "ada" / "my_runtime").mkdir(parents=True)
    (subs / "ada" / "my_runtime" / "runq.py").write_text(RUNQ_OK)
    (subs / "bob").mkdir()
    nb = {"cells": [{"cell_type": "code", "source": "%%exercise runq\n" + _break(
        "    while True:\n        pass\n"), "metadata": {}, "outputs": []}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (subs / "bob" / "03_scheduler.ipynb").write_text(json.dumps(nb))
    (subs / "cy").mkdir()
    rows = grade_folder(str(subs), str(tmp_path / "grades.csv"), str(tmp_path / "fb"), ["runq"])
    by = {r["learner"]: r for r in rows}
    assert by["ada"]["runq"] == 10
    assert 0 <= by["bob"]["runq"] < 10
    assert by["cy"]["runq"] == 0
    with open(tmp_path / "grades.csv") as f:
        table = list(csv.DictReader(f))
    assert [r["learner"] for r in table] == ["ada", "bob", "cy"]
    fb = (tmp_path / "fb" / "bob.md").read_text()
    assert "TIMEOUT" in fb or "KILLED" in fb
    assert "not attempted" in (tmp_path / "fb" / "cy.md").read_text()
