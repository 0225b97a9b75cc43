"""The event trace exported in the Chrome trace event format (the JSON
that Perfetto and chrome://tracing open): each event carries the fields the
format requires for its phase, a track per P and per M, slices that do not
overlap on a track, flows paired."""
from __future__ import annotations

import json
from collections import defaultdict

import pytest

from reference_runtime import WaitGroup, chan, go, run, syscall, work
from reference_runtime.trace_export import chrome_trace, write_chrome_trace

# The Trace Event Format (Google's "Trace Event Format" document): fields
# every event of a phase must have.
REQUIRED = {
    "X": {"name", "ph", "ts", "dur", "pid", "tid"},      # complete event
    "i": {"name", "ph", "ts", "pid", "s"},                # instant event (scope g/p/t)
    "M": {"name", "ph", "pid", "args"},                   # metadata
    "s": {"name", "cat", "ph", "ts", "pid", "tid", "id"},  # flow start
    "f": {"name", "cat", "ph", "ts", "pid", "tid", "id"},  # flow end
}
P_TRACKS, M_TRACKS = 1, 2


def spread(n: int = 16):
    wg = WaitGroup()
    for i in range(n):
        wg.add(1)

        def worker(i=i):
            work(0.004 * (1 + i % 3))
            wg.done()
        go(worker)
    wg.wait()


@pytest.fixture(scope="module")
def four_p_trace():
    events = []
    run(spread, gomaxprocs=4, clock="virtual", seed=3, trace=events)
    return events, chrome_trace(events)


def check_format(doc: dict) -> None:
    json.loads(json.dumps(doc))                    # plain JSON, nothing Python-only
    assert isinstance(doc["traceEvents"], list)
    for ev in doc["traceEvents"]:
        ph = ev["ph"]
        assert ph in REQUIRED, ev
        assert REQUIRED[ph] <= set(ev), (ph, REQUIRED[ph] - set(ev), ev)
        if ph == "X":
            assert ev["dur"] >= 0 and ev["ts"] >= 0
        if ph == "i":
            assert ev["s"] in ("g", "p", "t")
            if ev["s"] == "t":
                assert "tid" in ev
        if ph == "M":
            assert ev["name"] in ("process_name", "thread_name", "process_sort_index",
                                  "thread_sort_index")


def test_the_export_is_json_in_the_trace_event_format(four_p_trace):
    check_format(four_p_trace[1])


def tracks(doc: dict, pid: int) -> dict:
    return {ev["tid"]: ev["args"]["name"] for ev in doc["traceEvents"]
            if ev["ph"] == "M" and ev["name"] == "thread_name" and ev["pid"] == pid}


def test_a_four_p_run_has_a_named_track_per_p_each_with_goroutine_slices(four_p_trace):
    _, doc = four_p_trace
    assert tracks(doc, P_TRACKS) == {0: "P0", 1: "P1", 2: "P2", 3: "P3"}
    used = {ev["tid"] for ev in doc["traceEvents"] if ev["ph"] == "X" and ev["pid"] == P_TRACKS}
    assert used == {0, 1, 2, 3}


def test_there_is_a_track_per_m_that_ran_a_goroutine(four_p_trace):
    events, doc = four_p_trace
    ms = {e.m for e in events if e.kind == "run"}
    assert len(ms) >= 4
    assert set(tracks(doc, M_TRACKS)) >= ms
    assert all(name == f"M{m}" for m, name in tracks(doc, M_TRACKS).items())


def test_each_slice_is_one_goroutine_run_named_by_its_goid(four_p_trace):
    events, doc = four_p_trace
    slices = [ev for ev in doc["traceEvents"] if ev["ph"] == "X" and ev["pid"] == P_TRACKS]
    assert all(ev["name"] == f"G{ev['args']['goid']}" for ev in slices)
    ran = {e.goid for e in events if e.kind == "run"}
    assert {ev["args"]["goid"] for ev in slices} == ran
    # every worker computed 4-12 ms: its slices on the P tracks add up to it
    per_g = defaultdict(float)
    for ev in slices:
        per_g[ev["args"]["goid"]] += ev["dur"]
    workers = {e.goid: e.detail for e in events if e.kind == "work"}
    for goid, seconds in workers.items():
        assert per_g[goid] == pytest.approx(seconds * 1e6, abs=1.0)


def test_slices_on_a_track_do_not_overlap(four_p_trace):
    _, doc = four_p_trace
    by_track = defaultdict(list)
    for ev in doc["traceEvents"]:
        if ev["ph"] == "X":
            by_track[(ev["pid"], ev["tid"])].append((ev["ts"], ev["ts"] + ev["dur"]))
    assert by_track
    for track, spans in by_track.items():
        spans.sort()
        for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
            assert s2 >= e1 - 1e-6, (track, (s1, e1), (s2, e2))


def test_steals_are_flow_arrows_from_victim_to_thief_each_paired(four_p_trace):
    events, doc = four_p_trace
    steals = [e for e in events if e.kind == "steal"]
    assert steals, "a 4-P run of 16 workers started on P0 steals"
    flows = defaultdict(dict)
    for ev in doc["traceEvents"]:
        if ev["ph"] in "sf":
            assert ev["ph"] not in flows[ev["id"]], f"flow {ev['id']} has two {ev['ph']}"
            flows[ev["id"]][ev["ph"]] = ev
    assert all(set(pair) == {"s", "f"} for pair in flows.values())
    steal_flows = [pair for pair in flows.values() if pair["s"]["name"] == "steal"]
    assert sorted((pair["s"]["tid"], pair["f"]["tid"]) for pair in steal_flows) == \
        sorted((e.detail[1], e.p) for e in steals)


def test_park_ready_and_preempt_are_instant_events(four_p_trace):
    events, doc = four_p_trace
    instants = defaultdict(int)
    for ev in doc["traceEvents"]:
        if ev["ph"] == "i":
            instants[ev["name"]] += 1
    for kind in ("park", "ready", "preempt"):
        assert instants[kind] == sum(1 for e in events if e.kind == kind) > 0, kind


def test_a_handoff_is_a_flow_from_the_m_in_the_system_call_to_its_p():
    import time

    def main():
        done = chan()
        go(lambda: done.send(syscall(time.sleep, 0.2)))
        work(0.0)
        done.recv()

    events = []
    run(main, gomaxprocs=1, trace=events)
    handoffs = [e for e in events if e.kind == "handoff"]
    assert handoffs, [e.kind for e in events]
    doc = chrome_trace(events)
    check_format(doc)
    starts = [ev for ev in doc["traceEvents"] if ev["ph"] == "s" and ev["name"] == "handoff"]
    ends = [ev for ev in doc["traceEvents"] if ev["ph"] == "f" and ev["name"] == "handoff"]
    assert [ev["id"] for ev in starts] == [ev["id"] for ev in ends]
    assert starts[0]["pid"] == M_TRACKS and ends[0]["pid"] == P_TRACKS
    syscalls = [ev for ev in doc["traceEvents"] if ev["ph"] == "X" and ev["name"] == "syscall"]
    assert syscalls and syscalls[0]["pid"] == M_TRACKS and syscalls[0]["dur"] >= 150_000


def test_an_empty_trace_exports_an_empty_document():
    doc = chrome_trace([])
    check_format(doc)
    assert doc["traceEvents"] == []


def test_write_chrome_trace_writes_the_json_file(tmp_path, four_p_trace):
    events, doc = four_p_trace
    path = write_chrome_trace(events, tmp_path / "t.json")
    assert json.loads((tmp_path / "t.json").read_text()) == json.loads(json.dumps(doc))
    assert path == str(tmp_path / "t.json")


PROG = """
    from reference_runtime import WaitGroup, go, work

    def main():
        wg = WaitGroup()
        for i in range(8):
            wg.add(1)
            def w():
                work(0.01)
                wg.done()
            go(w)
        wg.wait()
"""


def test_the_command_line_writes_the_trace_when_main_returns(run_cli, tmp_path):
    r = run_cli(PROG, "--clock", "virtual", "--gomaxprocs", "4", "--seed", "1",
                "--trace", str(tmp_path / "run.json"))
    assert r.returncode == 0, r.stderr
    doc = json.loads((tmp_path / "run.json").read_text())
    check_format(doc)
    assert tracks(doc, P_TRACKS) == {0: "P0", 1: "P1", 2: "P2", 3: "P3"}


def test_the_command_line_writes_the_trace_on_a_deadlock(run_cli, tmp_path):
    r = run_cli("""
        from reference_runtime import chan

        def main():
            chan().recv()
    """, "--trace", str(tmp_path / "dead.json"))
    assert r.returncode == 2
    doc = json.loads((tmp_path / "dead.json").read_text())
    check_format(doc)
    assert any(ev["ph"] == "i" and ev["name"] == "park" for ev in doc["traceEvents"])


def test_gokernels_command_line_takes_the_same_trace_flag(tmp_path):
    import os
    import subprocess
    import sys
    import textwrap
    prog = tmp_path / "prog.py"
    prog.write_text(textwrap.dedent(PROG))
    env = dict(os.environ, GOKERNEL_WORKDIR=str(tmp_path / "work"))
    env.pop("GOMAXPROCS", None)
    r = subprocess.run([sys.executable, "-m", "gokernel", "--clock", "virtual", "--gomaxprocs", "2",
                        "--trace", str(tmp_path / "gk.json"), str(prog)],
                       capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    doc = json.loads((tmp_path / "gk.json").read_text())
    check_format(doc)
    assert tracks(doc, P_TRACKS) == {0: "P0", 1: "P1"}
