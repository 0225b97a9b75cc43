"""What an exercise is: an id, a statement, starter code, tests (public ones
the learner can read, hidden ones used in grading), hints revealed one at a
time, and points.

Each exercise lives in ``exercises/defs/<id>.py`` as a module-level
``EXERCISE``; its tests are plain functions taking the learner's module
(``sol``) and raising ``Mismatch`` (via ``expect``) or ``AssertionError``
when the learner's code does not behave.  Worked solutions live in
``exercises/solutions/<id>.py`` (never in the learner's notebooks, nor in
the learner edition, which ``python -m exercises edition build`` makes
without them, without ``solution_source`` and without hidden tests).
"""
from __future__ import annotations

import importlib
import pkgutil
import textwrap
from dataclasses import dataclass, field
from typing import Callable


class Mismatch(AssertionError):
    """A test's observation differs from what was expected."""

    def __init__(self, what: str, expected: object, got: object) -> None:
        super().__init__(f"{what}: expected {expected!r}, got {got!r}")
        self.what = what
        self.expected = expected
        self.got = got
        self.detail = _first_difference(expected, got)


def _first_difference(expected: object, got: object) -> str:
    """Where two sequences or strings first differ (see verdict.first_difference)."""
    from .verdict import first_difference
    return first_difference(expected, got)


_observe: Callable | None = None     # set by the grader's runner while a test runs


def expect(got: object, expected: object, what: str, varies: bool = False) -> None:
    """Fail with a readable expected/got message unless got == expected.

    While grading, each call is also recorded as an observation of `got`
    (exercises/runner.py): a test passes only if its observations are
    exactly the reference's (docs/GRADING.md), so every test must call
    expect at least once.  varies=True: `expected` is computed by the test
    in the same run and may differ from run to run (real time): only
    whether the two matched is recorded."""
    if _observe is not None:
        _observe(what, _Matched(got, expected) if varies else got)
    if got != expected:
        raise Mismatch(what, expected, got)


class _Matched:
    """What `expect(..., varies=True)` records: whether got matched."""

    def __init__(self, got: object, expected: object) -> None:
        self.got, self.expected = got, expected


def checked(what: str) -> None:
    """Record that a check the test made by itself (a value within a
    tolerance, an exception raised) passed: the grader needs every test to
    make at least one observation (``expect`` makes one per call)."""
    expect(True, True, what)


@dataclass
class Test:
    name: str
    fn: Callable
    public: bool
    doc: str


def public(fn: Callable) -> Callable:
    """Mark a test the learner can read and run from the notebook."""
    fn._exercise_test = True
    return fn


def hidden(fn: Callable) -> Callable:
    """Mark a test run only when the exercise is graded."""
    fn._exercise_test = False
    return fn


def collect_tests(namespace: dict) -> list[Test]:
    """The @public and @hidden functions of a definition module, in order."""
    out = []
    for name, obj in namespace.items():
        flag = getattr(obj, "_exercise_test", None)
        if flag is None or not callable(obj):
            continue
        doc = textwrap.dedent(obj.__doc__ or "").strip()
        out.append(Test(name=name, fn=obj, public=flag, doc=doc))
    return out


@dataclass
class Exercise:
    id: str                       # short slug, also the file name in my_runtime/
    notebook: str                 # "03"
    number: int                   # order within the notebook
    title: str
    points: int
    provides: list[str]           # functions the learner's code must define
    statement: str
    starter: str
    hints: list[str]
    tests: list[Test] = field(default_factory=list)
    reference: Callable | None = None   # () -> {name: function}, the answer key
    timeout: float = 20.0         # seconds for the whole test run
    per_test_timeout: float = 5.0
    kind: str = "runtime"         # how gokernel uses it: runtime | chan | select | model | analysis

    @property
    def label(self) -> str:
        return f"{self.notebook}.{self.number}"

    @property
    def public_tests(self) -> list[Test]:
        return [t for t in self.tests if t.public]

    @property
    def hidden_tests(self) -> list[Test]:
        return [t for t in self.tests if not t.public]


_REGISTRY: dict[str, Exercise] | None = None


def registry() -> dict[str, Exercise]:
    """Every exercise, by id, in course order."""
    global _REGISTRY
    if _REGISTRY is None:
        from . import defs
        found = []
        for info in pkgutil.iter_modules(defs.__path__):
            mod = importlib.import_module(f"{defs.__name__}.{info.name}")
            ex = getattr(mod, "EXERCISE", None)
            if isinstance(ex, Exercise):
                if ex.id != info.name:
                    raise ValueError(f"exercise {ex.id!r} must live in defs/{ex.id}.py")
                found.append(ex)
        found.sort(key=lambda e: (e.notebook, e.number))
        _REGISTRY = {e.id: e for e in found}
    return _REGISTRY


def get(exercise_id: str) -> Exercise:
    reg = registry()
    if exercise_id not in reg:
        known = ", ".join(reg)
        raise KeyError(f"no exercise {exercise_id!r}; known: {known}")
    return reg[exercise_id]


def solution_source(exercise_id: str) -> str:
    """The worked solution's source (exercises/solutions/<id>.py).  The
    instructor's edition only: the learner edition has neither this
    function nor the solutions (exercises/edition.py)."""
    import os
    here = os.path.join(os.path.dirname(__file__), "solutions", f"{exercise_id}.py")
    with open(here, encoding="utf-8") as f:
        return f.read()
