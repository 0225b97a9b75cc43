"""gokernel.views: the Stepper rebuilds the scheduler's queues from an event
trace exactly as the runtime had them, renders as text without Jupyter,
and the timeline draws one row per P; gokernel's runtime never imports
ipywidgets."""
from __future__ import annotations

import subprocess
import sys

import pytest

import reference_runtime as ref
from reference_runtime import sched
from reference_runtime.sched import Event
from gokernel.views import Stepper, replay, timeline


def ev(kind, p, goid, detail=None, t=0.0):
    return Event((t, kind, p, p, goid, detail))


# --- a known trace, written by hand ---------------------------------------

# main (G1) spawns G2..G6 on one P, then blocks on a channel receive: G6 runs
# first (runnext), then G2, G3 ... in order -- Go's "4, 0, 1, 2, 3".
KNOWN = [
    ev("proc_start", 0, 0),
    ev("spawn", 0, 1, 0),
    ev("run", 0, 1),
    ev("spawn", 0, 2, 1),
    ev("spawn", 0, 3, 1),
    ev("spawn", 0, 4, 1),
    ev("spawn", 0, 5, 1),
    ev("spawn", 0, 6, 1),
    ev("park", 0, 1, "chan receive"),
    ev("run", 0, 6),
    ev("ready", 0, 1),
    ev("exit", 0, 6),
    ev("run", 0, 1),
    ev("gosched", 0, 1),
    ev("run", 0, 2),
]


def test_spawning_fills_runnext_and_kicks_the_old_one_to_the_local_queue():
    s = replay(KNOWN)[7]                     # after the 5th spawn
    p0 = s.p(0)
    assert (p0.curg, p0.runnext, p0.runq) == (1, 6, [2, 3, 4, 5])
    assert s.global_runq == []
    assert {g.goid: g.status for g in s.gs.values()} == {
        1: "running", 2: "runnable", 3: "runnable", 4: "runnable", 5: "runnable", 6: "runnable"}
    assert s.gs[6].where == "P0 runnext"
    assert s.gs[2].where == "P0 local queue #1"


def test_a_parked_goroutine_shows_its_wait_reason_and_the_newest_runs_first():
    states = replay(KNOWN)
    parked = states[8]
    assert parked.gs[1].status == "waiting"
    assert parked.gs[1].wait_reason == "chan receive"
    assert parked.gs[1].go_status == "_Gwaiting"
    ran = states[9]
    assert ran.p(0).curg == 6 and ran.p(0).runnext is None
    assert "from runnext" in ran.note and "inherits the time slice" in ran.note


def test_ready_goes_to_runnext_exit_is_dead_gosched_goes_to_the_global_queue():
    states = replay(KNOWN)
    assert states[10].p(0).runnext == 1 and states[10].gs[1].status == "runnable"
    assert states[11].gs[6].status == "dead" and states[11].gs[6].go_status == "_Gdead"
    yielded = states[13]
    assert yielded.global_runq == [1] and yielded.p(0).curg is None
    assert replay(KNOWN)[14].p(0).runq == [3, 4, 5]


def test_schedtick_counts_schedules_but_not_runnext_hand_offs():
    states = replay(KNOWN)
    assert states[2].p(0).schedtick == 1     # main: a fresh time slice
    assert states[9].p(0).schedtick == 1     # G6 from runnext: inherits it
    assert states[14].p(0).schedtick == 2    # G2 from the local queue


def test_a_full_local_queue_spills_half_and_the_new_goroutine_to_the_global_queue():
    trace = [ev("proc_start", 0, 0), ev("spawn", 0, 1, 0), ev("run", 0, 1)]
    trace += [ev("spawn", 0, g, 1) for g in range(2, 2 + 258)]
    s = replay(trace)[-1]
    # 258 spawns: runnext holds the newest, the ring filled with 256, and the
    # 258th spawn's kicked G found it full: the oldest 128 plus it went global
    assert s.p(0).runnext == 259
    assert s.global_runq == list(range(2, 130)) + [258]
    assert s.p(0).runq == list(range(130, 258))


def test_a_steal_takes_half_of_the_victims_queue():
    trace = [ev("proc_start", 0, 0), ev("spawn", 0, 1, 0), ev("run", 0, 1)]
    trace += [ev("spawn", 0, g, 1) for g in range(2, 8)]      # runnext 7, ring 2..6
    trace += [ev("proc_start", 1, 0), ev("steal", 1, 4, (3, 0)), ev("run", 1, 4)]
    states = replay(trace)
    stolen = states[-2]
    assert stolen.p(0).runq == [5, 6] and stolen.p(0).runnext == 7
    assert stolen.p(1).runq == [2, 3]
    assert stolen.gs[4].where == "in hand"
    assert states[-1].p(1).curg == 4


def test_a_system_call_holds_the_p_until_sysmon_hands_it_off():
    trace = [ev("proc_start", 0, 0), ev("spawn", 0, 1, 0), ev("run", 0, 1),
             ev("syscall_enter", 0, 1, "sleep"), ev("handoff", 0, 1, 0),
             ev("syscall_exit", -1, 1, "global queue")]
    states = replay(trace)
    assert states[3].p(0).status == "syscall" and states[3].gs[1].go_status == "_Gsyscall"
    assert states[4].p(0).status == "idle" and states[4].gs[1].status == "syscall"
    assert states[5].global_runq == [1] and states[5].gs[1].status == "runnable"


# --- against the runtime's own state, event by event ----------------------

_NAMES = {1: "runnable", 2: "running", 3: "syscall", 4: "waiting", 6: "dead"}


class _Snapshots(list):
    """A trace list that also records the runtime's real queues and
    goroutine states at each event."""

    def __init__(self) -> None:
        super().__init__()
        self.real = []

    def append(self, e) -> None:
        super().append(e)
        rt = sched.current
        ps, cur = {}, {}
        for p in rt.allp:
            ring = [p.runq[i % 256].goid for i in range(p.runqhead, p.runqtail)]
            ps[p.id] = (p.runnext.goid if p.runnext else None, ring)
            g = p.m.curg if p.m is not None else None
            cur[p.id] = g.goid if g is not None and g.status in (2, 3) else None
        gs = [(g.goid, g.status, g.wait_reason) for g in rt.allg]
        self.real.append((ps, [g.goid for g in rt.runq], gs, cur))


def _compare(main, gomaxprocs, seed=1):
    trace = _Snapshots()
    ref.run(main, gomaxprocs=gomaxprocs, clock="virtual", seed=seed, trace=trace)
    states = replay(trace, gomaxprocs=gomaxprocs)
    compared, bad = 0, []
    for e, s, (ps, glob, gs, cur) in zip(trace, states, trace.real):
        if e[1] == "runqputslow":          # traced in the middle of runqput
            continue
        mine_cur = {p.id: p.curg for p in s.ps}
        if any(g is not None and g != mine_cur.get(pid) for pid, g in cur.items()):
            continue    # a P chose its next G and waits for the host's turn (see _pick_points)
        compared += 1
        real_gs = {goid: (_NAMES[st], reason if st == 4 else "") for goid, st, reason in gs}
        mine_ps = {p.id: (p.runnext, p.runq) for p in s.ps if p.id in ps}
        mine_gs = {goid: v for goid, v in s.statuses.items() if v[0] != "dead"}
        if (mine_ps, s.global_runq, mine_gs) != (ps, glob, real_gs):
            bad.append(e)
    return len(trace), compared, bad


def _workers(n=260):
    def main():
        wg = ref.WaitGroup()

        def worker(i):
            for _ in range(2):
                ref.work(0.002)
                ref.gosched()
            ref.sleep(0.001 * (i % 7))
            wg.done()
        for i in range(n):
            wg.add(1)
            ref.go(worker, i)
        wg.wait()
    return main


def _pipeline():
    c, done, wg = ref.chan(3), ref.chan(), ref.WaitGroup()

    def producer():
        for i in range(40):
            c.send(i)
        wg.done()

    def consumer():
        for _ in c:
            ref.work(0.0001)
        done.send(1)

    for _ in range(3):
        wg.add(1)
        ref.go(producer)
    for _ in range(4):
        ref.go(consumer)
    wg.wait()
    c.close()
    for _ in range(4):
        done.recv()


@pytest.mark.parametrize("gomaxprocs", [1, 2, 4])
def test_the_replay_matches_the_runtime_at_every_event(gomaxprocs):
    """300 goroutines (the ring overflows), preemption in work(), gosched,
    sleeps, steals: after each event the rebuilt runnext, local queues,
    global queue and goroutine states equal the runtime's own."""
    n, compared, bad = _compare(_workers(), gomaxprocs)
    assert not bad, f"{len(bad)} events differ, first: {bad[:3]}"
    assert compared >= 0.98 * n


@pytest.mark.parametrize("gomaxprocs", [1, 3])
def test_the_replay_matches_the_runtime_on_a_channel_pipeline(gomaxprocs):
    n, compared, bad = _compare(_pipeline, gomaxprocs, seed=7)
    assert not bad, f"{len(bad)} events differ, first: {bad[:3]}"
    assert compared >= 0.98 * n


# --- rendering --------------------------------------------------------------

def test_the_text_rendering_works_without_jupyter():
    s = Stepper(KNOWN)
    assert len(s) == len(KNOWN)
    s.step = 7
    text = repr(s)
    assert text.startswith("step 8 of 15")
    assert "P0 running G1" in text
    assert "runnext: G6" in text and "[G2 G3 G4 G5]" in text
    assert "global run queue: []" in text
    s.next()
    assert "waiting (_Gwaiting): G1 [chan receive]" in s.text()
    assert s._repr_mimebundle_() == {"text/plain": s.text()}      # no kernel here
    s.step = -1
    assert s.step == len(s) - 1


def test_the_text_rendering_needs_no_ipywidgets(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)          # import fails
    s = Stepper(KNOWN, kinds={"run"})
    assert len(s) == 4
    assert "P0 runs G6" in s.text(1)
    assert "<table" in s.html()


def test_the_widget_has_buttons_a_slider_and_follows_them():
    pytest.importorskip("ipywidgets")
    s = Stepper(KNOWN)
    box = s.widget()
    (prev, slider, nxt), view = box.children[0].children, box.children[1]
    assert (prev.description, nxt.description) == ("◀", "▶")
    assert (slider.min, slider.max) == (1, len(KNOWN))
    nxt.click()
    nxt.click()
    assert s.step == 2 and "P0 runs G1" in view.value
    prev.click()
    assert s.step == 1
    s.step = 9
    assert slider.value == 10 and "P0 runs G6" in view.value


def test_an_empty_trace_says_how_to_record_one():
    with pytest.raises(ValueError, match="trace=events"):
        Stepper([])


def test_the_timeline_has_a_row_per_p_a_title_and_labelled_axes():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    trace = []
    ref.run(_workers(40), gomaxprocs=2, clock="virtual", seed=1, trace=trace)
    ax = timeline(trace)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["P0", "P1"]
    assert ax.get_title() and "ms" in ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.collections) > 40          # a bar per run
    plt.close(ax.figure)
    ax = timeline(KNOWN)                      # no time passes: x is the event index
    assert "event" in ax.get_xlabel()
    plt.close(ax.figure)


def test_gokernel_does_not_import_ipywidgets_or_matplotlib():
    code = ("import sys, gokernel, gokernel.views, gokernel.rt; "
            "bad = [m for m in ('ipywidgets', 'matplotlib') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
