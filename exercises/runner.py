"""Runs one exercise's tests against some code, in this (child) process,
usually inside the sandbox (exercises/sandbox.py).

Started by ``grading.run_tests`` as ``python -m exercises.runner`` with a
JSON request on stdin; prints one JSON line per event on stdout, each
signed with the request's one-time key (HMAC-SHA256), so the parent knows
which test was running if it has to kill us:

    {"event": "start", "test": name, "mac": ...}
    {"event": "result", "test": name, "status": ..., "obs": [...], ...}
    {"event": "done"}

The parent never takes "passed" on trust: a result also carries the test's
observations, one (what, digest, preview) per ``expect`` call, the digest
being that of a canonical rendering of the value observed
(``canonical``); the grader passes a test only if its observations equal
the reference's for the same test (grading.py).

Before any learner code runs: drop to the sandbox's uid (as root), then
limits on address space (runaway memory becomes a MemoryError), CPU time,
processes, open files and file size; and a per-test timer (an infinite
loop in Python becomes a timeout, reported with the line it was running).
The parent also kills the whole sandbox after the total timeout, for loops
that never return to Python (a huge C computation).
"""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import linecache
import os
import re
import resource
import signal
import sys
import time
import traceback
import types

LEARNER_FILE = "<your code>"


class TestTimeout(BaseException):
    """A test ran past its time limit (BaseException: learner code that
    catches Exception cannot swallow it)."""


class _Channel:
    """Signed events to the parent, on the real stdout (fd 1)."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._out = os.fdopen(os.dup(1), "w", encoding="utf-8")

    def emit(self, obj: dict) -> None:
        payload = json.dumps(obj, sort_keys=True)
        mac = hmac.new(self._key, payload.encode("utf-8"), hashlib.sha256).hexdigest()
        self._out.write(json.dumps(dict(obj, mac=mac)) + "\n")
        self._out.flush()


def sign(key: bytes, obj: dict) -> str:
    """The MAC the parent expects on event `obj` (without its "mac")."""
    payload = json.dumps(obj, sort_keys=True)
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


class _Tail(io.TextIOBase):
    """A text stream keeping only the last `limit` characters written
    (learner output of any size costs no memory)."""

    def __init__(self, limit: int = 4000) -> None:
        self.limit = limit
        self.buf = ""

    def writable(self) -> bool:
        return True

    def write(self, s) -> int:
        s = str(s)
        self.buf = (self.buf + s)[-self.limit:]
        return len(s)

    def getvalue(self) -> str:
        return self.buf

    def reset(self) -> None:
        self.buf = ""


# ------------------------------------------------------------ observations

TRUSTED_MODULES = ("reference_runtime", "gokernel", "exercises", "builtins", "collections",
                   "enum", "fractions", "decimal", "datetime")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def canonical(v: object, depth: int = 0, seen: frozenset = frozenset()) -> str:
    """A rendering of v that is the same in every process (no memory
    addresses, sets sorted) and never runs the learner's code: builtin
    containers and scalars structurally, objects of the reference's own
    classes by their repr, anything of the learner's own classes as
    ``<object of your class X>`` (so an object equal to everything cannot
    stand in for the expected value)."""
    if depth > 40:
        return "<too deep>"
    t = type(v)
    if v is None or t is bool:
        return repr(v)
    if t is int:
        return repr(v)
    if t is float:
        return repr(int(v)) if v.is_integer() and abs(v) < 2 ** 53 else repr(v)
    if t is str or t is bytes:
        return repr(v)
    if id(v) in seen:
        return "<cycle>"
    seen = seen | {id(v)}
    if t is list or t is tuple or t.__name__ == "deque" and t.__module__ == "collections":
        inner = ", ".join(canonical(x, depth + 1, seen) for x in v)
        return {list: f"[{inner}]", tuple: f"({inner}{',' if len(v) == 1 else ''})"}.get(
            t, f"deque([{inner}])")
    if t is dict:
        # sorted: dicts compare equal whatever their insertion order, which
        # may follow which goroutine got there first
        return "{" + ", ".join(sorted(f"{canonical(k, depth + 1, seen)}: "
                                      f"{canonical(x, depth + 1, seen)}"
                                      for k, x in v.items())) + "}"
    if t is set or t is frozenset:
        return f"{t.__name__}({{" + ", ".join(sorted(canonical(x, depth + 1, seen) for x in v)) + "})"
    if _trusted_class(t):
        try:
            return _ADDRESS.sub("", repr(v))
        except Exception:                       # noqa: BLE001 - a broken object
            return f"<{t.__qualname__}>"
    return f"<object of your class {t.__qualname__}>"


def _trusted_class(t: type) -> bool:
    """A class of the reference, the runtime or the standard library (found
    again under its module and name: not one the learner's code made)."""
    mod = t.__dict__.get("__module__") or getattr(t, "__module__", "")
    if not isinstance(mod, str) or mod.split(".")[0] not in TRUSTED_MODULES:
        return False
    m = sys.modules.get(mod)
    obj = m
    for part in t.__qualname__.split("."):
        obj = getattr(obj, part, None)
    return obj is t


def observation(what: object, got: object) -> list:
    """(what, digest, preview) of one expect call."""
    from exercises.core import _Matched
    if type(got) is _Matched:
        got = canonical(got.got) == canonical(got.expected)
    text = canonical(got)
    w = what if isinstance(what, str) else canonical(what)
    return [w, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32],
            text if len(text) <= 300 else text[:300] + "…"]


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
    else:
        # raised by the runtime's own code, of its own class (a fatal error,
        # a deadlock): its message is the runtime's, not the learner's text
        frames = traceback.extract_tb(tb)
        info["runtime_message"] = bool(
            frames and frames[-1].filename != LEARNER_FILE
            and type(exc).__module__.split(".")[0] in ("reference_runtime", "gokernel")
            and _trusted_class(type(exc)))
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


class _Integrity:
    """What learner code must not replace, as it was before that code ran:
    ``expect``, ``checked`` and ``Mismatch`` (in core and as bound in the
    exercise's module), the test functions and their code.  Checked after
    each test (a second line of defence behind the static screen, which
    refuses the means to reach these)."""

    def __init__(self, core, ex, tests) -> None:
        self.core = core
        self.mod = sys.modules.get(tests[0].fn.__module__) if tests else None
        self.names = ("expect", "checked", "Mismatch", "_Matched")
        self.core_objs = {n: getattr(core, n, None) for n in self.names}
        self.codes = {n: getattr(o, "__code__", None) for n, o in self.core_objs.items()}
        self.mod_objs = {n: getattr(self.mod, n, None) for n in self.names} if self.mod else {}
        self.tests = [(t, t.fn, t.fn.__code__, getattr(self.mod, t.fn.__name__, None)) for t in tests]

    def broken(self) -> str:
        for n, o in self.core_objs.items():
            if getattr(self.core, n, None) is not o:
                return f"exercises.core.{n}"
            if self.codes[n] is not None and o.__code__ is not self.codes[n]:
                return f"the code of exercises.core.{n}"
        for n, o in self.mod_objs.items():
            if getattr(self.mod, n, None) is not o:
                return f"{n} in the exercise's tests"
        for t, fn, code, bound in self.tests:
            if t.fn is not fn or fn.__code__ is not code or getattr(self.mod, fn.__name__, None) is not bound:
                return f"the test {t.name}"
        return ""


def _confine(req: dict) -> None:
    """Drop to the sandbox's uid (when the grader is root) and set the
    limits, before any learner code runs."""
    uid = req.get("uid")
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        # a uid change leaves the process undumpable (its /proc files then
        # belong to root); it is an ordinary process of the sandbox's user
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(4, 1, 0, 0, 0)      # PR_SET_DUMPABLE
    for name, value in (req.get("rlimits") or {}).items():
        res = getattr(resource, "RLIMIT_" + name)
        try:
            resource.setrlimit(res, (value, value))
        except (ValueError, OSError):
            soft, hard = resource.getrlimit(res)
            if hard == resource.RLIM_INFINITY or value <= hard:
                resource.setrlimit(res, (value, hard))


def main() -> int:
    req = json.loads(sys.stdin.readline())
    _confine(req)
    sys.stdin = io.StringIO("")
    os.close(0)
    channel = _Channel(bytes.fromhex(req["key"]))
    emit = channel.emit
    from exercises import core
    ex = core.get(req["exercise"])
    which = req.get("which", "public")
    only = req.get("only")
    tests = [t for t in ex.tests if (which == "all" or t.public) and (not only or t.name in only)]
    if which == "hidden":
        tests = [t for t in ex.tests if not t.public and (not only or t.name in only)]
    per_test = req.get("per_test_timeout") or ex.per_test_timeout
    # the per-test timer never outlasts the parent's total limit
    deadline = time.monotonic() + (req.get("timeout") or ex.timeout) - 1.0

    # learner output goes to a bounded buffer, returned with each result;
    # fd 1 itself goes to stderr (the parent reads it bounded, trusts none of it)
    os.dup2(2, 1)
    out = _Tail()
    sys.stdout = out
    sys.stderr = out
    intact = _Integrity(core, ex, tests)        # before any learner code
    try:
        if req["target"] == "reference":
            sol = reference_module(ex)
        else:
            sol = load_learner_module(ex, req["source"])
    except BaseException as e:                      # noqa: BLE001 - learner code
        emit({"event": "setup", "status": "error", **_describe(e, e.__traceback__),
              "stdout": out.getvalue()[-2000:]})
        return 0
    missing = [n for n in ex.provides if not callable(getattr(sol, n, None))]
    if missing:
        emit({"event": "setup", "status": "missing", "missing": missing,
              "stdout": out.getvalue()[-2000:]})
        return 0
    emit({"event": "setup", "status": "ok"})
    calls = _Calls()
    if req["target"] != "reference":
        calls.wrap(sol, ex.provides)

    signal.signal(signal.SIGALRM, _on_alarm)
    for t in tests:
        emit({"event": "start", "test": t.name})
        out.reset()
        calls.last = None
        log: list = []
        core._observe = lambda what, got, log=log: log.append(observation(what, got))
        result = {"event": "result", "test": t.name}
        limit = max(0.2, min(per_test, deadline - time.monotonic()))
        w0, c0 = time.monotonic(), time.process_time()
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
            core._observe = None
        broken = intact.broken()
        if broken:
            result = {"event": "result", "test": t.name, "status": "error",
                      "exception": "GraderTampered",
                      "message": f"your code changed the grader or its tests ({broken})"}
        result["wall"] = time.monotonic() - w0
        result["cpu"] = time.process_time() - c0
        result["obs"] = log[:10000]
        result["stdout"] = out.getvalue()[-2000:]
        try:
            emit(result)
        except (TypeError, ValueError):
            emit({"event": "result", "test": t.name, "status": "error",
                  "exception": "ValueError", "message": "the test's result could not be reported",
                  "obs": []})
    emit({"event": "done"})
    return 0


if __name__ == "__main__":
    os._exit(main())
