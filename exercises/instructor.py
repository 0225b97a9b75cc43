"""The instructor's side: grade a folder of submissions into a CSV of points
per exercise and one feedback file per learner.

A submission is a folder per learner, holding either their ``my_runtime/``
files (``<exercise>.py``, as the notebooks save them) or their notebooks
(the last ``%%exercise <id>`` cell of each exercise is graded), or both
(the notebook cell wins, being what they last ran).  Every exercise's tests,
public and hidden, run in a subprocess with the exercise's time limit and a
memory limit.
"""
from __future__ import annotations

import csv
import json
import os

from . import core, grading

MAGIC = "%%exercise"


def find_code(folder: str) -> dict[str, str]:
    """exercise id -> source, from a learner's submission folder."""
    found: dict[str, str] = {}
    reg = core.registry()
    for root, _dirs, files in os.walk(folder):
        for name in sorted(files):
            path = os.path.join(root, name)
            stem, ext = os.path.splitext(name)
            if ext == ".py" and stem in reg:
                with open(path, encoding="utf-8") as f:
                    found.setdefault(stem, f.read())
    for root, _dirs, files in os.walk(folder):
        for name in sorted(files):
            if name.endswith(".ipynb") and ".ipynb_checkpoints" not in root:
                for ex_id, src in notebook_cells(os.path.join(root, name)).items():
                    if ex_id in reg:
                        found[ex_id] = src
    return found


def notebook_cells(path: str) -> dict[str, str]:
    """The last %%exercise cell per exercise id in a notebook."""
    try:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
    except (OSError, ValueError):
        return {}
    return {ex_id: body for _, ex_id, body in exercise_cells(nb)}


def exercise_cells(nb: dict):
    """(cell, exercise id, code) for each `%%exercise` cell of notebook `nb`."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        if isinstance(src, list):
            src = "".join(src)
        first, _, body = src.lstrip().partition("\n")
        if first.startswith(MAGIC):
            yield cell, first[len(MAGIC):].strip(), body


def grade_folder(submissions: str, out_csv: str, feedback_dir: str,
                 only: list[str] | None = None) -> list[dict]:
    reg = core.registry()
    ids = [i for i in reg if only is None or i in only]
    learners = sorted(d for d in os.listdir(submissions)
                      if os.path.isdir(os.path.join(submissions, d)) and not d.startswith("."))
    os.makedirs(feedback_dir, exist_ok=True)
    rows = []
    for learner in learners:
        code = find_code(os.path.join(submissions, learner))
        row = {"learner": learner}
        notes = [f"# Feedback for {learner}\n"]
        total = 0.0
        for ex_id in ids:
            ex = reg[ex_id]
            src = code.get(ex_id)
            if src is None or src.strip() == ex.starter.strip():
                row[ex_id] = 0
                notes.append(f"## {ex.label} {ex.title}: not attempted (0/{ex.points})\n")
                continue
            v = grading.run_tests(ex_id, src, which="all")
            row[ex_id] = v.points
            total += v.points
            notes.append(f"## {ex.label} {ex.title}: {v.points:g}/{ex.points}\n")
            notes.append("```\n" + _feedback_text(v) + "\n```\n")
        row["total"] = round(total, 2)
        rows.append(row)
        with open(os.path.join(feedback_dir, f"{learner}.md"), "w", encoding="utf-8") as f:
            f.write("\n".join(notes))
    with open(out_csv, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["learner", *ids, "total"])
        w.writeheader()
        w.writerows(rows)
    return rows


def _feedback_text(v: grading.Verdict) -> str:
    """The verdict, with hidden tests named and their checks described but
    without their code."""
    return v.text()
