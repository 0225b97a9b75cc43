"""The sandbox and the verdict's trust model: an interrupted grading kills
everything at once and says so in one exception; without bubblewrap the
instructor's command refuses and a learner's grading runs with a notice;
every exercise test makes observations, the same on every run of the
reference; the learner edition holds no answer key and still grades."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from exercises import core, grading, sandbox
from exercises.__main__ import main as cli

needs_bwrap = pytest.mark.skipif(not sandbox.available(), reason="bubblewrap cannot run here")
PROJECT = Path(core.__file__).resolve().parent.parent
SOLUTION = core.solution_source("runq")
ONE = ["test_runqget_on_an_empty_p_returns_none"]

STUBBORN = core.get("runq").starter + '''
import os, signal

def runqget(p):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for _ in range(3):
        if os.fork() == 0:
            os.setsid()
            with open("/proc/self/comm", "w") as f:
                f.write(MARKER)
            while True:
                pass
    with open("/proc/self/comm", "w") as f:
        f.write(MARKER)
    os.write(2, b"READY\\n")
    while True:
        pass
'''


def _alive(marker: str) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if Path(f"/proc/{d}/comm").read_text().strip() == marker:
                    out.append(int(d))
            except OSError:
                pass
    return out


@pytest.mark.parametrize("boxed", [pytest.param(True, marks=needs_bwrap), False],
                         ids=["sandboxed", "unsandboxed"])
def test_an_interrupt_kills_the_whole_tree_at_once_and_raises_grading_interrupted(boxed, monkeypatch):
    """The learner's code ignores SIGINT and SIGTERM and has three children
    of its own (in new sessions); a SIGINT to the grader while it waits
    (the notebook's stop button) kills all of them and raises
    GradingInterrupted."""
    marker = f"stub{os.getpid() % 100000}"
    src = f"MARKER = {marker!r}\n" + STUBBORN
    spawned = []
    monkeypatch.setattr(sandbox, "_on_spawn", spawned.append)

    def on_output(stream, chunk):
        if stream == "stderr" and b"READY" in chunk:
            # from another thread, as a real interrupt arrives
            threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT)).start()
    monkeypatch.setattr(sandbox, "_on_output", on_output)
    with pytest.raises(grading.GradingInterrupted) as info:
        grading.run_tests("runq", src, only=ONE, timeout=60, per_test_timeout=60,
                          sandbox=boxed, screen_source=False)
    assert str(info.value) == "grading interrupted: the code under test was stopped"
    assert spawned and all(p.returncode is not None for p in spawned)
    if boxed:
        assert _alive(marker) == []            # its own PID namespace: setsid children too
    else:
        leftovers = _alive(marker)
        for pid in leftovers:                  # unsandboxed, setsid children escape the group
            os.kill(pid, signal.SIGKILL)


def test_without_bubblewrap_the_notice_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(sandbox, "_PROBE", False)
    monkeypatch.setattr(sandbox, "_PROBE_ERROR", "bwrap is not installed")
    note = grading.sandbox_notice()
    assert note and "\n" not in note and "apt-get install bubblewrap" in note
    with pytest.raises(grading.SandboxUnavailable, match="apt-get install bubblewrap"):
        grading.run_tests("runq", SOLUTION, only=ONE, sandbox=True)
    # a learner's own check still runs, unsandboxed
    v = grading.run_tests("runq", SOLUTION)
    assert v.passed, v.text()


def test_without_bubblewrap_the_instructors_grade_command_refuses(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(sandbox, "_PROBE", False)
    monkeypatch.setattr(sandbox, "_PROBE_ERROR", "bwrap is not installed")
    (tmp_path / "subs" / "ada").mkdir(parents=True)
    code = cli(["grade", str(tmp_path / "subs"), "--csv", str(tmp_path / "g.csv"),
                "--feedback", str(tmp_path / "fb")])
    assert code == 2
    assert "apt-get install bubblewrap" in capsys.readouterr().err
    assert not (tmp_path / "g.csv").exists()


@needs_bwrap
def test_with_bubblewrap_there_is_no_notice():
    assert grading.sandbox_notice() is None


def test_a_test_that_observes_nothing_cannot_pass(monkeypatch):
    """A test function that returns without calling expect fails, even
    against the reference."""
    ex = core.get("runq")
    t = ex.tests[0]
    monkeypatch.setattr(t, "fn", lambda sol: None)
    # the child imports the definitions afresh, so the check is done here on a result
    r = grading.TestResult(t.name, True, t.doc, "passed")
    r._obs = []
    grading._decide(r, None)
    assert r.status == "failed" and "checked nothing" in r.message
    r = grading.TestResult(t.name, True, t.doc, "passed")
    r._obs = []
    grading._decide(r, {t.name: [["runqget(empty P)", "ab" * 16, "(None, False)"]]})
    assert r.status == "failed"


def _reference_log(ex_id: str) -> dict:
    names = tuple(t.name for t in core.get(ex_id).tests)
    with grading._REFERENCE_LOCK:
        grading._REFERENCE.pop((ex_id, names), None)
    return grading._reference_observations(ex_id, names)


def test_every_exercise_test_observes_something_and_the_same_on_every_run():
    """The reference passes every test, each test records at least one
    observation, and two runs of the reference (two processes) record the
    same values: a correct submission is judged against a fixed log."""
    ids = list(core.registry())
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = list(pool.map(_reference_log, ids))
        second = list(pool.map(_reference_log, ids))
    for ex_id, a, b in zip(ids, first, second):
        names = [t.name for t in core.get(ex_id).tests]
        assert sorted(a) == sorted(names), f"{ex_id}: the reference fails {set(names) - set(a)}"
        for name in names:
            assert a[name], f"{ex_id}.{name} makes no observation (call expect)"
            assert [o[1] for o in a[name]] == [o[1] for o in b[name]], (
                f"{ex_id}.{name}: the reference's observations differ between runs: "
                f"{[o[2] for o in a[name]]} / {[o[2] for o in b[name]]}")


# --- the learner edition ------------------------------------------------------

@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("edition") / "course-edition"
    assert cli(["edition", "build", str(out)]) == 0
    return out


def test_the_learner_edition_has_no_answer_key(edition):
    assert (edition / "exercises" / "defs" / "runq.py").exists()
    assert not (edition / "exercises" / "solutions").exists()
    assert not (edition / "tests" / "wrong_solutions").exists()
    assert "def solution_source" not in (edition / "exercises" / "core.py").read_text()
    for f in (edition / "exercises" / "defs").glob("*.py"):
        text = f.read_text()
        assert "@hidden" not in text, f"{f.name} still holds hidden tests"
        compile(text, str(f), "exec")
    for ex in core.registry().values():
        for t in ex.hidden_tests:
            assert t.name not in (edition / "exercises" / "defs" / f"{ex.id}.py").read_text()
    # the instructor's tree keeps them
    assert (PROJECT / "exercises" / "solutions" / "runq.py").exists()
    assert "@hidden" in (PROJECT / "exercises" / "defs" / "runq.py").read_text()


def test_the_learner_edition_runs_and_grades_a_public_check(edition):
    """In the edition, as a class would run it: no solution_source to call,
    the public tests listed, and the notebook's grading passes the worked
    solution on the public tests."""
    script = (
        "import json, sys\n"
        "from exercises import core\n"
        "from exercises.notebook import grade_source\n"
        "src = sys.stdin.read()\n"
        "v = grade_source('runq', src, record=False)\n"
        "print(json.dumps({'has_solution_source': hasattr(core, 'solution_source'),\n"
        "                  'hidden': len(core.get('runq').hidden_tests),\n"
        "                  'public': len(core.get('runq').public_tests),\n"
        "                  'passed': v.passed, 'text': v.text(),\n"
        "                  'core': core.__file__}))\n")
    env = dict(os.environ, PYTHONPATH=str(edition))
    p = subprocess.run([sys.executable, "-c", script], input=SOLUTION, capture_output=True,
                       text=True, env=env, cwd=str(edition), timeout=120)
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout.splitlines()[-1])
    assert got["core"].startswith(str(edition))
    assert got["has_solution_source"] is False
    assert got["hidden"] == 0 and got["public"] == len(core.get("runq").public_tests)
    assert got["passed"], got["text"]


def test_the_learner_editions_package_has_no_answer_key(edition, tmp_path):
    """What installing the edition would install: setuptools' build of its
    packages."""
    pytest.importorskip("setuptools")
    lib = tmp_path / "lib"
    p = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q",
                        "build_py", "--build-lib", str(lib)], cwd=str(edition),
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert (lib / "exercises" / "defs" / "runq.py").exists()
    assert (lib / "reference_runtime").is_dir() and (lib / "gokernel").is_dir()
    assert not (lib / "exercises" / "solutions").exists()
    assert "@hidden" not in (lib / "exercises" / "defs" / "runq.py").read_text()
    assert "def solution_source" not in (lib / "exercises" / "core.py").read_text()


def test_a_dicts_observation_does_not_depend_on_its_insertion_order():
    """Two equal dicts are one observation: the order a test's goroutines
    filled a dict in (a reader and a writer on one socket) must not fail a
    correct submission."""
    from exercises.runner import canonical
    assert canonical({"read": b"hello", "wrote": 8}) == canonical({"wrote": 8, "read": b"hello"})
    assert canonical({"a": 1}) != canonical({"a": 2})
