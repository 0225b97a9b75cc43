"""The corpus against real Go.

Each ``tests/corpus/<name>/`` holds a small Go program (``prog.go``), its
port to this runtime's API (``prog.py``), and what real Go printed when the
program was built and run (``expected.json``, made by
``tests/corpus/record.py``; Go is not needed to run these tests).  Each test
runs ``python -m reference_runtime prog.py`` and checks that stdout is
exactly Go's, that the exit status is Go's, and that the head of stderr
(the panic or fatal-error line and the ``goroutine N [reason]:`` headers, in
order) is Go's.

Normalisation, and nothing else:

(a) goroutine numbers are blanked: Go hands out goroutine ids to each P in
    batches of 16 and starts its system goroutines first, so its numbers
    are not reproducible by another runtime (nor even by Go on another
    machine).  The order and the count of goroutine blocks are kept.
(b) the wait reasons of sync waits are mapped to Go 1.19's (see
    ``SYNC_WAIT_REASONS``).

In particular a deadlock report whose goroutines are the right ones in the
wrong order fails: Go lists them in its own (allgs) order.

Programs whose output depends on time (they call ``sleep`` or ``after``) run
with ``--clock virtual``: Go's recording was made on an idle machine, and the
virtual clock gives that ideal timing exactly, while the real clock on a busy
machine can let two timers 20 ms apart fire at the same check, and then (in
Go as here) they wake in reverse order.
"""
from __future__ import annotations

import concurrent.futures
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
PROGRAMS = sorted(d.name for d in CORPUS.iterdir() if d.is_dir() and (d / "prog.go").is_file())
TIMEOUT = 30          # seconds per program; each takes well under one

_spec = importlib.util.spec_from_file_location("corpus_record", CORPUS / "record.py")
_record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_record)
stderr_head = _record.stderr_head     # the recording and the runtime's stderr are cut alike

# (b) Go 1.19 (the recording's Go) parks every sync wait with
# waitReasonSemacquire, "semacquire" (runtime/sema.go,
# sync_runtime_Semacquire and sync_runtime_SemacquireMutex).  Later Go
# names the primitive in runtime2.go's waitReasonStrings: Go 1.20 added
# waitReasonSyncMutexLock "sync.Mutex.Lock" (with the RWMutex reasons, via
# sync.runtime_SemacquireMutex/RWMutex/RWMutexR), and Go 1.24 added
# waitReasonSyncWaitGroupWait "sync.WaitGroup.Wait".  This runtime uses
# the newer names, so they are mapped back before comparing.
SYNC_WAIT_REASONS = {
    "sync.Mutex.Lock": "semacquire",
    "sync.WaitGroup.Wait": "semacquire",
}

HEADER = re.compile(r"^goroutine \d+ \[(.*)\]:$")


def normalise(head: list[str]) -> list[str]:
    """(a) blank goroutine numbers, (b) map sync wait reasons; nothing else."""
    out = []
    for line in head:
        m = HEADER.match(line)
        if m:
            reason = SYNC_WAIT_REASONS.get(m.group(1), m.group(1))
            line = f"goroutine N [{reason}]:"
        out.append(line)
    return out


def run_program(name: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    for k in ("GODEBUG", "GOMAXPROCS"):   # as when recording: default settings
        env.pop(k, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # no __pycache__ in the corpus
    return subprocess.run([sys.executable, "-m", "reference_runtime", *clock_args(name), "prog.py"],
                          cwd=CORPUS / name, capture_output=True, text=True,
                          timeout=TIMEOUT, env=env)


def clock_args(name: str) -> list[str]:
    src = (CORPUS / name / "prog.py").read_text()
    timed = re.search(r"\b(sleep|after|tick|Timer)\(", src)
    return ["--clock", "virtual", "--seed", "1"] if timed else []


@pytest.fixture(scope="module")
def runs(request):
    """The selected programs, started together on a thread pool (each in its
    own process); a test waits only for its own."""
    wanted = [item.callspec.params["name"] for item in request.session.items
              if getattr(item, "module", None) is request.module and hasattr(item, "callspec")
              and "name" in item.callspec.params]
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as pool:
        yield {name: pool.submit(run_program, name) for name in wanted}


def test_corpus_has_at_least_18_programs():
    assert len(PROGRAMS) >= 18, PROGRAMS
    for name in PROGRAMS:
        for f in ("prog.go", "prog.py", "expected.json"):
            assert (CORPUS / name / f).is_file(), f"{name}/{f} is missing"


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_matches_go(name, runs):
    expected = json.loads((CORPUS / name / "expected.json").read_text())
    p = runs[name].result()
    assert p.stdout == expected["stdout"], (
        f"{name}: stdout differs from Go's\n--- stderr ---\n{p.stderr}")
    assert p.returncode == expected["exit_status"], (
        f"{name}: exit status {p.returncode}, Go's is {expected['exit_status']}\n"
        f"--- stderr ---\n{p.stderr}")
    got = normalise(stderr_head(p.stderr))
    want = normalise(expected["stderr_head"])
    if got != want and sorted(got) == sorted(want):
        pytest.fail(f"{name}: the same goroutines as Go's report, in a different order "
                    f"(Go lists them in its allgs order)\nGo:      {want}\nruntime: {got}")
    assert got == want, f"{name}: stderr head differs from Go's\n--- stderr ---\n{p.stderr}"
