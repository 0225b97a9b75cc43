"""Which parts of the runtime are the learner's.

Every exercise the learner passed is a file ``my_runtime/<exercise>.py``,
listed in ``my_runtime/manifest.json`` with its kind, the functions it
provides and its hash when saved (see ``gokernel.workfolder``).  This module
loads those files and says, part by part, whose code runs: the learner's,
or — for exercises not passed yet — the reference runtime's.

It never imports the grader (``exercises``): a ``gokernel.run`` reads the
manifest and the files, nothing more.  (Only a file the manifest does not
know — copied in by hand — needs the course's list of exercises to learn
what it is for.)

A file is imported into this process only when it is known good: its hash
is the one recorded when it passed (it was then imported and run in a
subprocess by the integration check), or it was vetted since — imported in
a subprocess with a time limit.  A file that does not load, exits, or hangs
is reported by name (``problems()``, a warning, and ``python -m gokernel
progress``) and the reference runs instead: it never breaks a run.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import warnings
from dataclasses import dataclass, field

from . import workfolder

# exercise kinds gokernel plugs in, and where
RUNTIME = "runtime"      # functions named like the Runtime's parts (runqput, findrunnable...)
CHAN = "chan"            # chansend / chanrecv / closechan for gokernel's channels
SELECT = "select"        # selectgo for gokernel's select
PREEMPT = "preempt"      # the preemption checks
MODEL = "model"          # a standalone model (stacks, contexts): used by its notebook only
ANALYSIS = "analysis"    # a prediction or measurement: nothing to plug in
PLUGGED = (RUNTIME, CHAN, SELECT, PREEMPT)


@dataclass
class Part:
    """What gokernel knows of an exercise without the grader (the fields
    of ``exercises.core.Exercise`` that say where a part goes)."""
    id: str
    kind: str
    label: str = ""
    provides: list = field(default_factory=list)
    points: int = 0
    title: str = ""


def _workdir() -> str:
    return workfolder.workdir()


# path -> (mtime_ns, size, module or None, problem or "")
_cache: dict[str, tuple[int, int, object, str]] = {}
_problems: dict[str, str] = {}       # exercise id -> why its file is not used


def _course_parts() -> dict[str, Part]:
    """Every exercise of the course, in order: from the manifest's table
    (written at each save), else from the grader's registry."""
    man = workfolder.read_manifest()
    if man["course"]:
        return {i: Part(i, c.get("kind", MODEL), c.get("label", ""), list(c.get("provides", [])),
                        int(c.get("points", 0)), c.get("title", ""))
                for i, c in man["course"].items()}
    from exercises.core import registry     # only when nothing was ever saved by the course
    return {e.id: Part(e.id, e.kind, e.label, list(e.provides), e.points, e.title)
            for e in registry().values()}


def _saved_entries() -> dict[str, dict]:
    """id -> manifest entry for every part file in the work folder.  A file
    the manifest does not list is described from the course's exercises
    (and, having no recorded hash, is vetted before use)."""
    wd = _workdir()
    man = workfolder.read_manifest(wd)
    entries = {i: e for i, e in man["parts"].items()
               if os.path.exists(os.path.join(wd, f"{i}.py"))}
    try:
        names = sorted(n[:-3] for n in os.listdir(wd) if n.endswith(".py"))
    except OSError:
        names = []
    unknown = [n for n in names if n not in entries]
    if unknown:
        course = _course_parts()
        for n in unknown:
            if n in course:
                p = course[n]
                entries[n] = {"kind": p.kind, "provides": p.provides, "label": p.label}
    return entries


def _trusted(entry: dict, digest: str) -> bool:
    return digest in (entry.get("sha256"), entry.get("vetted"))


def _record(exercise_id: str, known: dict, **fields) -> None:
    """Remember a vetting result in the manifest (so it is done once); a
    file the manifest did not list is added to it."""
    wd = _workdir()
    man = workfolder.read_manifest(wd)
    entry = man["parts"].setdefault(exercise_id, {
        k: known[k] for k in ("kind", "provides", "label") if k in known})
    entry.update(fields)
    try:
        workfolder.write_manifest(man, wd)
    except OSError:
        pass


def _import(exercise_id: str, path: str):
    spec = importlib.util.spec_from_file_location(f"my_runtime.{exercise_id}", path)
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
    except KeyboardInterrupt:
        raise
    except BaseException as e:          # noqa: BLE001 - the learner's file, SystemExit too
        return None, f"{type(e).__name__}: {e}"
    return mod, ""


def _check_in_runtime(exercise_id: str, path: str) -> str:
    """For an edited file that plugs into the runtime: the integration
    check a passing exercise gets before it is saved (whole programs on
    gokernel with the file in place, in a subprocess with a time limit).
    Needs the course's exercises; without them, the import check alone."""
    try:
        from exercises import core, integration
        ex = core.get(exercise_id)
    except (ImportError, KeyError):
        return ""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    res = integration.check(ex, text)
    if res.ok:
        return ""
    first = res.failures[0]
    return (f"it breaks gokernel: {first.program}: {first.message.splitlines()[0]}"
            + (f", and {len(res.failures) - 1} more program(s)" if len(res.failures) > 1 else ""))


def load_module(exercise_id: str, entry: dict | None = None):
    """The learner's module for an exercise, or None (not passed, or its
    file does not load: then ``problems()`` and a warning say why)."""
    path = os.path.join(_workdir(), f"{exercise_id}.py")
    try:
        st = os.stat(path)
    except OSError:
        _problems.pop(exercise_id, None)
        return None
    hit = _cache.get(path)
    if hit and hit[:2] == (st.st_mtime_ns, st.st_size):
        return hit[2]
    if entry is None:
        entry = _saved_entries().get(exercise_id)
    mod, problem = None, ""
    if entry is None:
        problem = "no exercise of the course has this id"
    else:
        digest = workfolder.sha256_file(path)
        provides = entry.get("provides", [])
        if not _trusted(entry, digest):
            rejected = entry.get("rejected") or {}
            problem = rejected.get("why", "") if rejected.get("sha256") == digest else ""
            if not problem:
                problem = workfolder.vet(path, provides)
                if not problem and entry.get("kind") in PLUGGED:
                    problem = _check_in_runtime(exercise_id, path)
                if problem:
                    _record(exercise_id, entry, rejected={"sha256": digest, "why": problem})
                else:
                    _record(exercise_id, entry, vetted=digest)
        if not problem:
            mod, problem = _import(exercise_id, path)
            if mod is not None:
                missing = [n for n in provides if not callable(getattr(mod, n, None))]
                if missing:
                    mod, problem = None, f"it does not define {', '.join(missing)}"
    if problem:
        msg = (f"my_runtime/{exercise_id}.py is not used ({problem}): gokernel runs the "
               f"reference runtime's code for {exercise_id} instead. Fix the file, or "
               f"`python -m gokernel restore {exercise_id}` / `reset {exercise_id}`.")
        if _problems.get(exercise_id) != msg:
            warnings.warn(msg, RuntimeWarning, stacklevel=3)
        _problems[exercise_id] = msg
    else:
        _problems.pop(exercise_id, None)
    _cache[path] = (st.st_mtime_ns, st.st_size, mod, problem)
    return mod


def problems() -> list[str]:
    """One line per saved file that is not used, and why."""
    _loaded()
    return list(_problems.values())


def _loaded() -> list[tuple[str, dict, object]]:
    """(id, entry, module or None) for every saved part file."""
    out = []
    for i, entry in _saved_entries().items():
        out.append((i, entry, load_module(i, entry)))
    return out


def status() -> list[tuple[Part, bool]]:
    """(exercise, is the learner's) for every exercise, in course order."""
    mine = {i for i, _, mod in _loaded() if mod is not None}
    return [(p, p.id in mine) for p in _course_parts().values()]


def runtime_parts() -> dict:
    """Runtime part name -> the learner's function, for every passed
    exercise of kind "runtime" (a later exercise providing the same part
    wins: it is the fuller version)."""
    parts = {}
    loaded = _loaded()
    order = {i: n for n, i in enumerate(workfolder.read_manifest()["course"])}
    loaded.sort(key=lambda t: (order.get(t[0], len(order)), t[1].get("label", "")))
    for i, entry, mod in loaded:
        if mod is not None and entry.get("kind") == RUNTIME:
            for name in entry.get("provides", []):
                fn = getattr(mod, name, None)
                if callable(fn):
                    parts[name] = fn
    return parts


def kind_module(kind: str, exercise_ids: list[str] | None = None):
    """The learner's module of the latest passed exercise of a kind."""
    best = None
    loaded = _loaded()
    order = {i: n for n, i in enumerate(workfolder.read_manifest()["course"])}
    loaded.sort(key=lambda t: (order.get(t[0], len(order)), t[1].get("label", "")))
    for i, entry, mod in loaded:
        if mod is not None and entry.get("kind") == kind and (exercise_ids is None or i in exercise_ids):
            best = mod
    return best


def fallback() -> list[Part]:
    """Exercises that plug into the runtime and are not the learner's yet."""
    return [p for p, mine in status() if not mine and p.kind in PLUGGED]


def summary() -> str:
    """One line: whose runtime this is (short, and stable as the course
    grows: it names the learner's parts, and only counts the others)."""
    mine_loaded = [(i, e) for i, e, mod in _loaded() if mod is not None]
    if not any(e.get("kind") in PLUGGED for _, e in mine_loaded):
        return "gokernel: every part comes from the reference runtime (no exercise passed yet)."
    st = [(p, m) for p, m in status() if p.kind in PLUGGED]
    mine = [p.id for p, m in st if m]
    n_ref = len(st) - len(mine)
    if not n_ref:
        return "gokernel: every runtime part is yours."
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
