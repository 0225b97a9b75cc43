"""The learner edition of the notebooks.

The notebooks in ``course/`` are the learner edition: every ``%%exercise``
cell holds the exercise's starter code, never a solution (solutions live in
``exercises/solutions/``).  ``check`` verifies that, and that every
exercise appears in its notebook; ``build`` rewrites exercise cells to their
starters (after an exercise's starter changed, or if a notebook was saved
with solutions in it); ``solutions`` writes an instructor's copy of the
notebooks with the worked solutions filled in.
"""
from __future__ import annotations

import glob
import json
import os

from . import core
from .instructor import MAGIC, exercise_cells as _cells


def _notebooks(course_dir: str) -> list[str]:
    return sorted(glob.glob(os.path.join(course_dir, "[0-9][0-9]_*.ipynb")))


def check(course_dir: str) -> list[str]:
    """Problems with the learner edition; empty when it is current."""
    reg = core.registry()
    problems = []
    seen: dict[str, str] = {}
    for path in _notebooks(course_dir):
        nb = json.load(open(path, encoding="utf-8"))
        name = os.path.basename(path)
        for _cell, ex_id, body in _cells(nb):
            if ex_id not in reg:
                problems.append(f"{name}: %%exercise {ex_id}: no such exercise")
                continue
            ex = reg[ex_id]
            if not name.startswith(ex.notebook):
                problems.append(f"{name}: exercise {ex_id} belongs to notebook {ex.notebook}")
            if ex_id in seen:
                problems.append(f"{name}: exercise {ex_id} also appears in {seen[ex_id]}")
            seen[ex_id] = name
            if body.strip() != ex.starter.strip():
                try:
                    sol = core.solution_source(ex_id)
                except OSError:
                    sol = None
                why = "holds the solution" if sol and body.strip() == sol.strip() else \
                      "differs from the starter code"
                problems.append(f"{name}: exercise {ex_id} cell {why}")
    have = {os.path.basename(p)[:2] for p in _notebooks(course_dir)}
    for ex_id, ex in reg.items():
        if ex_id not in seen and ex.notebook in have:
            problems.append(f"exercise {ex_id} (notebook {ex.notebook}) has no %%exercise cell")
    return problems


def build(course_dir: str) -> list[str]:
    """Rewrite every exercise cell to its starter code; returns changed files."""
    reg = core.registry()
    changed = []
    for path in _notebooks(course_dir):
        nb = json.load(open(path, encoding="utf-8"))
        dirty = False
        for cell, ex_id, body in _cells(nb):
            if ex_id in reg and body.strip() != reg[ex_id].starter.strip():
                cell["source"] = f"{MAGIC} {ex_id}\n{reg[ex_id].starter.strip()}\n"
                cell["outputs"] = []
                cell["execution_count"] = None
                dirty = True
        if dirty:
            _write(path, nb)
            changed.append(path)
    return changed


def solutions(course_dir: str, out_dir: str) -> list[str]:
    """Copies of the notebooks with every exercise cell holding its solution."""
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for path in _notebooks(course_dir):
        nb = json.load(open(path, encoding="utf-8"))
        for cell, ex_id, _body in _cells(nb):
            try:
                sol = core.solution_source(ex_id)
            except (OSError, KeyError):
                continue
            cell["source"] = f"{MAGIC} {ex_id}\n{sol.strip()}\n"
            cell["outputs"] = []
            cell["execution_count"] = None
        out = os.path.join(out_dir, os.path.basename(path))
        _write(out, nb)
        written.append(out)
    return written


def _write(path: str, nb: dict) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")
