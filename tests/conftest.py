"""Shared helpers for the runtime's specification tests.

Fixtures rather than a helper module, so that a test file needs nothing but
pytest to find them:

* ``wait_parked(g, reason)``: from inside a run, yield (``gosched``) until
  goroutine ``g`` has parked, then check its wait reason.  Tests use it
  instead of sleeping: a goroutine that never parks makes the test fail,
  it does not make it pass by luck.
* ``run_cli(source, *args, env=None)``: write ``prog.py`` and run
  ``python -m reference_runtime prog.py`` in a subprocess, as ``go run``
  would run a Go program; returns the CompletedProcess.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from reference_runtime import GStatus, gosched

# Enough yields for any goroutine in these small programs to reach its
# blocking call; a goroutine that has not parked by then never will.
_MAX_YIELDS = 10_000


def _wait_parked(g, reason: str | None = None) -> None:
    for _ in range(_MAX_YIELDS):
        if g.status == GStatus.Gwaiting:
            break
        gosched()
    assert g.status == GStatus.Gwaiting, f"goroutine {g.goid} never parked: {g!r}"
    if reason is not None:
        assert g.wait_reason == reason


@pytest.fixture
def wait_parked():
    return _wait_parked


def _run_cli(tmp_path, source: str, *args: str, env: dict | None = None,
             timeout: float = 60) -> subprocess.CompletedProcess:
    prog = tmp_path / "prog.py"
    prog.write_text(textwrap.dedent(source))
    full_env = dict(os.environ)
    full_env.pop("GOMAXPROCS", None)
    full_env.pop("GODEBUG", None)
    if env:
        full_env.update(env)
    return subprocess.run([sys.executable, "-m", "reference_runtime", *args, str(prog)],
                          capture_output=True, text=True, cwd=tmp_path, env=full_env,
                          timeout=timeout)


@pytest.fixture
def run_cli(tmp_path):
    def run_cli(source: str, *args: str, env: dict | None = None, timeout: float = 60):
        return _run_cli(tmp_path, source, *args, env=env, timeout=timeout)
    return run_cli
