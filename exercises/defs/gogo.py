"""Exercise 02.1: switching goroutines on greenlets — gosave, gogo and mcall
(Go's runtime/asm_amd64.s), under a g0 scheduler."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public


def _sched(sol):
    from reference_runtime.models import context
    return context.Scheduler(gogo=sol.gogo, mcall=sol.mcall, gosave=sol.gosave)


@public
def test_gosave_records_the_running_greenlet_and_goroutine(sol):
    """gosave(m, buf) stores the greenlet running now in buf.glet and the goroutine
    running now, m.curg, in buf.g."""
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
    """park() returns the value given to ready(g, value): gogo hands the resumed context
    its buf.ret, as Go's gogo loads gobuf.ret into AX."""
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


@public
def test_mcall_saves_the_goroutine_and_hands_g0_fn_and_g(sol):
    """mcall(m, fn), called on a goroutine's greenlet, saves that greenlet in the
    goroutine's own g.sched, makes g0 current and switches to g0's greenlet with
    (fn, g); switching back resumes the goroutine, and mcall returns the value it
    was switched back with."""
    import greenlet
    from reference_runtime.models import context
    m = context.M()
    m.g0.sched.glet = greenlet.getcurrent()         # this test plays g0
    g = context.Goroutine(5)
    out = []

    def fn(gp):
        pass

    def body():
        out.append(sol.mcall(m, fn))

    glet = greenlet.greenlet(body)
    m.curg = g
    got = glet.switch()
    expect((got, m.curg is m.g0, g.sched.glet is glet, g.sched.g), ((fn, g), True, True, g),
           "((fn, g) received on g0, m.curg is g0, g.sched.glet is the goroutine's greenlet, "
           "g.sched.g)")
    m.curg = g
    glet.switch("resumed")
    expect(out, ["resumed"], "what mcall returned in the goroutine")


@public
def test_fn_runs_on_g0(sol):
    """mcall runs fn(g) on g0: inside fn the running greenlet is g0's, m.curg is m.g0,
    and fn gets the goroutine that called mcall; the goroutine resumes afterwards."""
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


@public
def test_ret_is_delivered_once(sol):
    """gogo hands buf.ret over once and clears it: after park() returned 5, the
    goroutine's next resume (after a gosched) brings None."""
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


@public
def test_an_exception_in_a_goroutine_reaches_run(sol):
    """An exception raised in a goroutine propagates to g0, its greenlet's parent, and
    out of run(), as an unrecovered Go panic ends the program."""
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
def test_a_goroutine_switches_from_deep_inside_nested_calls(sol):
    """A goroutine can yield 40 calls deep and carry on where it was: the switch is
    stackful."""
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
    """With 1,000 goroutines yielding 10 times each, g0's Python stack is as deep at the
    end as at the start: switching never nests."""
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
def test_a_ping_pong_of_ten_thousand_handoffs(sol):
    """Two goroutines hand a counter back and forth 10,000 times through park and
    ready, and both end with the final count."""
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
    """Save the running context in buf (Go's gosave): afterwards buf
    describes where the running code is (its greenlet) and which
    goroutine it is (m.curg)."""
    ...

def gogo(m, buf):
    """Resume the context in buf (Go's gogo): buf.g becomes the running
    goroutine and runs on, receiving buf.ret once.  A goroutine that has
    not run yet (buf.glet is None) starts buf.ctxt on a greenlet of its
    own whose parent is g0's.  Returns what the switch returns (on g0:
    the (fn, g) of the next mcall)."""
    ...

def mcall(m, fn):
    """Switch from the running goroutine g to g0, which runs fn(g) (Go's
    mcall).  g's context is kept in g.sched so that a later gogo resumes
    it here; returns what that gogo hands it."""
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
        "Write Go's three switch primitives (runtime/asm_amd64.s: gogo, mcall, and gosave, "
        "which Go 1.19 keeps as gosave_systemstack_switch) for "
        "goroutines on greenlets, as the g0 scheduler of reference_runtime/models/context.py "
        "calls them. A Gobuf holds a context: glet (the suspended greenlet: it stands for "
        "sp, pc and bp), g, ctxt (the function a goroutine not started yet will run; in Go "
        "the closure register DX) and ret (a value for the resumed code; Go's AX). m is "
        "the thread: m.g0 (the scheduler's context) and m.curg (the goroutine running "
        "now). What must hold: "
        "(1) gosave(m, buf) leaves in buf the running greenlet and m.curg. "
        "(2) gogo(m, buf) makes buf.g the running goroutine (m.curg) before it runs, then "
        "continues buf's context; a goroutine that has not started gets a greenlet "
        "running buf.ctxt whose parent is g0's greenlet, so that a goroutine that returns "
        "or raises lands in g0 (as Go's goexit returns to the scheduler, and a panic "
        "reaches it). "
        "(3) gogo hands the resumed code buf.ret exactly once and clears it: a value "
        "given by ready(g, v) is park()'s result, and a later resume does not see it "
        "again. "
        "(4) mcall(m, fn) saves the running goroutine's context in its own g.sched, makes "
        "g0 current (m.curg = m.g0) and switches to g0 with (fn, g); fn(g) then runs on "
        "g0's stack, never the goroutine's: in Go, mcall exists so that scheduler code "
        "(park_m, gosched_m, goexit0) runs on a stack that is not the one being switched "
        "away from. mcall returns what the goroutine is resumed with."),
    starter=STARTER,
    hints=[
        "A switch is save, then restore: gosave records where the current code is, gogo "
        "jumps to a saved place, and mcall is \"save the goroutine, jump to g0\". Read "
        "runtime·gogo and runtime·mcall in Go's runtime/asm_amd64.s (a dozen "
        "instructions each): which gobuf fields do they read, write and clear, and in "
        "what order?",
        "On greenlets a switch is the target greenlet's switch method, given a value: "
        "that value becomes what the other side's own pending switch call returns. So what mcall passes to "
        "g0 is what g0's gogo returns, and what gogo passes is what that goroutine's "
        "mcall returns. m.curg must be right before the switch, on both sides.",
        "A goroutine that has not run has no greenlet yet: create it in gogo with g0's "
        "greenlet as parent. buf.ret is for one resume only: take its value out and clear "
        "the field before you switch, since after the switch it is too late.",
        "gosave: buf.glet = greenlet.getcurrent(); buf.g = m.curg. gogo: m.curg = buf.g; "
        "if buf.glet is None: buf.glet = greenlet.greenlet(buf.ctxt, "
        "parent=m.g0.sched.glet); buf.ctxt = None; ret, buf.ret = buf.ret, None; return "
        "buf.glet.switch(ret). mcall: g = m.curg; gosave(m, g.sched); m.curg = m.g0; "
        "return m.g0.sched.glet.switch((fn, g)).",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="model",
)
