"""Every exercise's public tests reject every one of its wrong solutions.

Each file under ``tests/wrong_solutions/<exercise>/`` is a plausible answer
with one mistake (see the README there).  A public test suite that lets one
through would save wrong code into the learner's runtime with a "passed";
so this is the check that the public tests state every rule the statement
does.  The grading runs are independent subprocesses, started together on
the machine's cores once per session.
"""
from __future__ import annotations

import ast
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from exercises import core, grading

HERE = Path(__file__).parent / "wrong_solutions"
EXERCISES = list(core.registry())
MIN_WRONG = 5


def _wrong_files() -> list[tuple[str, Path]]:
    out = []
    for ex_id in EXERCISES:
        folder = HERE / ex_id
        if folder.is_dir():
            out.extend((ex_id, f) for f in sorted(folder.glob("*.py")))
    return out


WRONG = _wrong_files()


def _stub_source(ex: core.Exercise) -> str:
    """The starter with every provided function's body replaced by
    ``return None``: code that does nothing."""
    tree = ast.parse(ex.starter)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in ex.provides:
            node.body = [ast.Return(value=ast.Constant(value=None))]
    return ast.unparse(tree)


@pytest.fixture(scope="session")
def verdicts():
    """(exercise, file name) -> Verdict of the full tests, for every wrong
    solution and every exercise's do-nothing stub, graded in parallel."""
    jobs = {(ex_id, path.name): path.read_text(encoding="utf-8") for ex_id, path in WRONG}
    for ex_id in EXERCISES:
        jobs[(ex_id, "<stub returning None>")] = _stub_source(core.get(ex_id))
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {key: pool.submit(grading.run_tests, key[0], src, "all") for key, src in jobs.items()}
        return {key: f.result() for key, f in futures.items()}


def _explain(v: grading.Verdict) -> str:
    return v.text()


@pytest.mark.parametrize("exercise_id,path", WRONG, ids=[f"{e}/{p.stem}" for e, p in WRONG])
def test_public_tests_reject_the_wrong_solution(verdicts, exercise_id, path):
    v = verdicts[(exercise_id, path.name)]
    assert v.setup == "ok", f"{path} must load and define {core.get(exercise_id).provides}:\n{_explain(v)}"
    public = [r for r in v.results if r.public]
    assert public and not all(r.passed for r in public), (
        f"the public tests of {exercise_id} let {path.name} through "
        f"({ast.get_docstring(ast.parse(path.read_text()))!r})")
    assert not v.passed, "the full tests pass it too"
    assert v.points == 0


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_a_stub_that_returns_none_earns_nothing(verdicts, exercise_id):
    v = verdicts[(exercise_id, "<stub returning None>")]
    assert not v.passed
    assert v.points == 0, _explain(v)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_exercise_keeps_at_least_five_wrong_solutions(exercise_id):
    """Each exercise keeps at least five wrong solutions, each a file whose
    docstring names its mistake and the rule it breaks."""
    assert exercise_id in EXERCISES, f"no exercise {exercise_id!r}"
    files = sorted((HERE / exercise_id).glob("*.py"))
    documented = [f.name for f in files if ast.get_docstring(ast.parse(f.read_text(encoding="utf-8")))]
    assert len(documented) >= MIN_WRONG, (
        f"{exercise_id} has {len(documented)} documented wrong solutions "
        f"({', '.join(documented) or 'none'}); at least {MIN_WRONG} are needed")
    assert len(documented) == len(files), \
        f"files without a docstring: {sorted(set(f.name for f in files) - set(documented))}"
