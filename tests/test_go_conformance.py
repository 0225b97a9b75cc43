"""The Go corpus against real Go: public Go programs, unchanged, run through
the Go front end on both runtimes.

``tests/gocorpus/<source>/<name>/<name>.go`` are programs we did not write:
Go by Example's concurrency examples, the channel tests of Go's own
repository (test/chan), and Rob Pike's "Go Concurrency Patterns" (2012);
LICENSE.md names each source.  ``expected.json`` is what Go 1.19 printed
(``tests/gocorpus/record.py``; Go is not needed here).  Each program runs
with ``python -m reference_runtime prog.go`` and ``python -m gokernel
prog.go``; stdout, the exit status and the head of stderr (cut by
tests/corpus/record.py's ``stderr_head``) must be Go's.

Normalisation: goroutine numbers in stderr are blanked (as in
tests/test_corpus.py), and ``programs.json`` lists, per program, the
stdout lines that vary between runs of real Go and why (timestamps,
operation counts within a wall-clock second, the interleaving of
goroutines' lines); the recording checked that five runs of Go agree once
normalised.  Nothing else is normalised.

Programs run under the virtual clock (``--clock virtual --seed 1``): Go's
recording was made on an idle machine, and the virtual clock gives that
ideal timing exactly, in no time.  One program whose goroutines never sleep
need the real clock (programs.json says which and why).

The programs the front end cannot run are listed in ``KNOWN_FAILURES`` with
the reason (docs/GO-FRONTEND.md has the same list); they are run anyway and
must fail, so that a fix shows up.  ``test_pass_count`` prints the count.
"""
from __future__ import annotations

import concurrent.futures
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("tree_sitter_go", reason="the Go front end needs tree-sitter-go")

GOCORPUS = Path(__file__).resolve().parent / "gocorpus"
_spec = importlib.util.spec_from_file_location("gocorpus_record", GOCORPUS / "record.py")
_record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_record)

PROGRAMS = [p for p in _record.programs() if (GOCORPUS / p / "expected.json").is_file()]
RUNTIMES = ("reference_runtime", "gokernel")
TIMEOUT = 120

#: programs outside the front end's subset or otherwise not matching Go, and why
KNOWN_FAILURES = {
    "gotest/sieve2": "imports container/heap and container/ring, outside the library layer",
    "gotest/chancap": "imports unsafe (to make a channel of a huge element size)",
    "gotest/closure": "checks allocation counts with runtime.ReadMemStats, outside the library "
                      "layer (a stub would make the check vacuous)",
    "gotest/select2": "checks memory growth with runtime.MemStats and MemProfileRate",
    "gotest/issue15281": "checks memory growth with runtime.MemStats",
    "gotest/bug347": "checks line numbers with runtime.Caller, outside the library layer",
    "gotest/bug348": "checks line numbers with runtime.Caller, outside the library layer",
    "gotest/recover1": "calls runtime.Breakpoint (in a branch that must not run), outside "
                       "the library layer",
    "gotest/deferfin": "waits for finalizers (runtime.SetFinalizer), outside the library layer",
    "gotest/issue46725": "waits for finalizers (runtime.SetFinalizer)",
    "gotest/issue5493": "waits for finalizers (runtime.SetFinalizer)",
    "gotest/issue24419": "imports bytes, outside the library layer",
    "gotest/issue10353": "a pointer-receiver method on a named non-struct type (type X int; "
                         "func (x *X) foo()), not supported",
    "gotest/bug242": "Go's order of evaluation in tuple assignments with index, pointer and "
                     "map operands (the front end evaluates some operands in another order)",
}


def run(name: str, runtime: str) -> subprocess.CompletedProcess:
    cfg = _record.config(name)
    src = GOCORPUS / name / f"{name.split('/')[1]}.go"
    env = dict(os.environ)
    for k in ("GODEBUG", "GOMAXPROCS"):
        env.pop(k, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    clock = [] if cfg.get("clock") == "real" else ["--clock", "virtual", "--seed", "1"]
    try:
        return subprocess.run([sys.executable, "-m", runtime, *clock, src.name],
                              cwd=src.parent, capture_output=True, text=True,
                              timeout=TIMEOUT, env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(e.cmd, -9, e.stdout or "", f"timed out after {TIMEOUT} s")


def matches(name: str, p: subprocess.CompletedProcess) -> str | None:
    """None if p printed what Go printed, else what differs."""
    want = json.loads((GOCORPUS / name / "expected.json").read_text())
    got_out, got_head = _record.normalise(name, p.stdout, _record.stderr_head(p.stderr))
    want_out, want_head = _record.normalise(name, want["stdout"], want["stderr_head"])
    if got_out != want_out:
        return f"stdout differs from Go's:\n{p.stdout[:2000]}\n--- stderr ---\n{p.stderr[:2000]}"
    if p.returncode != want["exit_status"]:
        return (f"exit status {p.returncode}, Go's is {want['exit_status']}\n"
                f"--- stderr ---\n{p.stderr[:2000]}")
    if got_head != want_head:
        return f"stderr head {got_head}, Go's is {want_head}\n--- stderr ---\n{p.stderr[:2000]}"
    return None


@pytest.fixture(scope="module")
def runs():
    """Every program on both runtimes, two at a time (each in its own process)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2)) as pool:
        yield {(n, r): pool.submit(run, n, r) for n in PROGRAMS for r in RUNTIMES}


def test_corpus_is_go_s_own_test_programs():
    """Go 1.19.8's own test programs (Debian's golang-1.19-go ships them in
    /usr/lib/go-1.19/test), copied unchanged."""
    sources = {p.split("/")[0] for p in PROGRAMS}
    assert sources == {"gotest"}, sources
    assert len(PROGRAMS) >= 74, PROGRAMS
    assert set(KNOWN_FAILURES) <= set(PROGRAMS)


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("name", [p for p in PROGRAMS if p not in KNOWN_FAILURES])
def test_program_prints_what_go_printed(name, runtime, runs):
    diff = matches(name, runs[(name, runtime)].result())
    assert diff is None, f"{name} on {runtime}: {diff}"


@pytest.mark.parametrize("name", sorted(KNOWN_FAILURES))
def test_known_failure_still_fails(name, runs):
    """A listed program that starts matching Go must leave the list."""
    diff = matches(name, runs[(name, "reference_runtime")].result())
    assert diff is not None, f"{name} now matches Go: remove it from KNOWN_FAILURES"


def test_pass_count(runs, capsys):
    by_source: dict = {}
    for name in PROGRAMS:
        src = name.split("/")[0]
        ok = all(matches(name, runs[(name, r)].result()) is None for r in RUNTIMES)
        tot, passed = by_source.get(src, (0, 0))
        by_source[src] = (tot + 1, passed + ok)
    total = sum(t for t, _ in by_source.values())
    passed = sum(p for _, p in by_source.values())
    with capsys.disabled():
        print(f"\nGo corpus: {passed}/{total} programs print what Go 1.19 printed, on both "
              f"runtimes (" + ", ".join(f"{s} {p}/{t}" for s, (t, p) in sorted(by_source.items()))
              + ")")
    assert passed >= total - len(KNOWN_FAILURES)
