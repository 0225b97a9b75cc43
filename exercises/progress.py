"""The learner's work, kept in files they can see: ``my_runtime/`` next to
the notebooks holds one ``<exercise>.py`` per passed exercise (what
``gokernel`` runs) and ``progress.json`` (attempts, hints shown, points).

The folder is ``$GOKERNEL_WORKDIR`` if set, else ``./my_runtime`` when the
current directory is the course (JupyterLab starts kernels in the
notebook's folder), else ``./course/my_runtime`` from the project root.
"""
from __future__ import annotations

import json
import os
import time


def workdir(create: bool = False) -> str:
    env = os.environ.get("GOKERNEL_WORKDIR")
    if env:
        path = os.path.abspath(env)
    else:
        cwd = os.getcwd()
        if os.path.isdir(os.path.join(cwd, "course")) and not _is_course_dir(cwd):
            path = os.path.join(cwd, "course", "my_runtime")
        else:
            path = os.path.join(cwd, "my_runtime")
    if create:
        os.makedirs(path, exist_ok=True)
        readme = os.path.join(path, "README.md")
        if not os.path.exists(readme):
            with open(readme, "w", encoding="utf-8") as f:
                f.write(_README)
    return path


def _is_course_dir(path: str) -> bool:
    return any(n.endswith(".ipynb") for n in os.listdir(path))


_README = """# my_runtime: your goroutine runtime

Each file here is an exercise you passed, as you wrote it. `gokernel` (the
runtime the notebooks run) loads these files and uses your functions in place
of the reference runtime's. Delete a file to go back to the reference for that
part. `python -m gokernel progress` shows what is yours and your points so far.
"""


def _progress_path() -> str:
    return os.path.join(workdir(), "progress.json")


def load() -> dict:
    try:
        with open(_progress_path(), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save(data: dict) -> None:
    workdir(create=True)
    tmp = _progress_path() + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=True)
    os.replace(tmp, _progress_path())


def record_attempt(exercise, verdict) -> dict:
    """Remember an attempt; on a pass of the public tests, keep the code."""
    data = load()
    entry = data.setdefault(exercise.id, {"attempts": 0, "hints_shown": 0, "passed": False})
    entry["attempts"] += 1
    entry["last"] = verdict.headline()
    entry["last_time"] = time.strftime("%Y-%m-%d %H:%M:%S")
    if verdict.passed:
        entry["passed"] = True
        entry["points"] = exercise.points
    save(data)
    return entry


def next_hint(exercise) -> tuple[int, str | None]:
    """Reveal the next hint (1-based number, text); None when all shown."""
    data = load()
    entry = data.setdefault(exercise.id, {"attempts": 0, "hints_shown": 0, "passed": False})
    n = entry.get("hints_shown", 0)
    if n >= len(exercise.hints):
        return n, None
    entry["hints_shown"] = n + 1
    save(data)
    return n + 1, exercise.hints[n]


def save_solution(exercise, source: str) -> str:
    path = os.path.join(workdir(create=True), f"{exercise.id}.py")
    header = (f"# Exercise {exercise.label}: {exercise.title}\n"
              f"# Your code, saved when it passed the public tests. gokernel uses it for: "
              f"{', '.join(exercise.provides)}.\n\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write(header + source.rstrip() + "\n")
    return path


def solution_path(exercise_id: str) -> str | None:
    path = os.path.join(workdir(), f"{exercise_id}.py")
    return path if os.path.exists(path) else None
