"""The learner's work, kept in files they can see: ``my_runtime/`` holds one
``<exercise>.py`` per passed exercise (what ``gokernel`` runs), every
version ever saved (``.versions/<exercise>/NNN.py``), ``manifest.json`` (what
each file is for, and its hash when saved) and ``progress.json`` (attempts,
hints asked for, points).

The folder is the same from every directory: ``$GOKERNEL_WORKDIR`` if set,
else ``my_runtime/`` in the learner's home (``$GOKERNEL_HOME``, default
``~/goroutines-course``); see ``gokernel.workfolder``.
"""
from __future__ import annotations

import json
import os
import sys
import time


def _wf():
    """gokernel's work-folder convention (imported when first needed, so
    that importing the grader does not start with gokernel)."""
    from gokernel import workfolder
    return workfolder


def workdir(create: bool = False) -> str:
    """The learner's my_runtime/ folder (created, with its README, if asked)."""
    path = _wf().workdir()
    if create:
        os.makedirs(path, exist_ok=True)
        readme = os.path.join(path, "README.md")
        if not os.path.exists(readme):
            with open(readme, "w", encoding="utf-8") as f:
                f.write(_README)
    return path


_README = """# my_runtime: your goroutine runtime

Each `<exercise>.py` here is an exercise you passed, as you wrote it.
`gokernel` (the runtime the notebooks run) loads these files and uses your
functions in place of the reference runtime's.

- `python -m gokernel progress` shows what is yours and your points so far.
- Every version you saved is kept in `.versions/<exercise>/`:
  `python -m gokernel restore <exercise> [N]` puts an earlier one back,
  `python -m gokernel reset <exercise>` goes back to the reference.
- You may edit a file by hand: gokernel then tries it in a separate process
  before using it, and runs the reference instead (saying so) if it does not
  load.
"""


def _progress_path() -> str:
    return os.path.join(workdir(), "progress.json")


def load() -> dict:
    """Attempts and hints per exercise.  A progress.json that does not parse
    is kept aside as ``progress.json.corrupt-<time>`` and reported (on
    stderr), never silently reset."""
    path = _progress_path()
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if not isinstance(data, dict):
            raise ValueError(f"expected an object, found {type(data).__name__}")
        return data
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        backup = f"{path}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}"
        try:
            os.replace(path, backup)
            kept = f"kept it as {backup}"
        except OSError as e2:
            kept = f"could not move it aside ({e2})"
        sys.stderr.write(f"exercises: {path} could not be read ({type(e).__name__}: {e}); "
                         f"{kept} and started a new one. Your passed parts (the .py files "
                         f"beside it) are not affected.\n")
        return {}


def save(data: dict) -> None:
    workdir(create=True)
    _wf().write_json(_progress_path(), data)


def _entry(data: dict, exercise) -> dict:
    return data.setdefault(exercise.id, {"attempts": 0, "hints_shown": 0, "passed": False})


def record_attempt(exercise, verdict, saved: bool | None = None) -> dict:
    """Remember an attempt; a pass counts once its code is saved (``saved``;
    by default, when the verdict passed)."""
    data = load()
    entry = _entry(data, exercise)
    entry["attempts"] += 1
    entry["last"] = verdict.headline()
    entry["last_time"] = time.strftime("%Y-%m-%d %H:%M:%S")
    if verdict.passed if saved is None else saved:
        entry["passed"] = True
        entry["points"] = exercise.points
    save(data)
    return entry


def hints_shown(exercise) -> int:
    """How many hints the learner has asked for."""
    return int(load().get(exercise.id, {}).get("hints_shown", 0))


def next_hint(exercise) -> tuple[int, str | None]:
    """Reveal the next hint (1-based number, text); None when all shown.
    Called only when the learner asks (``hint("id")`` or the hint button)."""
    data = load()
    entry = _entry(data, exercise)
    n = entry.get("hints_shown", 0)
    if n >= len(exercise.hints):
        return n, None
    entry["hints_shown"] = n + 1
    save(data)
    return n + 1, exercise.hints[n]


def course_table() -> dict:
    """Every exercise's kind, label, functions, points and title, in course
    order (written into the manifest, so gokernel needs no grader to read
    the folder)."""
    from .core import registry
    return {e.id: {"kind": e.kind, "label": e.label, "provides": list(e.provides),
                   "points": e.points, "title": e.title}
            for e in registry().values()}


def solution_text(exercise, source: str) -> str:
    """The file saved for a passing source: a 3-line header, then the code."""
    header = (f"# Exercise {exercise.label}: {exercise.title}\n"
              f"# Your code, saved when it passed the public tests. gokernel uses it for: "
              f"{', '.join(exercise.provides)}.\n\n")
    return header + source.rstrip() + "\n"


def save_solution(exercise, source: str) -> str:
    """Put the code in use as the learner's part (and keep it as a new
    version in ``.versions/``); returns the file's path."""
    path, _ = _wf().save_part(exercise.id, solution_text(exercise, source), exercise.kind,
                                   exercise.provides, exercise.label, course=course_table(),
                                   wd=workdir(create=True))
    return path


def solution_path(exercise_id: str) -> str | None:
    path = os.path.join(workdir(), f"{exercise_id}.py")
    return path if os.path.exists(path) else None


def passed_before(exercise) -> bool:
    """The learner has a saved version of this part in use."""
    return solution_path(exercise.id) is not None
