"""End to end: a learner who has passed every exercise of the course.

Every exercise's worked solution (``exercises/solutions/<id>.py``) is saved
into a fresh work folder exactly as the notebooks save a passing cell
(``exercises.progress.save_solution``), and then, with
``GOKERNEL_WORKDIR`` pointing there:

(a) ``python -m gokernel progress`` lists every exercise of the course as
    the learner's, each with its full points, and says that every runtime
    part is theirs;
(b) ``GOKERNEL_STRICT=1 python -m gokernel prog.py`` runs every program of
    ``tests/corpus/`` on the learner's runtime alone (strict mode refuses to
    start if any runtime part would come from the reference) and reproduces
    what Go 1.19 printed, compared as ``tests/test_corpus.py`` compares the
    reference runtime's output (its helpers are reused);
(c) the exercises cover the course: every notebook 00-09 has at least one,
    and each of 04-09 (blocking, network, Ms and Ps, preemption,
    GOMAXPROCS, capstone) at least two.

The tests are written over ``exercises.core.registry()``, so they cover
whatever exercises exist: an exercise added later is part of them at once.
"""
from __future__ import annotations

import concurrent.futures
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from exercises import core, progress

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = core.registry()
RUNTIME_KINDS = ("runtime", "chan", "select", "preempt")   # the kinds gokernel plugs in

# the corpus test's own helpers: same programs, same cut of stderr, same normalisation
_spec = importlib.util.spec_from_file_location("corpus_test_helpers",
                                               Path(__file__).with_name("test_corpus.py"))
_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_corpus)
CORPUS, PROGRAMS = _corpus.CORPUS, _corpus.PROGRAMS
stderr_head, normalise = _corpus.stderr_head, _corpus.normalise


def _env(workdir: Path | None, **extra: str) -> dict:
    env = dict(os.environ)
    for k in ("GODEBUG", "GOMAXPROCS", "GOKERNEL_STRICT"):   # as when Go was recorded
        env.pop(k, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if workdir is not None:
        env["GOKERNEL_WORKDIR"] = str(workdir)
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def complete_learner(tmp_path_factory):
    """A work folder holding every exercise's worked solution, saved as a
    notebook saves a cell that passed (the folder and its README included)."""
    workdir = tmp_path_factory.mktemp("learner") / "my_runtime"
    saved = os.environ.get("GOKERNEL_WORKDIR")
    os.environ["GOKERNEL_WORKDIR"] = str(workdir)
    try:
        for ex in EXERCISES.values():
            path = progress.save_solution(ex, core.solution_source(ex.id))
            assert Path(path).parent == workdir
    finally:
        if saved is None:
            os.environ.pop("GOKERNEL_WORKDIR", None)
        else:
            os.environ["GOKERNEL_WORKDIR"] = saved
    return workdir


# ----------------------------------------------------------------- (a) progress

ROW = re.compile(r"^\s+(?P<label>\d\d\.\d+)\s+(?P<id>\S+)\s+(?P<whose>yours|reference)\s+"
                 r"(?P<got>\d+)/(?P<of>\d+)\s")


def test_every_exercise_is_the_learners_with_full_points(complete_learner):
    """`python -m gokernel progress` lists each exercise of the registry once, as
    "yours", with all of its points, and the total is the course's total."""
    p = subprocess.run([sys.executable, "-m", "gokernel", "progress"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120, env=_env(complete_learner))
    assert p.returncode == 0, p.stderr
    rows = {m["id"]: m for m in map(ROW.match, p.stdout.splitlines()) if m}
    assert set(rows) == set(EXERCISES), p.stdout
    for ex_id, ex in EXERCISES.items():
        row = rows[ex_id]
        assert (row["label"], row["whose"], int(row["got"]), int(row["of"])) == \
               (ex.label, "yours", ex.points, ex.points), f"{ex_id}: {row.group(0)!r}"
    total = sum(ex.points for ex in EXERCISES.values())
    assert f"{total}/{total} points." in p.stdout, p.stdout
    assert "every runtime part is yours" in p.stdout, p.stdout
    assert str(complete_learner) in p.stdout          # it read the folder we filled


def test_no_part_falls_back_to_the_reference(complete_learner, monkeypatch):
    """In-process: every exercise loads from the work folder, and gokernel's list of
    parts that would come from the reference is empty."""
    from gokernel import parts
    monkeypatch.setenv("GOKERNEL_WORKDIR", str(complete_learner))
    status = parts.status()
    assert [ex.id for ex, mine in status if not mine] == []
    assert parts.fallback() == []
    assert any(ex.kind in RUNTIME_KINDS for ex, _ in status)


# ------------------------------------------------------ (b) the corpus, strictly

def _strict_run(name: str, workdir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gokernel", "prog.py"], cwd=CORPUS / name,
                          capture_output=True, text=True, timeout=_corpus.TIMEOUT,
                          env=_env(workdir, GOKERNEL_STRICT="1"))


@pytest.fixture(scope="module")
def strict_runs(complete_learner):
    """Every corpus program under GOKERNEL_STRICT=1 on the learner's runtime,
    started together (each in its own process)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as pool:
        futures = {name: pool.submit(_strict_run, name, complete_learner) for name in PROGRAMS}
        yield {name: f.result() for name, f in futures.items()}


def test_strict_mode_refuses_a_runtime_with_reference_parts(tmp_path):
    """With no exercise passed, GOKERNEL_STRICT=1 stops before running the program
    (exit status 3) and names the parts that would come from the reference."""
    runtime_parts = [ex.id for ex in EXERCISES.values() if ex.kind in RUNTIME_KINDS]
    if not runtime_parts:
        pytest.skip("no exercise plugs a part into the runtime yet")
    p = subprocess.run([sys.executable, "-m", "gokernel", "prog.py"],
                       cwd=CORPUS / PROGRAMS[0], capture_output=True, text=True,
                       timeout=_corpus.TIMEOUT,
                       env=_env(tmp_path / "empty", GOKERNEL_STRICT="1"))
    assert p.returncode == 3, p.stderr
    assert p.stdout == ""
    assert "GOKERNEL_STRICT=1" in p.stderr and runtime_parts[0] in p.stderr


@pytest.mark.parametrize("name", PROGRAMS)
def test_corpus_program_matches_go_on_the_learners_runtime_alone(name, strict_runs):
    """The program's stdout, exit status and report head are Go 1.19's, with every
    runtime part the learner's (test_corpus.py's comparison)."""
    expected = json.loads((CORPUS / name / "expected.json").read_text())
    p = strict_runs[name]
    assert "GOKERNEL_STRICT" not in p.stderr, f"{name}: strict mode refused:\n{p.stderr}"
    assert p.stdout == expected["stdout"], (
        f"{name}: stdout differs from Go's\n--- stderr ---\n{p.stderr}")
    assert p.returncode == expected["exit_status"], (
        f"{name}: exit status {p.returncode}, Go's is {expected['exit_status']}\n"
        f"--- stderr ---\n{p.stderr}")
    got = normalise(stderr_head(p.stderr))
    want = normalise(expected["stderr_head"])
    assert got == want, f"{name}: stderr head differs from Go's\n--- stderr ---\n{p.stderr}"


# ----------------------------------------------------------- (c) course coverage

NOTEBOOKS = [f"{n:02d}" for n in range(10)]
AT_LEAST = {nb: (2 if nb >= "04" else 1) for nb in NOTEBOOKS}


def test_every_notebook_has_its_exercises():
    """Notebooks 00-03 have at least one exercise each, 04-09 at least two."""
    count = {nb: 0 for nb in NOTEBOOKS}
    for ex in EXERCISES.values():
        count[ex.notebook] = count.get(ex.notebook, 0) + 1
    short = {nb: f"{count[nb]} (needs {need})" for nb, need in AT_LEAST.items() if count[nb] < need}
    assert not short, f"notebooks short of exercises: {short}; all: {count}"


def test_exercises_belong_to_notebooks_00_to_09_and_are_numbered_from_1():
    """Each exercise names one of the ten notebooks, and a notebook's exercises are
    numbered 1, 2, 3 ... without gaps or repeats."""
    by_nb: dict[str, list[int]] = {}
    for ex in EXERCISES.values():
        assert ex.notebook in NOTEBOOKS, f"{ex.id}: notebook {ex.notebook!r}"
        by_nb.setdefault(ex.notebook, []).append(ex.number)
    for nb, numbers in by_nb.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"notebook {nb}: {numbers}"
