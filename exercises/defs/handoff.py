"""Exercise 06.3: a P left behind by a system call — handoffp (Go's handoffp, proc.go)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public


def _setup(n_ps=2, running=(), trace=None):
    """A runtime whose P0 has just been taken from an M blocked in a system
    call, as sysmon's retake leaves it (status idle, no M, in no list); the
    Ps in `running` are running with an M; the others are idle."""
    from reference_runtime.runq import PStatus
    from reference_runtime.sched import Runtime
    rt = Runtime(gomaxprocs=n_ps, trace=trace)
    p = rt.allp[0]
    rt._pidleget(p)
    p.status = PStatus.Pidle
    p.m = None
    for i in running:
        q = rt.allp[i]
        rt._pidleget(q)
        rt.startm(q, False)
    rt.readyps.clear()
    return rt, p


def _g(goid=1):
    from reference_runtime.g import G
    g = G()
    g.goid = goid
    return g


def _state(rt, p):
    """What handoffp decided, as (P status, has an M, M spinning, queued for a
    turn on the host, in the idle list, nmspinning, npidle)."""
    from reference_runtime.runq import PStatus
    return (PStatus.NAMES[p.status], p.m is not None, bool(p.m and p.m.spinning),
            p in rt.readyps, p in rt.pidle, rt.nmspinning, rt.npidle)


FIELDS = "(P status, has an M, M spinning, queued to run, in rt.pidle, rt.nmspinning, rt.npidle)"


@public
def test_a_p_with_local_work_gets_an_m_at_once(sol):
    """A P with goroutines of its own gets a plain M at once, startm(p, spinning=False): Go's "if it has local work, start it straight away"."""
    rt, p = _setup(2)
    p.runnext = _g()
    sol.handoffp(rt, p)
    expect(_state(rt, p), ("running", True, False, True, False, 0, 1), FIELDS)


@public
def test_work_on_the_global_queue_also_gets_an_m(sol):
    """Gs waiting on the global queue (rt.runq) count as work: p gets a plain M at once."""
    rt, p = _setup(2)
    rt.runq.append(_g())
    sol.handoffp(rt, p)
    expect(_state(rt, p), ("running", True, False, True, False, 0, 1), FIELDS)


@public
def test_with_no_work_and_an_idle_p_elsewhere_the_p_goes_idle(sol):
    """With no work and another P idle (rt.npidle > 0), p joins the idle list, without an M."""
    rt, p = _setup(2)
    sol.handoffp(rt, p)
    expect(_state(rt, p), ("idle", False, False, False, True, 0, 2), FIELDS)


@public
def test_with_no_work_and_no_one_looking_a_spinning_m_starts(sol):
    """With every other P busy and no M spinning, p gets a spinning M, in case work appears.

    Go: "no local work, check that there are no spinning/idle M's,
    otherwise our help is not required" -- here there are none, so
    nmspinning goes up by one and startm(p, spinning=True)."""
    rt, p = _setup(2, running=(1,))
    sol.handoffp(rt, p)
    expect(_state(rt, p), ("running", True, True, True, False, 1, 0), FIELDS)


@public
def test_a_spinning_m_elsewhere_means_no_help_is_needed(sol):
    """No work and no idle P, but an M is already spinning: it will find any
    work that appears, so p goes idle without an M."""
    rt, p = _setup(2, running=(1,))
    rt.nmspinning = 1
    rt.allp[1].m.spinning = True
    sol.handoffp(rt, p)
    expect(_state(rt, p), ("idle", False, False, False, True, 1, 1), FIELDS)


@public
def test_going_idle_is_recorded_in_the_trace(sol):
    """With tracing on, a P that goes idle records ("proc_stop", p), and one
    that gets an M records "proc_start" (startm does that one)."""
    events = []
    rt, p = _setup(2, trace=events)
    events.clear()
    sol.handoffp(rt, p)
    expect([(e.kind, e.p) for e in events], [("proc_stop", 0)], "events (kind, p)")
    events.clear()
    rt2, p2 = _setup(2, trace=events)
    events.clear()
    p2.runnext = _g()
    sol.handoffp(rt2, p2)
    expect([(e.kind, e.p) for e in events], [("proc_start", 0)], "events (kind, p)")


@hidden
def test_local_work_wins_over_everything_else(sol):
    """A ring with Gs gets a plain (non-spinning) M even when no one else is spinning and no P is idle."""
    rt, p = _setup(3, running=(1, 2))
    g = _g()
    p.runq[0] = g
    p.runqtail = 1
    sol.handoffp(rt, p)
    expect(_state(rt, p), ("running", True, False, True, False, 0, 0), FIELDS)


def _barrier_program(n_calls, barrier_timeout):
    import threading

    from reference_runtime import WaitGroup, go, gosched, syscall
    barrier = threading.Barrier(n_calls)
    progress_at_release = []

    def main():
        wg = WaitGroup()
        done = [False]
        counter = [0]

        def blocked(i):
            syscall(barrier.wait, barrier_timeout)
            progress_at_release.append(counter[0])
            wg.done()

        for i in range(n_calls):
            wg.add(1)
            go(blocked, i)

        def cpu():
            while not done[0]:
                counter[0] += 1
                gosched()
        go(cpu)
        wg.wait()
        done[0] = True
        return counter[0]
    return main, progress_at_release


@hidden
def test_four_blocking_calls_meet_at_a_barrier_on_one_p(sol):
    """GOMAXPROCS=1: four goroutines each block in barrier.wait() in a system call.

    The barrier opens only when all four calls run at once, on four OS
    threads: each call's P must be handed off (your handoffp) so that the
    next goroutine can run and enter its call; a fifth, CPU-only goroutine
    keeps making progress meanwhile."""
    from reference_runtime.sched import Runtime
    main, progress = _barrier_program(4, 2.0)
    total = Runtime(gomaxprocs=1, timeout=4, parts={"handoffp": sol.handoffp}).run_main(main, ())
    expect(len(progress), 4, "goroutines past the barrier")
    expect(total > 0 and max(progress) > 0, True, "the CPU goroutine ran while the calls blocked")


@hidden
def test_the_p_is_handed_off_between_the_two_calls(sol):
    """The trace of two calls meeting at a barrier under GOMAXPROCS=1 reads enter, handoff, enter.

    The first call keeps its P until sysmon retakes it and hands it off
    (your handoffp starts an M for it: the second goroutine is waiting);
    only then can the second goroutine run and enter its call."""
    import threading

    from reference_runtime import WaitGroup, go, syscall
    from reference_runtime.sched import Runtime
    events = []
    barrier = threading.Barrier(2)

    def main():
        wg = WaitGroup()
        wg.add(2)
        go(lambda: (syscall(barrier.wait, 2.0), wg.done()))
        go(lambda: (syscall(barrier.wait, 2.0), wg.done()))
        wg.wait()

    Runtime(gomaxprocs=1, timeout=4, trace=events, parts={"handoffp": sol.handoffp}).run_main(main, ())
    kinds = [e.kind for e in events if e.kind.startswith(("syscall", "handoff"))]
    expect(kinds[:3], ["syscall_enter", "handoff", "syscall_enter"], "first three syscall events")
    expect(kinds.count("syscall_exit"), 2, "syscall_exit events")


@hidden
def test_many_short_and_long_calls_on_two_ps(sol):
    """Twelve goroutines in system calls of 0 to 30 ms on 2 Ps all finish, with their results."""
    import time

    from reference_runtime import WaitGroup, go, syscall
    from reference_runtime.sched import Runtime

    def main():
        out = [None] * 12
        wg = WaitGroup()
        for i in range(12):
            wg.add(1)

            def body(i=i):
                out[i] = syscall(lambda: (time.sleep((i % 4) * 0.01), i * i)[1])
                wg.done()
            go(body)
        wg.wait()
        return out

    got = Runtime(gomaxprocs=2, timeout=4, parts={"handoffp": sol.handoffp}).run_main(main, ())
    expect(got, [i * i for i in range(12)], "results of the calls")


STARTER = '''\
def handoffp(rt, p):
    """sysmon took P p from an M blocked in a system call (p has no M and is
    in no list): give p an M, or put it on the idle list."""
    ...
'''


def _reference():
    from reference_runtime import sched
    return {"handoffp": sched.handoffp}


EXERCISE = Exercise(
    id="handoff",
    notebook="06",
    number=3,
    title="A P left behind by a system call: handoffp",
    points=8,
    provides=["handoffp"],
    statement=(
        "Write Go's handoffp (Go 1.19, runtime/proc.go handoffp). When a goroutine has "
        "been in a blocking system call for a sysmon tick, sysmon takes its P from the "
        "blocked M (retake) and calls handoffp(rt, p), so that the P's goroutines do not "
        "wait for the call to end. The rules, first match wins: "
        "(1) if p has goroutines of its own (its ring or runnext: p.runqempty() is False) "
        "or the global queue rt.runq has some, p gets a plain M at once, "
        "rt.startm(p, False): Go's \"if it has local work, start it straight away\"; "
        "(2) otherwise, if no M is spinning and no P is idle (rt.nmspinning + rt.npidle == "
        "0), p gets a spinning M, rt.startm(p, True), which handoffp itself counts in "
        "rt.nmspinning (startm only marks the M spinning, as Go's caller does): work "
        "may appear and no one else would look for it; "
        "(3) otherwise someone is already looking (a spinning M, or an idle P that wakep "
        "can start), so p goes idle without an M (rt._pidleput(p)), recording "
        "(\"proc_stop\", p) in the trace when rt.tracing. "
        "Public tests check each decision on a hand-built runtime (one test per rule and "
        "case); hidden tests run system calls through the runtime with your handoffp, among "
        "them four calls that must meet at a barrier under GOMAXPROCS=1."),
    starter=STARTER,
    hints=[
        "Read handoffp in Go 1.19's runtime/proc.go: it asks, in order, whether the P has "
        "work, whether anyone else is looking for work (nmspinning, npidle), and only then "
        "parks the P (pidleput). Which fields of rt are those counts here?",
        "Counting matters: rt.startm(p, True) marks the new M spinning, but the count of "
        "spinning Ms is yours to keep, as Go's handoffp increments sched.nmspinning "
        "itself. And runnext is work too.",
        "The idle case: p keeps no M, the trace gets its proc_stop event, and "
        "rt._pidleput(p) puts p on the idle list and counts it in rt.npidle.",
        "In code: `if not p.runqempty() or rt.runq: rt.startm(p, False); return`; `if "
        "rt.nmspinning + rt.npidle == 0: rt.nmspinning += 1; rt.startm(p, True); return`; "
        "`p.m = None`; `if rt.tracing: rt.trace_event(\"proc_stop\", p, None)`; "
        "`rt._pidleput(p)`.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
)
