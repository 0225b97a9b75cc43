"""The learner edition of the notebooks.

The notebooks in ``course/`` are the learner edition: every ``%%exercise``
cell holds the exercise's starter code, never a solution (solutions live in
``exercises/solutions/``).  ``check`` verifies that, and that every
exercise appears in its notebook; ``build`` rewrites exercise cells to their
starters (after an exercise's starter changed, or if a notebook was saved
with solutions in it); ``solutions`` writes an instructor's copy of the
notebooks with the worked solutions filled in.

``build_edition(out)`` (``python -m exercises edition build OUT``) makes the
edition a class installs: a copy of the project with its notebooks at their
starters and no answer key — no ``exercises/solutions/``, no
``solution_source``, no hidden test in ``exercises/defs/`` (each @hidden
test function is cut out of its file), no ``tests/`` (the project's own
tests, ``tests/wrong_solutions/`` among them, use the answer key).  The
instructor's tree keeps them all.
"""
from __future__ import annotations

import ast
import glob
import json
import os
import shutil

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
                except (OSError, AttributeError):     # the learner edition has none
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


# ------------------------------------------------------------ the learner edition, as a copy

# what a class's copy leaves out of the instructor's tree: the answer key,
# the wrong solutions, the project's own tests (they use the answer key),
# and anything local
EXCLUDED = ("exercises/solutions", "tests")
EXCLUDED_NAMES = {".git", ".venv", ".venv-ci", "build", "dist", "my_runtime", ".pytest_cache",
                  ".hypothesis", "__pycache__", ".ipynb_checkpoints"}


def strip_hidden(source: str) -> str:
    """A definition module without its @hidden test functions (decorators
    included); everything else, the public tests' helpers too, kept."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    cut = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                isinstance(d, ast.Name) and d.id == "hidden" or
                isinstance(d, ast.Attribute) and d.attr == "hidden" for d in node.decorator_list):
            start = min(d.lineno for d in node.decorator_list) - 1
            cut.append((start, node.end_lineno))
    for start, end in reversed(cut):
        del lines[start:end]
    return "".join(lines)


def defs_imports(source: str) -> list[str]:
    """The other definition modules (exercises.defs.X) a definition imports."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("exercises.defs."):
            out.append(node.module.split(".")[2])
        elif isinstance(node, ast.ImportFrom) and node.module == "exercises.defs":
            out.extend(a.name for a in node.names)
    return out


def _strip_function(source: str, name: str) -> str:
    """`source` without the top-level function `name`."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            start = min([d.lineno for d in node.decorator_list] + [node.lineno]) - 1
            del lines[start:node.end_lineno]
            break
    return "".join(lines)


def build_edition(root: str, out: str) -> list[str]:
    """Copy the project at `root` to `out` as the learner edition (see the
    module's docstring); returns what was left out or cut."""
    root = os.path.abspath(root)
    out = os.path.abspath(out)
    if os.path.exists(out) and os.listdir(out):
        raise FileExistsError(f"{out} exists and is not empty")

    def ignore(d, names):
        rel = os.path.relpath(d, root)
        skip = set()
        for n in names:
            p = os.path.normpath(os.path.join(rel, n))
            if p in EXCLUDED or n in EXCLUDED_NAMES or n.endswith(".egg-info"):
                skip.add(n)
        return skip

    shutil.copytree(root, out, ignore=ignore, symlinks=True, dirs_exist_ok=True)
    removed = [e for e in EXCLUDED if os.path.exists(os.path.join(root, e))]
    core_py = os.path.join(out, "exercises", "core.py")
    with open(core_py, encoding="utf-8") as f:
        text = f.read()
    with open(core_py, "w", encoding="utf-8") as f:
        f.write(_strip_function(text, "solution_source"))
    removed.append("exercises/core.py: solution_source")
    defs = os.path.join(out, "exercises", "defs")
    for path in sorted(glob.glob(os.path.join(defs, "*.py"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        stripped = strip_hidden(text)
        if stripped != text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(stripped)
            removed.append(f"exercises/defs/{os.path.basename(path)}: hidden tests")
    build(os.path.join(out, "course"))
    return removed
