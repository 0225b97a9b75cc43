"""Grade code against an exercise's tests in the sandbox (sandbox.py), and
decide outside it whether each test passed (see docs/GRADING.md).

Whatever the learner's code does — raise, loop forever, deadlock, return
the wrong type, eat all memory, print fake results, exit, monkeypatch the
tests, fork, write huge output — the verdict comes back within the
exercise's time limit, the caller (a notebook kernel, the instructor's
batch grader) keeps working, and nothing the code started outlives it.

How a verdict is decided here, not in the sandboxed process:

* the source is screened first (screen.py, an ast check): no import of the
  grader or its answer key, nor of the reference's implementation of the
  very functions asked for, nor of the interpreter's internals;
* events from the child count only when signed with this run's one-time
  key (a forged line is ignored);
* a test passes only if the child reports it complete AND its observations
  (one canonical value per ``expect`` call) equal the reference's for the
  same test, computed here by a trusted child running the reference
  (cached per exercise); a test with no observation never passes;
* with which="all", the hidden tests run in a second sandbox: the first
  one (public tests) holds no hidden test at all, and nothing of the code's
  own output from the second reaches the feedback (it could carry the
  hidden tests' source out).
"""
from __future__ import annotations

import atexit
import hashlib
import json
import os
import secrets
import shutil
import tempfile
import threading

from . import core, sandbox as _sandbox, screen
from .runner import sign
from .sandbox import GradingInterrupted, SandboxUnavailable  # noqa: F401 (re-exported)
from .verdict import TestResult, Verdict, _syntax_verdict, stopped_phrase  # noqa: F401 (re-exported)

HIDDEN_OUTPUT = "(not shown for hidden tests)"


def sandbox_notice() -> str | None:
    """One line for the notebook when a learner's grading runs without the
    sandbox (bubblewrap missing); None when the sandbox is used."""
    return _sandbox.notice()


def run_tests(exercise_id: str, source: str | None, which: str = "public",
              target: str = "source", timeout: float | None = None,
              only: list[str] | None = None, per_test_timeout: float | None = None,
              sandbox: bool | None = None, screen_source: bool = True) -> Verdict:
    """Run an exercise's tests against `source` (or the reference, with
    target="reference") in a fresh Python process, sandboxed: sandbox=True
    requires bubblewrap (SandboxUnavailable otherwise), None uses it when
    present, False never (trusted code only).  Never raises for anything
    the code under test does; raises GradingInterrupted on a
    KeyboardInterrupt (everything started is killed first).
    screen_source=False skips the static screen (tests of the sandbox
    alone; never for grading)."""
    ex = core.get(exercise_id)
    selected = [t for t in ex.tests if (which == "all" or t.public) and (not only or t.name in only)]
    v = Verdict(ex, which)
    if target == "source":
        try:
            compile(source, "<your code>", "exec")
        except SyntaxError as e:
            return _syntax_verdict(ex, which, e)
        refused = screen.problems(source, ex.provides, ex.id) if screen_source else []
        if refused:
            v.setup = "error"
            v.setup_message = ("The grader does not run this code:\n"
                               + "\n".join("  " + p for p in refused[:12]))
            return v
        if sandbox is None:
            sandbox = _sandbox.available()
        elif sandbox:
            _sandbox.require()
    else:
        sandbox = False                 # the reference is trusted code
    results = {t.name: TestResult(t.name, t.public, t.doc, "not run") for t in selected}
    v.results = list(results.values())
    limit = timeout or ex.timeout
    base = {"exercise": exercise_id, "source": source, "target": target,
            "per_test_timeout": per_test_timeout, "timeout": limit}
    if target == "source" and sandbox and which == "all":
        phases = [("public", [t for t in selected if t.public]),
                  ("hidden", [t for t in selected if not t.public])]
    else:
        phases = [(which, selected)]
    phases = [(p, t) for p, t in phases if t]
    # the reference runs the same tests in the same order in one process (a
    # test may depend on what ran before it), meanwhile, in a trusted child
    refs: dict = {}
    cancel = threading.Event()
    worker = None
    if target == "source":
        def fetch():
            try:
                for _phase, tests in phases:
                    names = tuple(t.name for t in tests)
                    refs[names] = _reference_observations(exercise_id, names, cancel)
            except GradingInterrupted:
                pass
        worker = threading.Thread(target=fetch, daemon=True)
        worker.start()
    try:
        return _run_phases(v, ex, base, phases, results, limit, sandbox, target, refs, worker)
    except (KeyboardInterrupt, GradingInterrupted):
        cancel.set()                 # the reference's child goes too
        if worker is not None:
            worker.join()
        raise GradingInterrupted() from None


def _run_phases(v: Verdict, ex: core.Exercise, base: dict, phases: list, results: dict,
                limit: float, sandbox: bool, target: str, refs: dict, worker) -> Verdict:
    for phase, tests in phases:
        names = [t.name for t in tests]
        req = dict(base, which=phase, only=names)
        _run_phase(v, ex, req, results, limit, sandbox, phase == "hidden")
        if v.setup != "ok":
            break
    if worker is not None:
        worker.join()
    for phase, tests in phases:
        names = tuple(t.name for t in tests)
        reference = refs.get(names, {}) if target == "source" else None
        for name in names:
            _decide(results[name], reference)
    return v


def _run_phase(v: Verdict, ex: core.Exercise, req: dict, results: dict, limit: float,
               sandboxed: bool, hidden_phase: bool) -> None:
    key = secrets.token_bytes(32)
    req = dict(req, key=key.hex())
    limits = _sandbox.Limits(wall=limit)
    defs = _defs_files(ex.id, strip=req["which"] == "public") if sandboxed else None
    out = _sandbox.run("exercises.runner", req, limits, sandbox=sandboxed, defs=defs)
    running = None
    done = False
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        try:
            ev = json.loads(line)
            mac = ev.pop("mac")
        except (ValueError, KeyError, AttributeError, TypeError):
            continue
        if not isinstance(mac, str) or mac != sign(key, ev):
            continue                     # not from the runner: ignored
        kind = ev.get("event")
        if kind == "setup":
            if ev["status"] == "missing":
                v.setup = "missing"
                names = ", ".join(ev["missing"])
                v.setup_message = f"your code must define {names} (as in the starter code)."
            elif ev["status"] == "error" and hidden_phase:
                v.setup = "error"        # its message could carry the hidden tests out
                v.setup_message = (f"{ev['exception']} while loading your code for the hidden "
                                   "tests (the message is not shown for hidden tests)")
            elif ev["status"] == "error":
                v.setup = "error"
                v.setup_message = f"{ev['exception']}: {ev['message']}"
                v.setup_frames = ev.get("frames", [])
        elif kind == "start":
            running = ev["test"] if ev.get("test") in results else None
        elif kind == "done":
            done = True
        elif kind == "result" and ev.get("test") in results:
            r = results[ev["test"]]
            r.status = ev["status"]
            r.message = ev.get("message", "")
            if r.status == "timeout":
                r.message = f"{ev.get('limit', ex.per_test_timeout):g} s"
            r.what = ev.get("what", "")
            r.expected = ev.get("expected", "")
            r.got = ev.get("got", "")
            r.detail = ev.get("detail", "")
            r.exception = ev.get("exception", "")
            r.frames = ev.get("frames", [])
            r.stdout = ev.get("stdout", "")
            r.cpu, r.wall, r.returned = ev.get("cpu"), ev.get("wall"), ev.get("returned")
            r._obs = ev.get("obs") or []
            r._withheld = hidden_phase
            if hidden_phase:
                # the code's own output could carry the hidden tests' source out
                r.stdout = ""
                if r.got:
                    r.got = HIDDEN_OUTPUT
                if r.status == "error" and not ev.get("runtime_message"):
                    r.message = HIDDEN_OUTPUT
                r.detail = ""
                r.returned = None
            running = None
    rc = out.returncode
    if sandboxed and rc is not None and rc > 128:
        rc = -(rc - 128)                 # bwrap reports a child killed by signal N as 128 + N
    if out.timed_out or out.output_limit or rc not in (0, None) or not done:
        if out.timed_out:
            stop = {"limit": limit}
        elif out.output_limit:
            stop = {"exit_status": rc, "output_limit": _sandbox.Limits().stdout}
        else:
            stop = {"exit_status": rc}
        if running is not None:
            r = results[running]
            r.status = "killed"
            r.stop = stop
            if out.output_limit:
                r.message = "Your code wrote too much output (over 16 MiB) and was stopped."
        elif v.setup == "ok" and all(results[n].status == "not run" for n in req["only"]):
            v.setup = "killed"
            tail = [] if hidden_phase else out.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            v.setup_message = f"Your code {stopped_phrase(stop)} before any test ran." + (
                "\n" + "\n".join(tail) if tail else "")


def _decide(r: TestResult, reference: dict | None) -> None:
    """A test reported passed counts only if its observations are the
    reference's (with target="reference": if it observed anything)."""
    obs = getattr(r, "_obs", None)
    if r.status != "passed":
        return
    # values are compared, not the words describing them (a `what` may
    # mention a measured time)
    mine = [o[1] for o in obs or []]
    if reference is None:
        if not mine:
            _fail(r, "the test checked nothing (no expect call ran): it cannot pass")
        return
    ref = reference.get(r.name)
    if ref is None:
        _fail(r, "the reference does not pass this test, so nothing can")
        return
    theirs = [o[1] for o in ref]
    if not mine:
        _fail(r, "the test reported no check of your code's results (was the test cut short?)")
        return
    if mine == theirs:
        return
    for i, (a, b) in enumerate(zip(mine, theirs)):
        if a != b:
            r.status = "failed"
            r.what = obs[i][0]
            r.expected = ref[i][2]
            r.got = HIDDEN_OUTPUT if getattr(r, "_withheld", False) else obs[i][2]
            r.detail = ("the test's check passed, but the value is not the reference's: "
                        "another type, or an object of your own class?")
            return
    _fail(r, f"the test made {len(mine)} checks of your code's results where the reference's "
             f"run makes {len(theirs)}")


def _fail(r: TestResult, message: str) -> None:
    r.status = "failed"
    r.message = message
    r.what = r.expected = r.got = r.detail = ""


# ------------------------------------------------------------ the reference's observations

_REFERENCE: dict[tuple, dict] = {}
_REFERENCE_LOCK = threading.Lock()


def _reference_observations(exercise_id: str, names: tuple, cancel=None) -> dict:
    """test name -> observations of the reference's run of tests `names`,
    for the tests it passes (a trusted child, not sandboxed; once per
    exercise, tests and process)."""
    with _REFERENCE_LOCK:
        got = _REFERENCE.get((exercise_id, names))
    if got is not None:
        return got
    ex = core.get(exercise_id)
    key = secrets.token_bytes(32)
    req = {"exercise": exercise_id, "source": None, "target": "reference", "which": "all",
           "only": list(names), "per_test_timeout": None, "timeout": ex.timeout * 2, "key": key.hex()}
    out = _sandbox.run("exercises.runner", req, _sandbox.Limits(wall=ex.timeout * 2),
                       sandbox=False, cancel=cancel)
    table = {}
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        try:
            ev = json.loads(line)
            mac = ev.pop("mac")
        except (ValueError, KeyError, AttributeError, TypeError):
            continue
        if mac == sign(key, ev) and ev.get("event") == "result" and ev.get("status") == "passed":
            table[ev["test"]] = ev.get("obs") or []
    with _REFERENCE_LOCK:
        _REFERENCE[(exercise_id, names)] = table
    return table


# ------------------------------------------------------------ what the sandbox holds of exercises/defs

_DEFS_DIR: str | None = None
_DEFS_LOCK = threading.Lock()


def _defs_files(exercise_id: str, strip: bool) -> dict[str, str]:
    """The definition files the sandbox gets (name -> host path): the
    package's __init__ and _support, this exercise's file and the
    definitions it imports; with strip=True, without their hidden tests."""
    from . import defs as _defs_pkg
    from .edition import defs_imports, strip_hidden
    global _DEFS_DIR
    src_dir = os.path.dirname(os.path.abspath(_defs_pkg.__file__))
    names = ["__init__", "_support"]
    todo = [exercise_id]
    while todo:
        n = todo.pop()
        if n in names:
            continue
        names.append(n)
        with open(os.path.join(src_dir, n + ".py"), encoding="utf-8") as f:
            todo.extend(d for d in defs_imports(f.read()) if d not in names)
    out = {}
    with _DEFS_LOCK:
        if _DEFS_DIR is None:
            _DEFS_DIR = tempfile.mkdtemp(prefix="grading-defs-")
            os.chmod(_DEFS_DIR, 0o755)
            atexit.register(shutil.rmtree, _DEFS_DIR, True)
        for n in names:
            host = os.path.join(src_dir, n + ".py")
            if strip and n not in ("__init__", "_support"):
                with open(host, encoding="utf-8") as f:
                    text = strip_hidden(f.read())
                digest = hashlib.sha256(text.encode()).hexdigest()[:16]
                path = os.path.join(_DEFS_DIR, f"{n}.{digest}.py")
                if not os.path.exists(path):
                    tmp = path + ".tmp"
                    with open(tmp, "w", encoding="utf-8") as f:
                        f.write(text)
                    os.chmod(tmp, 0o644)
                    os.replace(tmp, path)
                host = path
            out[n + ".py"] = host
    return out
