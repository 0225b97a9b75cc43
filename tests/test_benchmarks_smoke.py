"""Smoke test of the benchmark harness: --quick mode for a few peers must
produce a JSON entry with a positive number for every (peer, workload) the
suite defines for them.  No timing is asserted anywhere: benchmarks are not
tests (see benchmarks/README.md)."""
from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.spec import WORKLOADS, size_for  # noqa: E402

PEERS = ["reference", "floor", "asyncio"]


def expected(peer: str) -> set[str]:
    return {w.name for w in WORKLOADS.values()
            if peer in w.peers and size_for(w, peer, quick=True) is not None}


@pytest.mark.parametrize("peer", ["reference", "floor", "gevent", "asyncio", "threads"])
def test_spec_matches_peer_modules(peer):
    """Every workload the spec gives a peer is implemented by its module."""
    if peer == "gevent":
        pytest.importorskip("gevent")
    mod = importlib.import_module(f"benchmarks.peers.{peer}_peer")
    want = {w.name for w in WORKLOADS.values() if peer in w.peers}
    assert want == set(mod.WORKLOADS), (peer, want ^ set(mod.WORKLOADS))


@pytest.mark.slow
def test_quick_mode_produces_an_entry_per_peer_and_workload(tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--peers", ",".join(PEERS),
         "--out", str(tmp_path), "--no-plot", "-q"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    doc = json.loads((tmp_path / "latest.json").read_text())
    assert doc["mode"] == "quick"
    got = {(e["peer"], e["workload"]): e for e in doc["results"]}
    for peer in PEERS:
        for name in expected(peer):
            e = got.get((peer, name))
            assert e is not None, f"no entry for {peer} {name}"
            assert "error" not in e, (peer, name, e.get("error"))
            assert isinstance(e["median"], (int, float)) and e["median"] > 0, (peer, name, e)
    # the printed tables name every peer that ran
    assert "Medians" in r.stdout
    for peer in PEERS:
        assert peer in r.stdout
