"""Runs one exercise's tests against some code, in this (child) process.

Started by ``grading.run_tests`` as ``python -m exercises.runner`` with a
JSON request on stdin; prints one JSON line per event on stdout, so the
parent knows which test was running if it has to kill us:

    {"event": "start", "test": name}
    {"event": "result", "test": name, "status": ..., ...}
    {"event": "done"}

Limits, set here before any learner code runs: address space (runaway
memory becomes a MemoryError), and a per-test timer (an infinite loop in
Python becomes a timeout, reported with the line it was running).  The
parent also kills the whole process after the exercise's total timeout, for
loops that never return to Python (a huge C computation).
"""
from __future__ import annotations

import io
import json
import linecache
import os
import resource
import signal
import sys
import time
import traceback
import types

MEMORY_LIMIT = 1536 * 1024 * 1024     # bytes of address space for learner code
LEARNER_FILE = "<your code>"


class TestTimeout(BaseException):
    """A test ran past its time limit (BaseException: learner code that
    catches Exception cannot swallow it)."""


def _emit(obj: dict) -> None:
    sys.__stdout__.write(json.dumps(obj) + "\n")
    sys.__stdout__.flush()


def _learner_frames(tb) -> list[dict]:
    """The traceback, trimmed to the learner's own code."""
    out = []
    for fs in traceback.extract_tb(tb):
        if fs.filename == LEARNER_FILE:
            out.append({"line": fs.lineno, "function": fs.name, "code": (fs.line or "").strip()})
    return out


def _describe(exc: BaseException, tb) -> dict:
    from exercises.core import Mismatch
    info = {"exception": type(exc).__name__, "message": str(exc),
            "frames": _learner_frames(tb)}
    if isinstance(exc, Mismatch):
        info.update(what=exc.what, expected=_short(exc.expected), got=_short(exc.got),
                    detail=exc.detail)
    return info


def _short(v: object, limit: int = 300) -> str:
    s = repr(v)
    return s if len(s) <= limit else s[:limit] + "…"


def load_learner_module(exercise, source: str, name: str | None = None) -> types.ModuleType:
    """Execute learner source as a module whose tracebacks show its lines."""
    mod = types.ModuleType(name or f"learner_{exercise.id}")
    mod.__file__ = LEARNER_FILE
    lines = source.splitlines(keepends=True)
    linecache.cache[LEARNER_FILE] = (len(source), None, lines, LEARNER_FILE)
    code = compile(source, LEARNER_FILE, "exec")
    exec(code, mod.__dict__)
    return mod


class _Calls:
    """Remembers the last call into the learner's functions that returned,
    so a test that then fails in its own code (unpacking, indexing, an
    attribute of the result) can say which function's return value was at
    fault, and what the reference returns for the same arguments."""

    def __init__(self) -> None:
        self.last: dict | None = None

    def wrap(self, mod: types.ModuleType, names: list) -> None:
        import functools
        for name in names:
            fn = getattr(mod, name, None)
            if not callable(fn):
                continue

            def wrapper(*args, __fn=fn, __name=name, **kwargs):
                self.last = None
                out = __fn(*args, **kwargs)
                self.last = {"function": __name, "value": out, "args": args, "kwargs": kwargs}
                return out
            setattr(mod, name, functools.wraps(fn)(wrapper))

    def blame(self, exc: BaseException, exercise) -> dict | None:
        """{"function", "returned", "expected"} when `exc` (a type-ish
        error) was raised outside the learner's code right after one of
        their functions returned."""
        if self.last is None or not isinstance(exc, (TypeError, AttributeError, ValueError,
                                                     IndexError, KeyError)):
            return None
        frames = traceback.extract_tb(exc.__traceback__)
        if not frames or frames[-1].filename == LEARNER_FILE:
            return None
        last, self.last = self.last, None
        out = {"function": last["function"], "returned": _kind(last["value"])}
        try:
            ref = getattr(reference_module(exercise), last["function"], None)
            if ref is not None:
                signal.setitimer(signal.ITIMER_REAL, 1.0)
                try:
                    out["expected"] = _kind(ref(*last["args"], **last["kwargs"]))
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except BaseException:                       # noqa: BLE001 - best effort only
            pass
        return out


def _kind(v: object) -> str:
    """A value's type as a learner would name it: 'an int', 'a (G, bool) pair'."""
    if v is None:
        return "None"
    if isinstance(v, tuple):
        inner = ", ".join("None" if x is None else type(x).__name__ for x in v[:4])
        shape = {2: "pair", 3: "triple"}.get(len(v), f"tuple of {len(v)}")
        return f"a ({inner}{', …' if len(v) > 4 else ''}) {shape}"
    name = type(v).__name__
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def reference_module(exercise) -> types.ModuleType:
    mod = types.ModuleType(f"reference_{exercise.id}")
    mod.__dict__.update(exercise.reference())
    return mod


def _on_alarm(signum, frame):
    raise TestTimeout()


def main() -> int:
    req = json.loads(sys.stdin.read())
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ValueError, OSError):
        pass
    from exercises import core
    ex = core.get(req["exercise"])
    which = req.get("which", "public")
    only = req.get("only")
    tests = [t for t in ex.tests if (which == "all" or t.public) and (not only or t.name in only)]
    per_test = req.get("per_test_timeout") or ex.per_test_timeout
    # the per-test timer never outlasts the parent's total limit (less a
    # margin), so a Python loop is stopped with its line, not killed blind
    total = req.get("timeout")
    deadline = time.monotonic() + total - 1.0 if total else None

    # learner output goes to a buffer, returned with each result
    out = io.StringIO()
    sys.stdout = out
    try:
        if req["target"] == "reference":
            sol = reference_module(ex)
        else:
            sol = load_learner_module(ex, req["source"])
    except BaseException as e:                      # noqa: BLE001 - learner code
        _emit({"event": "setup", "status": "error", **_describe(e, e.__traceback__),
               "stdout": out.getvalue()[-2000:]})
        return 0
    missing = [n for n in ex.provides if not callable(getattr(sol, n, None))]
    if missing:
        _emit({"event": "setup", "status": "missing", "missing": missing,
               "stdout": out.getvalue()[-2000:]})
        return 0
    _emit({"event": "setup", "status": "ok"})
    calls = _Calls()
    if req["target"] != "reference":
        calls.wrap(sol, ex.provides)

    signal.signal(signal.SIGALRM, _on_alarm)
    for t in tests:
        _emit({"event": "start", "test": t.name})
        out.seek(0)
        out.truncate()
        result = {"event": "result", "test": t.name}
        limit = per_test if deadline is None else max(0.2, min(per_test, deadline - time.monotonic()))
        calls.last = None
        wall0, cpu0 = time.monotonic(), time.process_time()
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            t.fn(sol)
            result["status"] = "passed"
        except TestTimeout as e:
            result.update(status="timeout", limit=round(limit, 1),
                          frames=_learner_frames(e.__traceback__))
        except MemoryError as e:
            result.update(status="memory", frames=_learner_frames(e.__traceback__))
        except AssertionError as e:
            result.update(status="failed", **_describe(e, e.__traceback__))
        except BaseException as e:                  # noqa: BLE001 - learner code
            result.update(status="error", **_describe(e, e.__traceback__))
            returned = calls.blame(e, ex)
            if returned:
                result["returned"] = returned
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        result.update(wall=round(time.monotonic() - wall0, 3),
                      cpu=round(time.process_time() - cpu0, 3))
        result["stdout"] = out.getvalue()[-2000:]
        _emit(result)
    _emit({"event": "done"})
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout = sys.__stdout__
    os._exit(code)
