"""Exercise 02.1: switching goroutines on greenlets — gosave, gogo and mcall
(Go's runtime/asm_amd64.s), under a g0 scheduler."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public


def _sched(sol):
    from reference_runtime.models import context
    return context.Scheduler(gogo=sol.gogo, mcall=sol.mcall, gosave=sol.gosave)


@public
def test_gosave_records_the_running_greenlet_and_goroutine(sol):
    """gosave(m, buf) stores the greenlet running now in buf.glet and m.curg in buf.g."""
    import greenlet
    from reference_runtime.models import context
    m = context.M()
    g = context.Goroutine(7)
    m.curg = g
    buf = context.Gobuf()
    sol.gosave(m, buf)
    expect((buf.glet is greenlet.getcurrent(), buf.g), (True, g), "(buf.glet is the running greenlet, buf.g)")


@public
def test_gogo_starts_a_goroutine_on_its_own_greenlet(sol):
    """gogo starts a new goroutine on a new greenlet running buf.ctxt, with m.curg set to it.

    The goroutine sees itself as m.curg and runs on a greenlet that is not
    g0's; when it returns, the scheduler finishes it."""
    import greenlet
    s = _sched(sol)
    seen = []

    def body():
        seen.append((s.m.curg.goid, greenlet.getcurrent() is not s.m.g0.sched.glet))

    s.go(body)
    expect(s.run(), [1], "goroutines finished")
    expect(seen, [(1, True)], "(m.curg.goid, on its own greenlet) inside the goroutine")


@public
def test_three_goroutines_take_turns(sol):
    """Three goroutines that gosched() after each step interleave round-robin.

    gosched is mcall(gosched_m): your mcall must save the goroutine and get
    to g0, and g0's gogo must resume it where it stopped."""
    s = _sched(sol)
    log = []

    def worker(name):
        for i in range(3):
            log.append(f"{name}{i}")
            s.gosched()

    for name in "abc":
        s.go(worker, name)
    s.run()
    expect(log, ["a0", "b0", "c0", "a1", "b1", "c1", "a2", "b2", "c2"], "order of steps")


@public
def test_a_parked_goroutine_gets_the_value_it_was_readied_with(sol):
    """park() returns the value given to ready(g, value): gogo hands the resumed context buf.ret."""
    s = _sched(sol)
    got = []
    waiter = []

    def receiver():
        waiter.append(s.current())
        got.append(s.park())

    def sender():
        s.ready(waiter[0], "hello")

    s.go(receiver)
    s.go(sender)
    s.run()
    expect(got, ["hello"], "values received by park()")


@hidden
def test_fn_runs_on_g0(sol):
    """mcall runs fn(g) on g0: inside fn, the running greenlet is g0's and m.curg is m.g0."""
    import greenlet
    s = _sched(sol)
    seen = []

    def fn(g):
        seen.append((greenlet.getcurrent() is s.m.g0.sched.glet, s.m.curg is s.m.g0, g.goid))
        s.runq.append(g)

    def body():
        sol.mcall(s.m, fn)
        seen.append("resumed")

    s.go(body)
    s.run()
    expect(seen, [(True, True, 1), "resumed"], "(fn on g0's greenlet, m.curg is g0, g) then resumed")


@hidden
def test_a_goroutine_switches_from_deep_inside_nested_calls(sol):
    """A goroutine can yield 40 calls deep and carry on where it was (a stackful switch)."""
    s = _sched(sol)
    log = []

    def dive(name, d):
        if d == 0:
            log.append(f"{name} bottom")
            s.gosched()
            log.append(f"{name} resumed")
            return 0
        return 1 + dive(name, d - 1)

    s.go(lambda: log.append(("a", dive("a", 40))))
    s.go(lambda: log.append(("b", dive("b", 40))))
    s.run()
    expect(log, ["a bottom", "b bottom", "a resumed", ("a", 40), "b resumed", ("b", 40)], "log")


@hidden
def test_g0_does_not_grow(sol):
    """1,000 goroutines yielding 10 times each: g0's Python stack is as deep at the end as at the start."""
    import sys
    s = _sched(sol)
    depths = []

    def probe(g):
        f, n = sys._getframe(), 0
        while f is not None:
            n, f = n + 1, f.f_back
        depths.append(n)
        s.runq.append(g)

    def worker():
        for _ in range(10):
            s.gosched()

    s.go(lambda: sol.mcall(s.m, probe))
    for _ in range(1000):
        s.go(worker)
    s.go(lambda: sol.mcall(s.m, probe))
    s.run()
    expect(len(depths), 2, "probes run on g0")
    expect(depths[1], depths[0], "depth of g0's stack at the end (it was the start's)")


@hidden
def test_ret_is_delivered_once(sol):
    """gogo clears buf.ret: after park() returned 5, the goroutine's next resume (a gosched) brings None."""
    s = _sched(sol)
    got = []
    box = []

    def receiver():
        box.append(s.current())
        got.append(s.park())
        got.append(sol.mcall(s.m, s._gosched_m))    # gosched, keeping what the resume hands back

    def sender():
        s.ready(box[0], 5)

    s.go(receiver)
    s.go(sender)
    s.run()
    expect(got, [5, None], "values the receiver was resumed with (park, then gosched)")


@hidden
def test_an_exception_in_a_goroutine_reaches_run(sol):
    """An exception raised in a goroutine propagates to g0 and out of run(), as a Go panic ends the program."""
    s = _sched(sol)

    def bad():
        s.gosched()
        raise ValueError("boom")

    s.go(bad)
    s.go(lambda: None)
    try:
        s.run()
    except ValueError as e:
        expect(str(e), "boom", "the exception's message")
    else:
        raise AssertionError("run() returned: the goroutine's ValueError was lost")


@hidden
def test_a_ping_pong_of_ten_thousand_handoffs(sol):
    """Two goroutines hand a counter back and forth 10,000 times through park/ready."""
    s = _sched(sol)
    gs = {}
    total = []

    def player(me, other, n):
        gs[me] = s.current()
        if me == "ping":
            s.gosched()                      # let pong park first
            v = 0
        else:
            v = s.park()
        while v < n:
            s.ready(gs[other], v + 1)
            v = s.park() if v + 1 < n else n
        total.append((me, v))

    s.go(player, "ping", "pong", 10_000)
    s.go(player, "pong", "ping", 10_000)
    s.run()
    expect(sorted(total), [("ping", 10_000), ("pong", 10_000)], "final counts")


STARTER = '''\
import greenlet

def gosave(m, buf):
    """Save the running context in buf (Go's gosave): buf.glet = the
    greenlet running now; buf.g = m.curg."""
    ...

def gogo(m, buf):
    """Resume the context in buf (Go's gogo). Make buf.g the running
    goroutine (m.curg). If buf.glet is None the goroutine has not started:
    give it greenlet.greenlet(buf.ctxt, parent=m.g0.sched.glet) (and clear
    buf.ctxt). Take buf.ret (and clear it), switch to buf.glet with it,
    and return what the switch returns (on g0: the (fn, g) of the next
    mcall)."""
    ...

def mcall(m, fn):
    """From the running goroutine g = m.curg: save its context in g.sched,
    make g0 the running goroutine (m.curg = m.g0), and switch to g0's
    greenlet (m.g0.sched.glet) with (fn, g): g0 will run fn(g). Return what
    the switch returns: the value gogo hands g when it is resumed."""
    ...
'''


def _reference():
    from reference_runtime.models import context
    return {"gosave": context.gosave, "gogo": context.gogo, "mcall": context.mcall}


EXERCISE = Exercise(
    id="gogo",
    notebook="02",
    number=1,
    title="Switching goroutines: gosave, gogo and mcall",
    points=15,
    provides=["gosave", "gogo", "mcall"],
    statement=(
        "Write Go's three switch primitives (runtime/asm_amd64.s) for goroutines on greenlets, "
        "as used by the g0 scheduler of reference_runtime/models/context.py. A Gobuf holds a "
        "context: glet (the suspended greenlet: it stands for sp, pc and bp), g, ctxt (the "
        "function a goroutine not started yet will run) and ret (a value for the resumed "
        "code). gosave(m, buf) saves the running context in buf. gogo(m, buf) makes buf.g the "
        "running goroutine and switches to buf's greenlet (creating it, with g0 as parent, on "
        "the first run), handing it buf.ret once. mcall(m, fn) saves the running goroutine in "
        "its g.sched, makes g0 current and switches to g0 with (fn, g); g0's schedule loop "
        "then runs fn(g) (put g back on the run queue, park it, ...) and gogo's the next one."),
    starter=STARTER,
    hints=[
        "gosave is two assignments: buf.glet = greenlet.getcurrent(); buf.g = m.curg.",
        "gogo: set m.curg = buf.g first. A fresh goroutine: buf.glet = greenlet.greenlet(buf.ctxt, "
        "parent=m.g0.sched.glet). Then ret, buf.ret = buf.ret, None and return buf.glet.switch(ret).",
        "mcall: g = m.curg; gosave(m, g.sched); m.curg = m.g0; return m.g0.sched.glet.switch((fn, g)). "
        "The tuple arrives on g0 as the return value of the gogo that resumed g.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="model",
)
