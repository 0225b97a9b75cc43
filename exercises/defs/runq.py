"""Exercise 03.1: P's run queue — runqput and runqget (Go's proc.go)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public
from exercises.defs._support import gs as _gs


def _setup(n_ps: int = 1):
    from reference_runtime.sched import Runtime
    rt = Runtime(gomaxprocs=n_ps)
    return rt, rt.allp[0]


def _ids(gs):
    return [g.goid if g is not None else None for g in gs]


@public
def test_runqget_on_an_empty_p_returns_none(sol):
    """runqget(p) on a P with nothing queued returns (None, False)."""
    rt, p = _setup()
    expect(sol.runqget(p), (None, False), "runqget(empty P)")


@public
def test_the_ring_is_first_in_first_out(sol):
    """Gs put with next=False come out of the ring in the order they went in, with
    inherit=False, and an empty ring then gives (None, False)."""
    rt, p = _setup()
    gs = _gs(3)
    for g in gs:
        sol.runqput(rt, p, g, False)
    got = [sol.runqget(p) for _ in range(4)]
    expect([(g.goid if g else None, inh) for g, inh in got],
           [(1, False), (2, False), (3, False), (None, False)], "runqget results")


@public
def test_runnext_runs_first_and_inherits_the_time_slice(sol):
    """A G put with next=True sits in p.runnext and comes out before the ring's Gs, with
    inherit=True (it shares the time slice of the G that readied it)."""
    rt, p = _setup()
    g1, g2 = _gs(2)
    sol.runqput(rt, p, g1, False)
    sol.runqput(rt, p, g2, True)
    expect(p.runnext, g2, "p.runnext after runqput(g2, next=True)")
    expect(sol.runqget(p), (g2, True), "first runqget")
    expect(sol.runqget(p), (g1, False), "second runqget")


@public
def test_a_new_runnext_kicks_the_old_one_to_the_tail(sol):
    """runqput(next=True) when runnext is taken puts the new G in runnext and moves the
    old one to the tail of the ring, behind the Gs already there."""
    rt, p = _setup()
    g1, g2, g3 = _gs(3)
    sol.runqput(rt, p, g1, False)
    sol.runqput(rt, p, g2, True)
    sol.runqput(rt, p, g3, True)
    expect(p.runnext, g3, "p.runnext")
    expect(_ids(p.runq[p.runqhead % 256:p.runqtail % 256]), [1, 2], "the ring, head to tail")
    expect(_ids(sol.runqget(p)[0] for _ in range(3)), [3, 1, 2], "order of runqget")


@public
def test_a_full_ring_moves_half_of_it_and_the_new_g_to_the_global_queue(sol):
    """The 257th put (next=False) finds the 256-slot ring full, so the oldest 128 Gs and
    then the new G go, in that order, to the global queue rt.runq, and 128 stay in
    the ring."""
    rt, p = _setup()
    gs = _gs(257)
    for g in gs:
        sol.runqput(rt, p, g, False)
    expect(_ids(rt.runq), list(range(1, 129)) + [257], "global queue (rt.runq)")
    expect(p.runqtail - p.runqhead, 128, "Gs left in the ring")
    expect(sorted(g.goid for g in p.runq if g is not None), list(range(129, 257)),
           "Gs still referenced by the ring's slots (a slot moved to the global queue "
           "must be cleared)")
    expect(sol.runqget(p)[0].goid, 129, "next G from the ring")


@public
def test_the_overflow_joins_the_global_queue_behind_the_gs_already_there(sol):
    """The global queue is first in, first out too: a batch from a full ring goes behind
    the Gs already waiting there."""
    rt, p = _setup()
    waiting = _gs(2, first=1001)
    rt.runq.extend(waiting)
    for g in _gs(257):
        sol.runqput(rt, p, g, False)
    expect(_ids(rt.runq)[:3], [1001, 1002, 1],
           "the head of the global queue (rt.runq)")


@public
def test_the_ring_indices_wrap_around(sol):
    """p.runqhead and p.runqtail keep counting up past 256 and slots are used modulo 256:
    1,000 Gs put and taken through a ring that wraps about three times come out
    once each, in order, and none overflows to the global queue."""
    rt, p = _setup()
    gs = _gs(1000)
    out = []
    for g in gs[:200]:
        sol.runqput(rt, p, g, False)
    for g in gs[200:]:                 # 800 more puts, one get each: the ring wraps ~3 times
        sol.runqput(rt, p, g, False)
        out.append(sol.runqget(p)[0].goid)
    while True:
        g, _ = sol.runqget(p)
        if g is None:
            break
        out.append(g.goid)
    expect(out, list(range(1, 1001)), "every G once, in order")
    expect(list(rt.runq), [], "global queue")
    expect((p.runqhead, p.runqtail), (1000, 1000),
           "(p.runqhead, p.runqtail): they only grow, even when the ring empties")


@public
def test_runqget_does_not_keep_a_reference_in_the_slot(sol):
    """A G taken from the ring is no longer referenced by its slot (a reference left
    there would keep a dead goroutine's record alive)."""
    rt, p = _setup()
    g, = _gs(1)
    sol.runqput(rt, p, g, False)
    sol.runqget(p)
    expect([x for x in p.runq if x is not None], [], "slots still holding Gs")


@hidden
def test_the_runtime_runs_on_your_run_queue(sol):
    """A whole program, with your runqput/runqget inside the scheduler: the newest
    goroutine runs first (runnext), then the rest in order; with 300 goroutines
    the ring overflows into the global queue and every goroutine still runs once."""
    from reference_runtime import WaitGroup, go
    from reference_runtime.sched import Runtime

    def main(n):
        order = []
        wg = WaitGroup()
        for i in range(n):
            wg.add(1)
            go(lambda i=i: (order.append(i), wg.done()))
        wg.wait()
        return order

    parts = {"runqput": sol.runqput, "runqget": sol.runqget}
    order = Runtime(gomaxprocs=1, clock="virtual", parts=parts).run_main(main, (100,))
    expect(order[:4], [99, 0, 1, 2], "first goroutines to run")
    order = Runtime(gomaxprocs=1, clock="virtual", parts=parts).run_main(main, (300,))
    expect(sorted(order), list(range(300)), "every goroutine ran exactly once")
    expect(order[:3], [299, 128, 129], "first to run after the overflow (the oldest 128 went "
           "to the global queue)")


STARTER = '''\
RUNQ_SIZE = 256

def runqput(rt, p, g, next):
    """Make g runnable on P p (Go's runqput).

    next=False: g joins the tail of p's ring, p.runq, 256 slots that
    p.runqhead and p.runqtail (counters that only grow) index modulo 256.
    next=True: g becomes p.runnext, and a G already there joins the tail.
    A full ring sends its oldest half, then g, to the global queue rt.runq
    (a deque), as Go's runqputslow."""
    ...

def runqget(p):
    """The next G of P p and whether it inherits the time slice (Go's
    runqget): (g, True) for runnext, (g, False) for the ring's head,
    (None, False) when p has nothing."""
    ...
'''


def _reference():
    from reference_runtime import runq
    return {"runqput": runq.runqput, "runqget": runq.runqget}


EXERCISE = Exercise(
    id="runq",
    notebook="03",
    number=1,
    title="P's run queue: runqput and runqget",
    points=10,
    provides=["runqput", "runqget"],
    statement=(
        "Write Go's runqput and runqget (runtime/proc.go, with runqputslow) for one P. A P "
        "holds a ring of 256 runnable Gs, p.runq, and one runnext slot. What must hold: "
        "(1) p.runqhead and p.runqtail only ever grow, and position i lives in slot "
        "p.runq[i % 256] (Go's runq[t%uint32(len(pp.runq))]: the counters are free to "
        "wrap, so the ring never moves its contents). The ring is empty when they are "
        "equal, full when they differ by 256. "
        "(2) runqput(rt, p, g, next=False) puts g at the tail; runqget(p) takes the head: "
        "first in, first out. "
        "(3) runqput with next=True puts g in p.runnext and moves the G it replaces to the "
        "tail; runqget returns runnext before the ring, with inherit=True: a goroutine "
        "readied by the running one (a channel partner, say) runs next and shares the "
        "rest of its time slice, so communicating goroutines take turns quickly without "
        "starving the others. A G from the ring has inherit=False; an empty P gives "
        "(None, False). "
        "(4) A put into a full ring moves the oldest half of the ring, 128 Gs, then g, to "
        "the tail of the global queue rt.runq, in that order (runqputslow: one trip to "
        "the global queue's lock for a batch, and work other Ps can find). "
        "(5) A slot emptied, by runqget or by that move, no longer refers to its G (in "
        "Python a reference "
        "keeps the record alive; Go's ring holds guintptrs, which the garbage collector "
        "does not follow)."),
    starter=STARTER,
    hints=[
        "Two counters that only grow describe the ring entirely: their difference is the "
        "number of Gs in it, and each counter modulo 256 is a slot. Read runqput, "
        "runqputslow and runqget in Go's runtime/proc.go (ignore the atomics: one thread "
        "owns the P here).",
        "runnext is a one-place queue in front of the ring: with next=True, the G that "
        "was in runnext is the one that goes on to the ring's tail. runqputslow takes "
        "half of what the ring holds, from its head.",
        "Take the G out of its slot and set the slot to None before advancing runqhead; "
        "in the overflow, clear each slot you move too.",
        "Overflow: n = (p.runqtail - p.runqhead) // 2; batch = [p.runq[(p.runqhead + i) % "
        "RUNQ_SIZE] for i in range(n)] (clearing those slots); p.runqhead += n; "
        "rt.runq.extend(batch + [g]). runqget: if p.runnext is not None: g, p.runnext = "
        "p.runnext, None; return g, True.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
)
