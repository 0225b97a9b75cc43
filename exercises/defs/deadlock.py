"""Exercise 04.5: deadlock detection — checkdead (Go's runtime/proc.go)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public

ALL_ASLEEP = "all goroutines are asleep - deadlock!"
GOEXIT = "no goroutines (main called runtime.Goexit) - deadlock!"


# --------------------------------------------------------------- helpers

def _rt(n_ps=2, waiting=2):
    """A runtime that is not running, whose goroutines are all parked: the
    state checkdead sees when nothing can run.  Tests then change one thing."""
    from reference_runtime.g import G, Gwaiting
    from reference_runtime.sched import Runtime
    rt = Runtime(gomaxprocs=n_ps, clock="virtual", preempt="off")
    for i in range(waiting):
        g = G()
        g.goid = i + 1
        g.status = Gwaiting
        g.wait_reason = "chan receive"
        rt.allg.add(g)
    return rt


def _run(main, parts, *args):
    from reference_runtime.sched import Runtime
    return Runtime(gomaxprocs=1, clock="virtual", seed=1, preempt="off",
                   parts=parts).run_main(main, args)


def _report(sol, main, *args):
    """(message, goroutines) of the Deadlock a program ends with, or what it returned."""
    from reference_runtime import Deadlock
    try:
        return ("returned", _run(main, {"checkdead": sol.checkdead}, *args))
    except Deadlock as e:
        return (e.msg, e.goroutines)


# --------------------------------------------------------------- public

@public
def test_every_goroutine_waiting_is_a_deadlock(sol):
    """With nothing runnable, no timer and every goroutine waiting, checkdead
    returns Go's "all goroutines are asleep - deadlock!"."""
    expect(sol.checkdead(_rt()), ALL_ASLEEP, "checkdead with every goroutine parked")


@public
def test_a_queued_goroutine_is_not_a_deadlock(sol):
    """A runnable goroutine in any P's queue (ring or runnext) or in the global
    queue rt.runq will run: no deadlock (checkdead returns None)."""
    from reference_runtime.g import G, Grunnable
    got = []
    for where in ("ring", "runnext", "global"):
        rt = _rt()
        g = G()
        g.status = Grunnable
        rt.allg.add(g)
        p = rt.allp[1]
        if where == "ring":
            p.runq[0] = g
            p.runqtail = 1
        elif where == "runnext":
            p.runnext = g
        else:
            rt.runq.append(g)
        got.append((where, sol.checkdead(rt)))
    expect(got, [("ring", None), ("runnext", None), ("global", None)],
           "checkdead with a runnable G queued")


@public
def test_a_pending_timer_is_not_a_deadlock_but_a_stopped_one_is(sol):
    """Go: "There are no goroutines running, so we can look at the P's": a
    timer on any P's heap will fire and may wake someone.  A stopped timer's
    stale entry (entry seq != t.seq) wakes no one."""
    import heapq
    from reference_runtime.timers import _RTimer
    rt = _rt()
    t = _RTimer(print, None)
    t.seq = 7
    heapq.heappush(rt.allp[1].timers, (5.0, 7, t))
    live = sol.checkdead(rt)
    t.seq = -1                        # deltimer
    stale = sol.checkdead(rt)
    expect((live, stale), (None, ALL_ASLEEP), "checkdead with a pending timer, then stopped")


@public
def test_main_calling_goexit_with_nothing_left(sol):
    """With no goroutine at all after main called runtime.Goexit, checkdead
    returns Go's "no goroutines (main called runtime.Goexit) - deadlock!";
    a timer still pending then is not a deadlock (its function, an
    AfterFunc's, may start a goroutine): in Go the timer keeps an M waiting
    in the netpoller for it rather than going idle."""
    import heapq
    from reference_runtime.timers import _RTimer
    rt = _rt(waiting=0)
    rt.main_goexited = True
    alone = sol.checkdead(rt)
    t = _RTimer(print, None)
    t.seq = 7
    heapq.heappush(rt.allp[0].timers, (5.0, 7, t))
    expect((alone, sol.checkdead(rt)), (GOEXIT, None),
           "checkdead after main's Goexit with nothing left, then with a timer pending")


@public
def test_system_calls_network_waits_and_simulated_work_are_not_deadlocks(sol):
    """A goroutine in a system call (rt.nsyscall), parked on the network
    (rt.netpoller.waiters) or computing in simulated time (rt.busy) will come
    back, so checkdead must not declare a deadlock; a netpoller with no
    waiters keeps no one alive."""
    import types
    got = []
    rt = _rt()
    rt.nsyscall = 1
    got.append(("syscall", sol.checkdead(rt)))
    rt = _rt()
    rt.netpoller = types.SimpleNamespace(waiters=1)
    got.append(("network", sol.checkdead(rt)))
    rt = _rt()
    rt.netpoller = types.SimpleNamespace(waiters=0)
    got.append(("idle network", sol.checkdead(rt)))
    rt = _rt()
    rt.busy = [(1.0, 1, rt.allp[0])]
    got.append(("work", sol.checkdead(rt)))
    expect(got, [("syscall", None), ("network", None), ("idle network", ALL_ASLEEP),
                 ("work", None)], "checkdead in each case")


@public
def test_a_goroutine_that_is_not_waiting_is_not_a_deadlock(sol):
    """A goroutine in any state but waiting (runnable, running, in a
    syscall) is not asleep, so there is no deadlock.  (Go throws "checkdead:
    runnable g" when it finds one in no queue; the runtime reports that case
    itself.)"""
    from reference_runtime.g import G, Grunnable, Grunning, Gsyscall
    got = []
    for st in (Grunnable, Grunning, Gsyscall):
        rt = _rt()
        g = G()
        g.status = st
        rt.allg.add(g)
        got.append(sol.checkdead(rt))
    expect(got, [None, None, None], "checkdead with a runnable, running, syscall G")


@public
def test_goexit_with_goroutines_still_waiting_is_the_usual_deadlock(sol):
    """Main called Goexit but another goroutine is still parked: Go counts
    it (grunning > 0) and reports "all goroutines are asleep", not the
    Goexit message."""
    rt = _rt(waiting=1)
    rt.main_goexited = True
    expect(sol.checkdead(rt), ALL_ASLEEP, "checkdead")


@public
def test_a_program_blocked_on_a_channel_gets_gos_report(sol):
    """A whole program with your checkdead in the scheduler: main waits on a
    channel nobody will send to; the run ends with Go's report."""
    from reference_runtime import chan

    expect(_report(sol, lambda: chan().recv()), (ALL_ASLEEP, [(1, "chan receive")]),
           "(message, goroutines) of the run")


# --------------------------------------------------------------- hidden

@hidden
def test_whole_programs_end_with_gos_reports(sol):
    """Programs run with your checkdead: a WaitGroup waiting for a goroutine
    stuck on a Mutex (both listed, in goroutine order, with their wait
    reasons); main calling goexit() after the others finished; a select {}
    with a sleeper that finishes first; and programs that sleep and finish
    normally (no false deadlock)."""
    from reference_runtime import Mutex, WaitGroup, go, goexit, select, sleep

    def sync_stuck():
        wg, mu = WaitGroup(), Mutex()
        mu.lock()
        wg.add(1)
        go(lambda: (mu.lock(), wg.done()))
        wg.wait()

    def goexit_main():
        go(lambda: sleep(0.1))
        goexit()

    def select_forever():
        go(lambda: sleep(1.0))
        select()

    def fine():
        out = []
        wg = WaitGroup()
        for i in range(3):
            wg.add(1)
            go(lambda i=i: (sleep(0.1 * (3 - i)), out.append(i), wg.done()))
        wg.wait()
        return out

    expect(_report(sol, sync_stuck),
           (ALL_ASLEEP, [(1, "sync.WaitGroup.Wait"), (2, "sync.Mutex.Lock")]),
           "WaitGroup and Mutex deadlock")
    expect(_report(sol, goexit_main), (GOEXIT, []), "main's Goexit")
    expect(_report(sol, select_forever), (ALL_ASLEEP, [(1, "select (no cases)")]),
           "select {} after the sleeper finished")
    expect(_report(sol, fine), ("returned", [2, 1, 0]), "a program that finishes")


@hidden
def test_the_report_reads_like_gos(sol):
    """str() of the Deadlock is what Go prints: "fatal error: all goroutines
    are asleep - deadlock!", a blank line, then "goroutine 1 [chan send]:"
    and the goroutine's frames."""
    from reference_runtime import Deadlock, chan

    def main():
        chan().send(1)

    try:
        _run(main, {"checkdead": sol.checkdead})
        text = "returned"
    except Deadlock as e:
        text = str(e)
    expect(text.splitlines()[:3],
           ["fatal error: all goroutines are asleep - deadlock!", "",
            "goroutine 1 [chan send]:"], "the first three lines of the report")


STARTER = '''\
from gokernel.rt import Gwaiting

ALL_ASLEEP = "all goroutines are asleep - deadlock!"
GOEXIT = "no goroutines (main called runtime.Goexit) - deadlock!"

def checkdead(rt):
    """Called when no P has a goroutine to run.  Return Go's message
    (ALL_ASLEEP or GOEXIT) if no goroutine can ever run again, else None."""
    ...
'''


def _reference():
    from reference_runtime import sched
    return {"checkdead": sched.checkdead}


EXERCISE = Exercise(
    id="deadlock",
    notebook="04",
    number=5,
    title="Deadlock detection: checkdead",
    points=10,
    provides=["checkdead"],
    statement=(
        "Write Go's checkdead (Go 1.19, runtime/proc.go checkdead). The scheduler calls "
        "checkdead(rt) when no P has a goroutine to run; it returns Go's message if no "
        "goroutine can ever run again, else None. A deadlock is declared only when nothing "
        "can still make a goroutine runnable. So it is NOT a deadlock while: "
        "(1) a goroutine is in a system call (rt.nsyscall > 0) or in simulated work "
        "(rt.busy non-empty): it will come back (Go counts the Ms that are running); "
        "(2) a goroutine waits on the network (rt.netpoller is not None and "
        "rt.netpoller.waiters > 0): the poller will wake it; "
        "(3) any goroutine in rt.allg is not waiting (status not Gwaiting): runnable "
        "(on a P's queue, in runnext or on the global queue rt.runq), running, or in a "
        "system call, it will run again; "
        "(4) a live timer sits on any P's heap (an entry (when, seq, t) with t.seq == "
        "seq): Go looks at the Ps' timers because \"there are no goroutines running\"; a "
        "stopped timer's stale entry wakes no one. "
        "Otherwise it is a deadlock, with Go's two messages: 'no goroutines (main called "
        "runtime.Goexit) - deadlock!' when main called goexit (rt.main_goexited) and no "
        "goroutine is left at all (rt.allg empty; a live timer still counts, by rule (4)), "
        "else 'all goroutines are asleep - "
        "deadlock!' (also after main's Goexit while others are still parked). The runtime "
        "turns your message into Go's report (the blocked goroutines with their wait "
        "reasons). Public tests call your checkdead on a runtime whose goroutines are all "
        "parked, changing one thing at a time (one test per rule above); hidden tests run "
        "whole programs with your checkdead in the scheduler."),
    starter=STARTER,
    hints=[
        "Read checkdead in Go 1.19's runtime/proc.go: it returns early at the first sign "
        "of life (Ms still running, a goroutine that is not waiting, a timer on a P) and "
        "throws only when none is left. Which fields of rt are those signs here?",
        "A stopped timer is not removed from its heap (notebook 04's timers): its entry is "
        "stale. Which test on (when, seq, t) tells a live timer from a stale one?",
        "The two messages differ only in whether any goroutine exists at all: main's "
        "Goexit with goroutines still parked is the usual 'all goroutines are asleep'.",
        "In code: `if rt.nsyscall or rt.busy: return None`; the same for "
        "`rt.netpoller is not None and rt.netpoller.waiters` and for "
        "`any(g.status != Gwaiting for g in rt.allg)`; then "
        "`any(t.seq == seq for when, seq, t in p.timers)` on each P; then "
        "`if not rt.allg and rt.main_goexited: return GOEXIT`; finally "
        "`return ALL_ASLEEP`.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="runtime",
)
