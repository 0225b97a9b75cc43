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
    """Gs put with next=False come out in the order they went in, not inheriting time."""
    rt, p = _setup()
    gs = _gs(3)
    for g in gs:
        sol.runqput(rt, p, g, False)
    got = [sol.runqget(p) for _ in range(4)]
    expect([(g.goid if g else None, inh) for g, inh in got],
           [(1, False), (2, False), (3, False), (None, False)], "runqget results")


@public
def test_runnext_runs_first_and_inherits_the_time_slice(sol):
    """A G put with next=True sits in p.runnext and comes out first, with inherit=True."""
    rt, p = _setup()
    g1, g2 = _gs(2)
    sol.runqput(rt, p, g1, False)
    sol.runqput(rt, p, g2, True)
    expect(p.runnext, g2, "p.runnext after runqput(g2, next=True)")
    expect(sol.runqget(p), (g2, True), "first runqget")
    expect(sol.runqget(p), (g1, False), "second runqget")


@public
def test_a_new_runnext_kicks_the_old_one_to_the_tail(sol):
    """runqput(next=True) when runnext is taken moves the old runnext to the tail of the ring."""
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
    """The 257th put (next=False) finds the 256-slot ring full: the oldest 128
    plus the new G go, in order, to the global queue rt.runq."""
    rt, p = _setup()
    gs = _gs(257)
    for g in gs:
        sol.runqput(rt, p, g, False)
    expect(_ids(rt.runq), list(range(1, 129)) + [257], "global queue (rt.runq)")
    expect(p.runqtail - p.runqhead, 128, "Gs left in the ring")
    expect(sol.runqget(p)[0].goid, 129, "next G from the ring")


@hidden
def test_the_ring_indices_wrap_around(sol):
    """head and tail keep counting up; slots are used modulo 256."""
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


@hidden
def test_runqget_does_not_keep_a_reference_in_the_slot(sol):
    """A G taken from the ring must not stay referenced there (it would be kept alive)."""
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
    """Put g on P p's run queue.
    next=True: g goes to p.runnext; a G already there moves to the tail of the ring.
    The ring is p.runq (256 slots); p.runqhead and p.runqtail only ever grow;
    the slot of position i is p.runq[i % 256].
    A full ring moves its oldest half, then g, to the global queue rt.runq (a deque)."""
    ...

def runqget(p):
    """Take the next G from p: runnext first, with inherit=True; else the head
    of the ring, with inherit=False.  Return (g, inherit), or (None, False)."""
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
        "Write Go's runqput and runqget (runtime/proc.go) for one P. A P holds a 256-slot ring "
        "of runnable Gs (p.runq, indexed by p.runqhead and p.runqtail modulo 256) and one "
        "runnext slot. runqput(rt, p, g, next) puts g at the tail, or with next=True into "
        "runnext (kicking the G there to the tail). When the ring is full, runqputslow moves "
        "the oldest half of it, then g, to the global queue rt.runq. runqget(p) returns "
        "(g, inherit): runnext first (inherit=True: it shares the current time slice), "
        "then the head of the ring."),
    starter=STARTER,
    hints=[
        "The ring is full when p.runqtail - p.runqhead == 256; it is empty when they are equal.",
        "For next=True: remember the old p.runnext, store g there, and if there was an old one, "
        "carry on putting *it* at the tail instead of g.",
        "Overflow: take n = 128 Gs from positions runqhead .. runqhead+127, advance runqhead "
        "by 128, and extend rt.runq with those Gs followed by g.",
        "In runqget, set the slot you took from to None before advancing runqhead.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
)
