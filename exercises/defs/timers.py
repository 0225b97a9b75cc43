"""Exercise 04.4: timers on a per-P heap — addtimer, deltimer, run_timers
(Go's runtime/time.go)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public


# --------------------------------------------------------------- helpers

def _rt(n_ps=1):
    """A runtime that is not running: its Ps and clock are plain fields, so
    the parts can be called directly (rt.vnow is the virtual clock)."""
    from reference_runtime.sched import Runtime
    return Runtime(gomaxprocs=n_ps, clock="virtual", preempt="off")


def _timer(log, name, period=0.0):
    """A runtime timer whose function appends its name to log."""
    from reference_runtime.timers import _RTimer
    return _RTimer(log.append, name, period)


def _entries(p):
    """p's heap entries, readable: (when, seq, the timer's name)."""
    return [(when, seq, getattr(t, "arg", t)) for when, seq, t in p.timers]


def _live(p):
    """The live entries of p's heap, soonest first: (when, name)."""
    return sorted((when, t.arg) for when, seq, t in p.timers if t.seq == seq)


def _run(main, *args, parts=None, seed=1):
    from reference_runtime.sched import Runtime
    return Runtime(gomaxprocs=1, clock="virtual", seed=seed, preempt="off",
                   parts=parts).run_main(main, args)


# --------------------------------------------------------------- public

@public
def test_addtimer_puts_an_entry_on_the_current_ps_heap(sol):
    """Go's addtimer: "adds a timer to the current P": the entry (when, seq,
    t) goes on rt.curp's heap p.timers, t.seq takes the next rt.timer_seq,
    t.when and t.p (Go's t.pp) are set.  With no current P, P0's heap."""
    rt = _rt(2)
    log = []
    t1, t2 = _timer(log, "a"), _timer(log, "b")
    rt.curp = rt.allp[1]
    sol.addtimer(rt, t1, 5.0)
    rt.curp = None
    sol.addtimer(rt, t2, 3.0)
    expect(_entries(rt.allp[1]), [(5.0, 1, "a")], "P1's heap, as (when, seq, timer's name)")
    expect(_entries(rt.allp[0]), [(3.0, 2, "b")], "P0's heap, as (when, seq, timer's name)")
    expect((t1.seq, t2.seq, rt.timer_seq), (1, 2, 2), "t1.seq, t2.seq, rt.timer_seq")
    expect((t1.when, t1.p is rt.allp[1], t2.p is rt.allp[0]), (5.0, True, True),
           "t1.when, t1.p is P1, t2.p is P0")


@public
def test_run_timers_fires_the_due_timers_soonest_first(sol):
    """Go's runtimer: timers whose when has passed run, soonest first, each
    calling t.f(t.arg); later ones stay on the heap; a fired one-shot timer
    is no longer active (t.seq == -1)."""
    rt = _rt()
    p = rt.allp[0]
    log = []
    ts = {name: _timer(log, name) for name in "abcd"}
    for name, when in (("c", 3.0), ("a", 1.0), ("d", 4.0), ("b", 2.0)):
        sol.addtimer(rt, ts[name], when)
    rt.vnow = 2.5
    sol.run_timers(rt, p)
    expect(log, ["a", "b"], "timers fired at t=2.5")
    expect(_live(p), [(3.0, "c"), (4.0, "d")], "live timers left on the heap")
    expect((ts["a"].seq, ts["b"].seq), (-1, -1), "seq of the fired timers")
    rt.vnow = 10.0
    sol.run_timers(rt, p)
    expect(log, ["a", "b", "c", "d"], "timers fired at t=10")
    expect(p.timers, [], "the heap at the end")


@public
def test_deltimer_stops_a_pending_timer(sol):
    """Go's deltimer "reports whether the timer was removed before it was
    run": True for a pending timer, which then never fires; False when it
    was already stopped or had fired."""
    rt = _rt()
    p = rt.allp[0]
    log = []
    a, b = _timer(log, "a"), _timer(log, "b")
    sol.addtimer(rt, a, 1.0)
    sol.addtimer(rt, b, 1.0)
    first = sol.deltimer(rt, a)
    again = sol.deltimer(rt, a)
    rt.vnow = 2.0
    sol.run_timers(rt, p)
    late = sol.deltimer(rt, b)
    expect((first, again, late), (True, False, False),
           "deltimer: pending, already stopped, already fired")
    expect(log, ["b"], "timers that fired")


@public
def test_a_reset_timer_fires_once_at_its_new_time(sol):
    """Go marks a stopped timer deleted instead of digging it out of the heap
    (the heap may be another P's); here its entry goes stale: stop + add
    gives t a new seq, the old (when, seq, t) entry no longer matches and is
    dropped when it reaches the top."""
    rt = _rt()
    p = rt.allp[0]
    log = []
    t = _timer(log, "t")
    sol.addtimer(rt, t, 1.0)
    sol.deltimer(rt, t)
    sol.addtimer(rt, t, 3.0)           # Timer.reset(3)
    rt.vnow = 1.5
    sol.run_timers(rt, p)
    at_15 = list(log)
    rt.vnow = 3.0
    sol.run_timers(rt, p)
    expect((at_15, log), ([], ["t"]), "fired by t=1.5, fired by t=3")


@public
def test_periodic_timers_rearm_skipping_missed_periods(sol):
    """A timer with t.period > 0 (a Ticker) is put back on the heap after it
    fires; periods that already passed are skipped, as Go's runtimer does
    ("Leave in heap but adjust next time to fire": when += period *
    (1 + -delta/period)): a 1 s ticker first checked at 3.5 s fires once
    and next at 4 s."""
    rt = _rt()
    p = rt.allp[0]
    log = []
    t = _timer(log, "tick", period=1.0)
    sol.addtimer(rt, t, 1.0)
    rt.vnow = 3.5
    sol.run_timers(rt, p)
    expect((log, t.when, _live(p)), (["tick"], 4.0, [(4.0, "tick")]),
           "fired, t.when, live heap after run_timers at 3.5")
    rt.vnow = 4.0
    sol.run_timers(rt, p)
    expect((len(log), t.when), (2, 5.0), "ticks and t.when after run_timers at 4.0")
    expect(sol.deltimer(rt, t), True, "deltimer of a running ticker")


@public
def test_a_ticker_stopped_by_its_own_function_stays_stopped(sol):
    """A ticker is re-armed before its function is called (Go's runOneTimer adjusts
    t.when, then unlocks and calls f), so a function that stops its own ticker with
    deltimer stops it for good: it fired once, deltimer said it was pending, and it
    never fires again."""
    from reference_runtime.timers import _RTimer
    rt = _rt()
    p = rt.allp[0]
    log = []

    def tick(arg):
        log.append((arg, sol.deltimer(rt, t)))

    t = _RTimer(tick, "tick", 1.0)
    sol.addtimer(rt, t, 1.0)
    for now in (1.0, 2.0, 3.0):
        rt.vnow = now
        sol.run_timers(rt, p)
    expect((log, t.seq, _live(p)), ([("tick", True)], -1, []),
           "(fired, deltimer's answer), t.seq, live heap after run_timers at 1, 2 and 3 s")


@public
def test_timers_due_together_fire_in_the_order_they_were_added(sol):
    """Timers due at the same time fire in the order they were started:
    entries with the same when come out by seq, the order of addtimer."""
    rt = _rt()
    p = rt.allp[0]
    log = []
    for name in "qwerty":
        sol.addtimer(rt, _timer(log, name), 1.0)
    rt.vnow = 1.0
    sol.run_timers(rt, p)
    expect(log, list("qwerty"), "firing order")


@public
def test_a_timer_function_may_start_another_timer(sol):
    """A timer's function may start timers (time.AfterFunc's function
    does, through a goroutine): one already due fires in the same
    run_timers call, a later one stays on the heap."""
    rt = _rt()
    p = rt.allp[0]
    log = []
    later = _timer(log, "later")
    now = _timer(log, "chained")

    def chain(arg):
        log.append(arg)
        sol.addtimer(rt, now, 1.0)
        sol.addtimer(rt, later, 9.0)

    from reference_runtime.timers import _RTimer
    sol.addtimer(rt, _RTimer(chain, "first"), 1.0)
    rt.vnow = 1.0
    sol.run_timers(rt, p)
    expect((log, _live(p)), (["first", "chained"], [(9.0, "later")]),
           "fired, live heap")


# --------------------------------------------------------------- hidden

@hidden
def test_the_heap_scales_to_many_timers(sol):
    """50,000 timers started in random order fire in order of when, within
    the time limit: a heap keeps each operation O(log n), as Go's 4-ary
    heap does."""
    import random
    rng = random.Random(5)
    rt = _rt()
    p = rt.allp[0]
    log = []
    whens = [rng.random() * 100 for _ in range(50_000)]
    for w in whens:
        sol.addtimer(rt, _timer(log, w), w)
    for step in range(1, 101):
        rt.vnow = float(step)
        sol.run_timers(rt, p)
    expect(log == sorted(whens), True, "timers fired in order of when")
    expect(len(log), 50_000, "timers fired")


@hidden
def test_sleep_timer_and_ticker_run_on_your_heap(sol):
    """Whole programs with your addtimer, deltimer and run_timers inside the
    runtime (virtual clock): sleeping goroutines wake at their times (Go
    1.19 wakes timers due together as 3, 4, 0, 1, 2: the last readied runs
    first, from runnext); Timer.stop before and after it fired; a Ticker;
    time.After in a select."""
    from reference_runtime import (Timer, Ticker, WaitGroup, after, go, now, select,
                                   sleep)

    def sleepers():
        out = []
        wg = WaitGroup()
        for i in range(5):
            wg.add(1)
            go(lambda i=i: (sleep(0.1), out.append(i), wg.done()))
        wg.wait()
        for d in (0.3, 0.1, 0.2):
            wg.add(1)
            go(lambda d=d: (sleep(d), out.append((d, round(now(), 9))), wg.done()))
        wg.wait()
        return out

    def stopping():
        t1, t2 = Timer(1.0), Timer(0.5)
        sleep(0.75)
        stopped = (t1.stop(), t2.stop())
        v = t2.c.recv()
        return stopped, round(v, 9), len(t1.c)

    def ticking():
        tk = Ticker(0.25)
        times = [round(tk.c.recv(), 9) for _ in range(4)]
        tk.stop()
        i, _ = select(tk.c.recv, after(1.0).recv)
        return times, i

    parts = {"addtimer": sol.addtimer, "deltimer": sol.deltimer, "run_timers": sol.run_timers}
    expect(_run(sleepers, parts=parts),
           [3, 4, 0, 1, 2, (0.1, 0.2), (0.2, 0.3), (0.3, 0.4)], "order of wakeups")
    expect(_run(stopping, parts=parts), ((True, False), 0.5, 0),
           "stop() results, t2's fire time, values in t1.c")
    expect(_run(ticking, parts=parts), ([0.25, 0.5, 0.75, 1.0], 1),
           "tick times, then the case chosen after stop()")


STARTER = '''\
import heapq

def addtimer(rt, t, when):
    """Start timer t so that it fires at `when` (seconds on the run's clock)."""
    ...

def deltimer(rt, t):
    """Stop timer t; return whether it was pending."""
    ...

def run_timers(rt, p):
    """Fire P p's timers that are due now."""
    ...
'''


def _reference():
    from reference_runtime import timers
    return {"addtimer": timers.addtimer, "deltimer": timers.deltimer,
            "run_timers": timers.run_timers}


EXERCISE = Exercise(
    id="timers",
    notebook="04",
    number=4,
    title="Timers: a heap per P, stale entries, periodic timers",
    points=15,
    provides=["addtimer", "deltimer", "run_timers"],
    statement=(
        "Write the timer parts of Go's runtime/time.go (Go 1.19: addtimer, deltimer, "
        "runtimer). A runtime timer t has fields when, period, f, arg, seq and p. Each P "
        "keeps its timers in a min-heap p.timers (heapq) of entries (when, seq, t), so the "
        "soonest is always at p.timers[0] and the scheduler can tell in O(1) whether one "
        "is due. The rules: "
        "(1) addtimer(rt, t, when) puts t on the current P's heap (rt.curp; P0's when "
        "there is none), as Go's addtimer \"adds a timer to the current P\", and records "
        "when and that P in t.when and t.p. "
        "(2) Every start gives t a fresh sequence number, the next value of the counter "
        "rt.timer_seq (1, 2, ...), kept in t.seq and in its entry; an entry is live only "
        "while its seq equals t.seq, and t.seq == -1 means t is not pending. "
        "(3) deltimer(rt, t) reports whether t was pending and leaves it not pending, "
        "without searching the heap: Go's deltimer only marks the timer timerDeleted, "
        "because the heap may belong to another P, and the owner drops it later. "
        "(4) run_timers(rt, p) fires every live entry of p's heap with when <= "
        "rt.nanotime(), soonest first, timers due at the same time in the order they were "
        "started, each by calling t.f(t.arg); stale entries are dropped unfired; entries "
        "not yet due stay. "
        "(5) A fired one-shot timer is no longer pending; a periodic one (t.period > 0, a "
        "Ticker) stays pending, re-armed at the first when + k*period after now: periods "
        "already missed are skipped, as runOneTimer does (\"adjust next time to fire\"), "
        "and it is re-armed before its function is called, so a function that stops its "
        "own ticker stops it. "
        "(6) A timer's function may start timers: one already due fires in the same "
        "run_timers call. "
        "The runtime uses your parts for sleep, Timer, Ticker, after and network "
        "deadlines. Public tests call your parts on a runtime's Ps directly (the virtual "
        "clock rt.vnow is a field they set); hidden tests add 50,000 timers and whole "
        "programs with your parts inside the runtime."),
    starter=STARTER,
    hints=[
        "Go never digs a stopped timer out of a heap: read deltimer and runOneTimer in Go "
        "1.19's runtime/time.go (timerDeleted). Here a stale entry plays that role: with "
        "only the entry (when, seq, t) and the timer t in hand, how can run_timers tell "
        "that the entry is out of date?",
        "heapq orders tuples field by field. In (when, seq, t), what does seq decide "
        "besides staleness, and why does it matter that it is unique? (Python must never "
        "have to compare two timer objects.)",
        "Two details of the firing loop: test the heap's top each time round (a timer's "
        "function may push an entry that is already due), and for a periodic timer count "
        "how many whole periods were missed since when, as runOneTimer does when it "
        "adjusts the next time to fire.",
        "The loop: `now = rt.nanotime()`, then `while p.timers and p.timers[0][0] <= now: "
        "when, seq, t = heapq.heappop(p.timers)`; skip it `if t.seq != seq`; for a periodic "
        "timer `t.when = when + t.period * (1 + int((now - when) / t.period))`, a new seq "
        "and `heapq.heappush(p.timers, (t.when, t.seq, t))`; else `t.seq = -1`; then "
        "`t.f(t.arg)`.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="runtime",
)
