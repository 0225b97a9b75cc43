"""Exercise 03.2: the scheduling choice on one P — nextg (the queue part of
Go's schedule/findRunnable in proc.go: the 61st-schedule check, runqget,
globrunqget)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public
from exercises.defs._support import decisions, gs as _gs


def _setup(n_ps: int = 1, schedtick: int = 1):
    from reference_runtime.sched import Runtime
    rt = Runtime(gomaxprocs=n_ps, clock="virtual")
    p = rt.allp[0]
    p.schedtick = schedtick
    return rt, p


def _local(rt, p, gs, runnext=None):
    for g in gs:
        rt.runqput(rt, p, g, False)
    if runnext is not None:
        p.runnext = runnext


def _ring(p):
    return [p.runq[i % 256].goid for i in range(p.runqhead, p.runqtail)]


def _got(res):
    g, inherit = res
    return (None if g is None else g.goid, inherit)


# -- public ------------------------------------------------------------------

@public
def test_runnext_first_and_it_inherits_the_time_slice(sol):
    """With Gs in runnext and the ring, nextg returns runnext's G with inherit=True.

    Go's runqget: "If there's a runnext, it's the next G to run"; it shares
    the time slice of the G that readied it (so schedtick does not advance)."""
    rt, p = _setup(schedtick=5)
    a, b, c = _gs(3)
    _local(rt, p, [a, b], runnext=c)
    expect(_got(sol.nextg(rt, p)), (3, True), "nextg(p) -> (goid, inherit)")
    expect(_got(sol.nextg(rt, p)), (1, False), "second nextg(p)")


@public
def test_the_global_queue_when_the_local_one_is_empty(sol):
    """With the local queues empty, nextg returns the head of the global queue rt.runq,
    with inherit=False."""
    rt, p = _setup(schedtick=5)
    rt.runq.extend(_gs(1, first=7))
    expect(_got(sol.nextg(rt, p)), (7, False), "nextg(p)")
    expect(len(rt.runq), 0, "Gs left in the global queue")


@public
def test_every_61st_schedule_looks_at_the_global_queue_first(sol):
    """When p.schedtick % 61 == 0 and the global queue is not empty, its head runs even
    though the local queues have Gs.

    Go's findRunnable: "Check the global runnable queue once in a while to
    ensure fairness. Otherwise two goroutines can completely occupy the
    local runqueue by constantly respawning each other." """
    rt, p = _setup(schedtick=61)
    _local(rt, p, _gs(3), runnext=_gs(1, first=10)[0])
    rt.runq.extend(_gs(2, first=20))
    expect(_got(sol.nextg(rt, p)), (20, False), "nextg(p) at schedtick 61")


@public
def test_on_the_61st_schedule_an_empty_global_queue_falls_back_to_the_local_one(sol):
    """At schedtick 122 with the global queue empty, the local queues serve as usual,
    runnext first."""
    rt, p = _setup(schedtick=122)
    a, b = _gs(2)
    _local(rt, p, [a], runnext=b)
    expect(_got(sol.nextg(rt, p)), (2, True), "nextg(p) at schedtick 122")


@public
def test_nothing_to_run_gives_none(sol):
    """With nothing in runnext, the ring or the global queue, nextg returns (None, False)."""
    rt, p = _setup(schedtick=61)
    expect(_got(sol.nextg(rt, p)), (None, False), "nextg(empty P, empty global queue)")


@public
def test_other_schedticks_keep_the_local_queue_first(sol):
    """At schedtick 60, 62 or 1, with Gs in the ring and in the global queue, the local
    queue comes first: the fairness check is p.schedtick % 61 == 0 only."""
    for tick in (60, 62, 1):
        rt, p = _setup(schedtick=tick)
        _local(rt, p, _gs(2))
        rt.runq.extend(_gs(2, first=20))
        expect(_got(sol.nextg(rt, p)), (1, False), f"nextg(p) at schedtick {tick}")


@public
def test_the_61st_schedule_takes_exactly_one_g_from_the_global_queue(sol):
    """The fairness check takes exactly one G from the global queue (globrunqget(rt, p,
    1)): the other nine stay there and nothing moves to p's ring."""
    rt, p = _setup(schedtick=183)
    _local(rt, p, _gs(2))
    rt.runq.extend(_gs(10, first=20))
    expect(_got(sol.nextg(rt, p)), (20, False), "nextg(p) at schedtick 183")
    expect(len(rt.runq), 9, "Gs left in the global queue")
    expect(_ring(p), [1, 2], "p's ring")


@public
def test_an_empty_local_queue_takes_a_batch_from_the_global_one(sol):
    """With the local queues empty, nextg takes a batch from the global queue
    (globrunqget(rt, p, 0) moves len/GOMAXPROCS + 1 Gs: one runs, the rest go to p's
    ring): with 2 Ps and 10 global Gs, 6 move."""
    rt, p = _setup(n_ps=2, schedtick=3)
    rt.runq.extend(_gs(10, first=1))
    expect(_got(sol.nextg(rt, p)), (1, False), "nextg(p)")
    expect(_ring(p), [2, 3, 4, 5, 6], "p's ring after the batch")
    expect([g.goid for g in rt.runq], [7, 8, 9, 10], "global queue after the batch")


@public
def test_the_queues_are_reached_through_the_runtimes_parts(sol):
    """nextg reaches the queues through the runtime's parts, rt.runqget and
    rt.globrunqget, with max 1 for the fairness check and 0 for the batch, so that the
    runtime's own (your runq from 03.1) is the one used."""
    rt, p = _setup(schedtick=61)
    calls = []
    real_get, real_glob = rt.runqget, rt.globrunqget
    rt.runqget = lambda p_: (calls.append("runqget"), real_get(p_))[1]
    rt.globrunqget = lambda rt_, p_, m: (calls.append(f"globrunqget(max={m})"),
                                         real_glob(rt_, p_, m))[1]
    _local(rt, p, _gs(1))
    rt.runq.extend(_gs(1, first=5))
    sol.nextg(rt, p)                                 # schedtick 61: the global queue
    p.schedtick = 62
    sol.nextg(rt, p)                                 # the local ring
    rt.runq.extend(_gs(1, first=9))
    sol.nextg(rt, p)                                 # local empty: the global queue
    expect(calls, ["globrunqget(max=1)", "runqget", "runqget", "globrunqget(max=0)"],
           "parts called, in order")


# -- hidden ------------------------------------------------------------------

def _program_parts(sol):
    return {"nextg": sol.nextg}


@hidden
def test_a_goroutine_in_the_global_queue_runs_at_the_61st_schedule(sol):
    """One P, 150 goroutines in the local queue, one that yielded to the global queue: with
    your nextg it runs after 60 of the others (Go's fairness), not after all of them."""
    from reference_runtime import WaitGroup, go, gosched
    from reference_runtime.sched import Runtime

    def main():
        order = []
        wg = WaitGroup()
        wg.add(151)

        def yielder():
            gosched()
            order.append("X")
            wg.done()
        go(yielder)
        for i in range(150):
            go(lambda i=i: (order.append(i), wg.done()))
        wg.wait()
        return order

    order = Runtime(gomaxprocs=1, clock="virtual", parts=_program_parts(sol)).run_main(main, ())
    expect(order.index("X"), 60, "goroutines that ran before the one in the global queue")
    expect(sorted(x for x in order if x != "X"), list(range(150)), "every goroutine ran once")


@hidden
def test_two_yielding_goroutines_alternate_but_every_61st_schedule_repeats_one(sol):
    """Two goroutines calling gosched in a loop alternate, except that every 61st schedule
    one runs twice in a row (measured in Go 1.19 too)."""
    from reference_runtime import WaitGroup, go, gosched
    from reference_runtime.sched import Runtime

    def main():
        out = []
        wg = WaitGroup()
        wg.add(2)

        def f(name):
            for _ in range(100):
                out.append(name)
                gosched()
            wg.done()
        go(f, "A")
        go(f, "B")
        wg.wait()
        return "".join(out)

    s = Runtime(gomaxprocs=1, clock="virtual", parts=_program_parts(sol)).run_main(main, ())
    repeats = [i for i in range(1, len(s)) if s[i] == s[i - 1]]
    expect(repeats[:3], [61, 122, 183], "positions where a goroutine ran twice in a row")


@hidden
def test_the_schedule_is_gos_on_several_ps(sol):
    """With your nextg, 3 Ps make Go's choices run for run (seeded, virtual clock): spawns,
    CPU work with preemption, channels, sleeps and gosched."""
    from reference_runtime import WaitGroup, chan, go, gosched, sleep, work
    from reference_runtime import sched
    from reference_runtime.sched import Runtime

    def main():
        c = chan(2)
        wg = WaitGroup()
        for i in range(40):
            wg.add(1)

            def body(i=i):
                work(0.003 * (i % 4 + 1))
                if i % 3 == 0:
                    sleep(0.001)
                if i % 5 == 0:
                    gosched()
                c.send(i)
                wg.done()
            go(body)

        def drain():
            for _ in range(40):
                c.recv()
        go(drain)
        wg.wait()

    def runs(part):
        events = []
        Runtime(gomaxprocs=3, clock="virtual", seed=5, trace=events,
                parts={"nextg": part}).run_main(main, ())
        return decisions(events)

    def go_nextg(rt, p):                      # Go's, plugged in the same way
        return sched.nextg(rt, p)

    expect(runs(sol.nextg), runs(go_nextg), "run events (time, p, goid)")


STARTER = '''\
GLOBAL_CHECK_PERIOD = 61

def nextg(rt, p):
    """The next G for P p from the run queues and whether it inherits the
    time slice: (g, inherit), or (None, False) when every queue is empty
    (the queue part of Go's findRunnable).

    The local queues (rt.runqget(p)) come first, except that every 61st
    schedule the global queue rt.runq gets one G run first (fairness);
    when the local queues are empty, a batch from the global queue
    (rt.globrunqget(rt, p, max)).  A G from the global queue never
    inherits."""
    ...
'''


def _reference():
    from reference_runtime import sched
    return {"nextg": sched.nextg}


EXERCISE = Exercise(
    id="schedule",
    notebook="03",
    number=2,
    title="The scheduling choice: runnext, the local queue, the global queue, and 61",
    points=10,
    provides=["nextg"],
    statement=(
        "Write nextg(rt, p), the part of Go's schedule and findRunnable (runtime/proc.go) "
        "that chooses a P's next goroutine from the run queues; it returns (g, inherit), or "
        "(None, False) when there is nothing. What must hold: "
        "(1) The local queues come first, through rt.runqget(p): runnext, whose G inherits "
        "the time slice, then the ring. Local work needs no lock and is hot in the cache. "
        "(2) Except every 61st schedule: when p.schedtick % 61 == 0 and the global queue "
        "rt.runq is not empty, exactly one G from it runs first, rt.globrunqget(rt, p, 1). "
        "Go's comment: \"Check the global runnable queue once in a while to ensure "
        "fairness. Otherwise two goroutines can completely occupy the local runqueue by "
        "constantly respawning each other.\" On other ticks, or with the global queue "
        "empty, the local queues serve as usual. "
        "(3) Local queues empty: a batch from the global queue, rt.globrunqget(rt, p, 0) "
        "(it takes len/GOMAXPROCS + 1 Gs at most: one to run, the others onto p's ring, "
        "so one trip to the global queue's lock serves many schedules). "
        "(4) A G from the global queue never inherits the time slice (inherit=False). "
        "(5) The queues are reached through rt's parts, rt.runqget and rt.globrunqget, so "
        "that the runtime's own (your runq from 03.1 once it passes) is the one used."),
    starter=STARTER,
    hints=[
        "nextg is a priority order with one exception for fairness. Read findRunnable in "
        "Go's runtime/proc.go, from its top to the first \"local runq\" and \"global runq\" "
        "comments: which queue is tried first, and when does that change?",
        "The fairness check needs two conditions, the tick and a non-empty global queue; "
        "when either fails the local queues come first. How many Gs may it take? Compare "
        "the max argument Go passes to globrunqget there and after the local queue.",
        "Parts are called through rt: rt.runqget(p) returns a pair, rt.globrunqget(rt, p, m) "
        "a G or None. if p.schedtick % GLOBAL_CHECK_PERIOD == 0 and rt.runq: g = "
        "rt.globrunqget(rt, p, 1) and return (g, False) if it is not None; then "
        "g, inherit = rt.runqget(p) ...; then rt.globrunqget(rt, p, 0).",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
)
