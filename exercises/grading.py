"""Grade code against an exercise's tests, in a subprocess with time and
memory limits, and turn what happened into a verdict a learner can act on.

Whatever the learner's code does — raise, loop forever, deadlock, return
the wrong type, eat all memory — the verdict comes back within the
exercise's time limit and the caller (a notebook kernel, the instructor's
batch grader) keeps working.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from . import core
from .verdict import TestResult, Verdict, _syntax_verdict, stopped_phrase  # noqa: F401 (re-exported)


def run_tests(exercise_id: str, source: str | None, which: str = "public",
              target: str = "source", timeout: float | None = None,
              only: list[str] | None = None, per_test_timeout: float | None = None) -> Verdict:
    """Run an exercise's tests against `source` (or the reference, with
    target="reference") in a fresh Python process; never raises for
    anything the code under test does."""
    ex = core.get(exercise_id)
    selected = [t for t in ex.tests if (which == "all" or t.public) and (not only or t.name in only)]
    if target == "source":
        try:
            compile(source, "<your code>", "exec")
        except SyntaxError as e:
            return _syntax_verdict(ex, which, e)
    v = Verdict(ex, which)
    results = {t.name: TestResult(t.name, t.public, t.doc, "not run") for t in selected}
    v.results = list(results.values())
    limit = timeout or ex.timeout
    req = json.dumps({"exercise": exercise_id, "source": source, "which": which, "target": target,
                      "only": only, "per_test_timeout": per_test_timeout, "timeout": limit})
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("GOKERNEL_WORKDIR", None)
    proc = subprocess.Popen([sys.executable, "-m", "exercises.runner"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=_project_root())
    try:
        out, err = proc.communicate(req, timeout=limit)
        killed = False
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        killed = True
    running = None
    for line in out.splitlines():
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        kind = ev.get("event")
        if kind == "setup":
            if ev["status"] == "missing":
                v.setup = "missing"
                names = ", ".join(ev["missing"])
                v.setup_message = f"your code must define {names} (as in the starter code)."
            elif ev["status"] == "error":
                v.setup = "error"
                v.setup_message = f"{ev['exception']}: {ev['message']}"
                v.setup_frames = ev.get("frames", [])
        elif kind == "start":
            running = ev["test"]
        elif kind == "result":
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
            running = None
    if killed or proc.returncode not in (0, None):
        stop = {"limit": limit} if killed else {"exit_status": proc.returncode}
        if running is not None:
            r = results[running]
            r.status = "killed"
            r.stop = stop
        elif v.setup == "ok" and all(r.status == "not run" for r in v.results):
            v.setup = "killed"
            tail = err.strip().splitlines()[-3:]
            v.setup_message = f"Your code {stopped_phrase(stop)} before any test ran." + (
                "\n" + "\n".join(tail) if tail else "")
    return v


def _project_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
