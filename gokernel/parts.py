"""Which parts of the runtime are the learner's.

Every exercise the learner passed is a file ``my_runtime/<exercise>.py``
(see ``exercises.progress``).  This module loads those files and says, part
by part, whose code runs: the learner's, or — for exercises not passed yet
— the reference runtime's, which gokernel then uses and says so.

gokernel's runtime modules do not grade anything: they only read the files.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import warnings

# exercise kinds gokernel plugs in, and where
RUNTIME = "runtime"      # functions named like the Runtime's parts (runqput, findrunnable...)
CHAN = "chan"            # chansend / chanrecv / closechan for gokernel's channels
SELECT = "select"        # selectgo for gokernel's select
PREEMPT = "preempt"      # the preemption checks
MODEL = "model"          # a standalone model (stacks, contexts): used by its notebook only
ANALYSIS = "analysis"    # a prediction or measurement: nothing to plug in


def _workdir() -> str:
    from exercises.progress import workdir   # shared convention for the folder
    return workdir()


def _exercises():
    from exercises.core import registry
    return registry()


_cache: dict[str, tuple[float, object]] = {}


def load_module(exercise_id: str):
    """The learner's module for an exercise, or None (not passed, or the
    file no longer loads: then a warning says so)."""
    path = os.path.join(_workdir(), f"{exercise_id}.py")
    try:
        mtime = os.path.getmtime(path)
    except OSError:
        return None
    hit = _cache.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    spec = importlib.util.spec_from_file_location(f"my_runtime.{exercise_id}", path)
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
    except Exception as e:          # noqa: BLE001 - the learner's file
        warnings.warn(f"my_runtime/{exercise_id}.py does not load ({type(e).__name__}: {e}); "
                      "using the reference for that part", RuntimeWarning, stacklevel=3)
        mod = None
    _cache[path] = (mtime, mod)
    return mod


def status() -> list[tuple[object, bool]]:
    """(exercise, is the learner's) for every exercise, in course order."""
    return [(ex, load_module(ex.id) is not None) for ex in _exercises().values()]


def runtime_parts() -> dict:
    """Runtime part name -> the learner's function, for every passed
    exercise of kind "runtime" (a later exercise providing the same part
    wins: it is the fuller version)."""
    parts = {}
    for ex, mine in status():
        if mine and ex.kind == RUNTIME:
            mod = load_module(ex.id)
            for name in ex.provides:
                fn = getattr(mod, name, None)
                if callable(fn):
                    parts[name] = fn
    return parts


def kind_module(kind: str, exercise_ids: list[str] | None = None):
    """The learner's module of the latest passed exercise of a kind."""
    best = None
    for ex, mine in status():
        if mine and ex.kind == kind and (exercise_ids is None or ex.id in exercise_ids):
            best = load_module(ex.id)
    return best


def fallback() -> list:
    """Exercises that plug into the runtime and are not the learner's yet."""
    return [ex for ex, mine in status() if not mine and ex.kind in (RUNTIME, CHAN, SELECT, PREEMPT)]


def summary() -> str:
    """One line: whose runtime this is (short, and stable as the course
    grows: it names the learner's parts, and only counts the others)."""
    st = [(ex, mine) for ex, mine in status() if ex.kind in (RUNTIME, CHAN, SELECT, PREEMPT)]
    mine = [ex.id for ex, m in st if m]
    n_ref = len(st) - len(mine)
    if not n_ref:
        return "gokernel: every runtime part is yours."
    if not mine:
        return "gokernel: every part comes from the reference runtime (no exercise passed yet)."
    return (f"gokernel: your parts: {', '.join(mine)}; the reference runtime's for the "
            f"other {n_ref}.")


_last_banner = None


def announce(out=None) -> None:
    """Print the summary when it changed since last time (so a notebook
    shows it once, and again when an exercise is passed)."""
    global _last_banner
    line = summary()
    if line != _last_banner:
        _last_banner = line
        (out or sys.stdout).write(line + "\n")
