"""Exercise 06.1: work stealing — runqsteal (Go's runqsteal and runqgrab, proc.go)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public
from exercises.defs._support import decisions, goid as _goid, gs as _gs


def _setup(n_ps: int = 2, trace: list | None = None):
    from reference_runtime.sched import Runtime
    rt = Runtime(gomaxprocs=n_ps, trace=trace)
    return rt, rt.allp[0], rt.allp[1]


def _fill(p, gs, head=0):
    """Put gs in p's ring starting at position `head` (head and tail keep
    counting up, as in Go; slots are positions modulo 256)."""
    p.runqhead = p.runqtail = head
    for g in gs:
        p.runq[p.runqtail % 256] = g
        p.runqtail += 1


def _ring(p):
    return [p.runq[i % 256].goid for i in range(p.runqhead, p.runqtail)]


@public
def test_an_empty_victim_gives_nothing(sol):
    """An empty victim gives nothing: runqsteal returns None and changes nothing."""
    rt, p, victim = _setup()
    expect(_goid(sol.runqsteal(rt, p, victim, False)), None, "runqsteal(empty victim)")
    expect(_goid(sol.runqsteal(rt, p, victim, True)), None,
           "runqsteal(empty victim, steal_runnext=True)")
    expect((p.runqtail - p.runqhead, victim.runqtail - victim.runqhead), (0, 0),
           "(thief's ring size, victim's ring size)")


@public
def test_the_thief_takes_half_rounded_up_and_runs_the_last_one(sol):
    """Half the ring, rounded up, is taken (5 -> 3); the last one taken is returned.

    Go's runqgrab takes n - n/2 Gs from the head of the victim's ring;
    runqsteal returns the last G grabbed, to run now, and puts the others,
    oldest first, in the thief's own ring."""
    rt, p, victim = _setup()
    _fill(victim, _gs(5))
    g = sol.runqsteal(rt, p, victim, False)
    expect(_goid(g), 3, "the G runqsteal returns")
    expect(_ring(p), [1, 2], "thief's ring, head to tail")
    expect(_ring(victim), [4, 5], "victim's ring, head to tail")


@public
def test_the_others_go_on_the_thiefs_ring_through_rt_runqput(sol):
    """The Gs the thief does not run go on its ring through the runtime's part,
    rt.runqput(rt, p, g, False), oldest first, so that the runtime's own run queue
    (yours from 03.1 once it passes) is the one used."""
    rt, p, victim = _setup()
    calls = []
    put = rt.runqput

    def recording(rt_, p_, g, next_):
        calls.append((p_ is p, g.goid, next_))
        put(rt_, p_, g, next_)

    rt.runqput = recording
    _fill(victim, _gs(7))
    sol.runqsteal(rt, p, victim, False)
    expect(calls, [(True, 1, False), (True, 2, False), (True, 3, False)],
           "rt.runqput calls (for the thief's P, goid, next)")


@public
def test_one_g_in_the_ring_is_stolen_whole(sol):
    """Half of 1, rounded up, is 1: the thief returns it and its own ring stays empty."""
    rt, p, victim = _setup()
    _fill(victim, _gs(1))
    expect(_goid(sol.runqsteal(rt, p, victim, False)), 1, "the G runqsteal returns")
    expect((_ring(p), _ring(victim)), ([], []), "(thief's ring, victim's ring)")


@public
def test_runnext_is_taken_only_when_asked_and_the_ring_is_empty(sol):
    """runnext is taken only with steal_runnext=True and an empty ring.

    Go's runqgrab: "Try to steal from pp.runnext" only if stealRunNextG
    (stealWork's last pass) and the victim's ring is empty; a G in runnext
    is about to run on its own P, so it is the thief's last resort."""
    rt, p, victim = _setup()
    nxt, = _gs(1, first=7)
    victim.runnext = nxt
    expect(_goid(sol.runqsteal(rt, p, victim, False)), None,
           "runqsteal(victim with only runnext, steal_runnext=False)")
    expect(_goid(victim.runnext), 7, "victim.runnext after a steal without steal_runnext")
    expect(_goid(sol.runqsteal(rt, p, victim, True)), 7,
           "runqsteal(victim with only runnext, steal_runnext=True)")
    expect(victim.runnext, None, "victim.runnext after it was stolen")


@public
def test_runnext_stays_when_the_ring_has_gs(sol):
    """With Gs in the ring, steal_runnext=True still steals from the ring only.

    The victim keeps its runnext."""
    rt, p, victim = _setup()
    _fill(victim, _gs(4))
    nxt, = _gs(1, first=9)
    victim.runnext = nxt
    g = sol.runqsteal(rt, p, victim, True)
    expect(_goid(g), 2, "the G runqsteal returns (half of 4 is 2: Gs 1 and 2)")
    expect(_goid(victim.runnext), 9, "victim.runnext")
    expect(_ring(victim), [3, 4], "victim's ring")


@public
def test_stealing_works_across_the_end_of_the_ring(sol):
    """Stealing works across the end of the ring (slots are positions modulo 256).

    head and tail only grow: a victim whose ring runs from position 253 to
    263 (11 Gs) loses 6 of them, from positions 253 to 258, that is slots
    253, 254, 255, 0, 1 and 2."""
    rt, p, victim = _setup()
    _fill(victim, _gs(11), head=253)
    g = sol.runqsteal(rt, p, victim, False)
    expect(_goid(g), 6, "the G runqsteal returns")
    expect(_ring(p), [1, 2, 3, 4, 5], "thief's ring")
    expect(_ring(victim), [7, 8, 9, 10, 11], "victim's ring")
    expect((victim.runqhead, victim.runqtail), (259, 264), "victim's (runqhead, runqtail)")


@public
def test_stolen_slots_are_cleared(sol):
    """The victim's slots that were stolen from hold None afterwards.

    A stale reference would keep a dead G alive (Go's ring holds guintptrs
    the garbage collector does not see; Python's would)."""
    rt, p, victim = _setup()
    gs = _gs(8)
    _fill(victim, gs)
    sol.runqsteal(rt, p, victim, False)
    left = [x.goid for x in victim.runq if x is not None]
    expect(sorted(left), [5, 6, 7, 8], "Gs still referenced by the victim's slots")


@public
def test_a_steal_is_recorded_in_the_trace(sol):
    """A steal is recorded in the trace: ("steal", p, g, n, victim.id).

    With tracing on (rt.tracing), a steal records
    rt.trace_event("steal", p, g, n, victim.id): n Gs taken, from which P
    (the notebook's views draw steals from these events)."""
    events = []
    rt, p, victim = _setup(3, trace=events)
    victim = rt.allp[2]
    _fill(victim, _gs(6))
    g = sol.runqsteal(rt, p, victim, False)
    steals = [e for e in events if e.kind == "steal"]
    expect([(e.p, e.goid, e.detail) for e in steals], [(0, _goid(g), (3, 2))],
           "steal events as (p, goid, (n, victim))")
    events.clear()
    sol.runqsteal(rt, p, rt.allp[1], False)
    expect([e.kind for e in events], [], "events recorded for a steal that found nothing")


@hidden
def test_a_full_ring_loses_half(sol):
    """A full ring of 256 Gs loses 128: 127 go to the thief's ring and the 128th is returned."""
    rt, p, victim = _setup()
    _fill(victim, _gs(256))
    g = sol.runqsteal(rt, p, victim, False)
    expect(_goid(g), 128, "the G runqsteal returns")
    expect(_ring(p), list(range(1, 128)), "thief's ring")
    expect(_ring(victim), list(range(129, 257)), "victim's ring")


def _spawn_program(n, cost, spawn_cost):
    from reference_runtime import WaitGroup, go, now, work

    def main():
        wg = WaitGroup()
        for _ in range(n):
            wg.add(1)
            go(lambda: (work(cost), wg.done()))
            work(spawn_cost)
        wg.wait()
        return now()
    return main


@hidden
def test_four_ps_share_the_work_of_one_spawner(sol):
    """Four Ps share the work of one spawner (a whole program, your runqsteal inside).

    One goroutine spawns 40 CPU-bound goroutines (2 ms each) on 4 Ps, pausing 0.1 ms per
    spawn.  The idle Ps, woken by wakep, must steal: every P runs
    goroutines and the program ends in about a quarter of the serial time."""
    from reference_runtime.sched import Runtime
    events = []
    rt = Runtime(gomaxprocs=4, clock="virtual", seed=1, trace=events,
                 parts={"runqsteal": sol.runqsteal})
    t = rt.run_main(_spawn_program(40, 0.002, 0.0001), ())
    expect(sorted({e.p for e in events if e.kind == "run" and e.goid != 1}), [0, 1, 2, 3],
           "Ps that ran the spawned goroutines")
    expect(t < 0.040, True, f"finished in under 40 ms of virtual time (serial: 84 ms; got {t * 1000:.1f} ms)")


@hidden
def test_the_schedule_is_gos(sol):
    """With your runqsteal the scheduler makes Go's choices, run for run.

    Same seed, same virtual clock: the scheduler makes exactly the choices it makes with Go's algorithm (compared run event by
    run event, on 4 Ps with 300 goroutines)."""
    from reference_runtime import runq
    from reference_runtime.sched import Runtime

    def runs(part):
        events = []
        rt = Runtime(gomaxprocs=4, clock="virtual", seed=7, trace=events,
                     parts={"runqsteal": part})
        rt.run_main(_spawn_program(300, 0.001, 0.00002), ())
        return decisions(events)

    def go_runqsteal(rt, p, victim, steal_runnext):   # Go's, as a replaced part too
        return runq.runqsteal(rt, p, victim, steal_runnext)

    expect(runs(sol.runqsteal), runs(go_runqsteal), "run events (time, p, goid)")


STARTER = '''\
RUNQ_SIZE = 256

def runqsteal(rt, p, victim, steal_runnext):
    """P p has nothing to run: steal work from P victim's run queue.
    Return the G p runs now, or None if there was nothing to take."""
    ...
'''


def _reference():
    from reference_runtime import runq
    return {"runqsteal": runq.runqsteal}


EXERCISE = Exercise(
    id="steal",
    notebook="06",
    number=1,
    title="Work stealing: runqsteal",
    points=10,
    provides=["runqsteal"],
    statement=(
        "Write Go's runqsteal (Go 1.19, runtime/proc.go runqsteal and its helper "
        "runqgrab): an idle P p takes work from another P, the victim, so that no P idles "
        "while another has a queue. runqsteal(rt, p, victim, steal_runnext) returns the G "
        "p runs at once, or None when there was nothing to take. The rules: "
        "(1) it takes half of the Gs in the victim's ring, rounded up (runqgrab's "
        "n - n/2: 5 -> 3, 1 -> 1), from the head, the oldest, leaving the rest; the ring "
        "is positions runqhead .. runqtail-1 that only grow, in slots position % 256, so "
        "a steal works across the end of the array; "
        "(2) the slots taken are cleared (None) and victim.runqhead moves past them; "
        "(3) runnext is taken only when steal_runnext is True (stealWork's last pass) and "
        "the ring is empty: a G in runnext is about to run on its own P, so it is the "
        "thief's last resort; then victim.runnext is cleared; "
        "(4) the last G taken is returned, and the others go on p's ring, oldest first, "
        "through rt.runqput(rt, p, g, False), so that the runtime's own run queue (yours "
        "from 03.1 once it passes) is the one used; "
        "(5) with rt.tracing, a steal that took n Gs records rt.trace_event(\"steal\", "
        "p, g, n, victim.id) (the notebook's timeline draws steals from it); a steal that "
        "took nothing records nothing. "
        "Public tests build Ps by hand, one test per rule; hidden tests add a full ring and "
        "whole programs on 4 Ps with your runqsteal in the scheduler, which must make Go's "
        "choices run for run."),
    starter=STARTER,
    hints=[
        "Read runqgrab in Go 1.19's runtime/proc.go: it counts the Gs between head and "
        "tail, takes half of them, rounded up, from the head, and looks at runnext only "
        "when the ring is empty and stealRunNextG is set. runqsteal then keeps the last G "
        "grabbed for itself.",
        "head and tail count positions, not slots: which expression turns position "
        "runqhead + i into an index of victim.runq? And what should that slot hold once "
        "its G has left?",
        "The order on p's ring matters (the scheduler's choices are compared with Go's): "
        "the Gs taken stay in the order they had on the victim, and the last one is the "
        "one returned.",
        "In code: `n = victim.runqtail - victim.runqhead; n -= n // 2`; take "
        "`victim.runq[(victim.runqhead + i) % RUNQ_SIZE]` for i in range(n), setting each "
        "slot to None, then `victim.runqhead += n`; if nothing was taken and "
        "steal_runnext and victim.runnext is not None, take it and clear it; "
        "`g = batch.pop()`; `rt.runqput(rt, p, g2, False)` for the rest; the trace event "
        "with n = len(batch) + 1; return g.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
)
