"""Exercise 06.2: where an idle P looks for work — findrunnable (Go's findRunnable, proc.go)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public
from exercises.defs._support import decisions, goid as _goid, gs as _gs


class _Spy:
    """A runtime whose parts record the order they are called in."""

    def __init__(self, n_ps=2, nextg=(None, False), steal=(None, False), poll=None,
                 waiters=0):
        from reference_runtime.sched import Runtime
        self.calls = []
        self.nextg_result = nextg
        self.steal_result = steal
        parts = {"run_timers": self._run_timers, "nextg": self._nextg,
                 "stealwork": self._stealwork}
        spy = self

        class SpyRuntime(Runtime):          # injectglist is a method, not a part
            def injectglist(self, gs):
                spy._inject(gs)

        self.rt = SpyRuntime(gomaxprocs=n_ps, clock="virtual", parts=parts)
        self.p = self.rt.allp[0]
        self.injected = []
        if poll is not None or waiters:
            self.rt.netpoller = _FakePoller(self, poll or [], waiters)

    def _run_timers(self, rt, p):
        self.calls.append(("run_timers", p.id))
        p.timers.clear()

    def _nextg(self, rt, p):
        self.calls.append(("nextg", p.id))
        return self.nextg_result

    def _stealwork(self, rt, p):
        self.calls.append(("stealwork", p.id))
        return self.steal_result

    def _inject(self, gs):
        self.calls.append(("injectglist", [g.goid for g in gs]))
        self.injected.extend(gs)


class _FakePoller:
    def __init__(self, spy, ready, waiters):
        self.spy = spy
        self.ready = list(ready)
        self.waiters = waiters

    def poll(self, timeout):
        self.spy.calls.append(("netpoll", timeout))
        out, self.ready = self.ready, []
        return out


def _names(calls):
    return [c[0] for c in calls]


@public
def test_the_run_queues_come_first(sol):
    """With a G in p's queues, findrunnable returns what rt.nextg gave, inherit flag included.

    Nothing else is consulted: no network poll, no stealing."""
    g, = _gs(1)
    spy = _Spy(nextg=(g, True), waiters=1, poll=[])
    got = sol.findrunnable(spy.rt, spy.p)
    expect((_goid(got[0]), got[1]), (1, True), "findrunnable(p) -> (goid, inherit)")
    expect(_names(spy.calls), ["nextg"], "parts called, in order")


@public
def test_due_timers_run_before_the_queues_are_looked_at(sol):
    """p's timers that are due run first (rt.run_timers): they may make Gs runnable.

    Go's findRunnable starts with checkTimers; p.timers is a heap of
    (when, seq, timer) and p.timers[0][0] is the earliest; the clock is
    rt.nanotime()."""
    g, = _gs(1)
    spy = _Spy(nextg=(g, False))
    spy.p.timers.append((0.0, 1, None))          # due now (virtual time 0)
    sol.findrunnable(spy.rt, spy.p)
    expect(spy.calls[:2], [("run_timers", 0), ("nextg", 0)], "first parts called")


@public
def test_timers_not_yet_due_are_left_alone(sol):
    """A timer due later is not run (run_timers is not even called)."""
    g, = _gs(1)
    spy = _Spy(nextg=(g, False))
    spy.p.timers.append((1.0, 1, None))          # due at t = 1 s; now is 0
    sol.findrunnable(spy.rt, spy.p)
    expect(_names(spy.calls), ["nextg"], "parts called")


@public
def test_with_empty_queues_and_no_network_it_steals(sol):
    """With empty queues and no goroutine waiting on the network, findrunnable steals (rt.stealwork) and returns its answer."""
    g, = _gs(1, first=5)
    spy = _Spy(steal=(g, False))
    got = sol.findrunnable(spy.rt, spy.p)
    expect((_goid(got[0]), got[1]), (5, False), "findrunnable(p)")
    expect(_names(spy.calls), ["nextg", "stealwork"], "parts called, in order")


@public
def test_nothing_anywhere_gives_none(sol):
    """With nothing in the queues, the network or other Ps, findrunnable returns (None, False)."""
    spy = _Spy()
    expect(tuple(sol.findrunnable(spy.rt, spy.p)), (None, False), "findrunnable(p)")


@public
def test_the_network_is_polled_without_blocking_before_stealing(sol):
    """With goroutines waiting on the network, poll it with timeout 0 before stealing.

    rt.netpoller.poll(0) returns the goroutines it made ready: the last one
    runs now (status Grunnable, wait_reason ""), the others go to
    rt.injectglist; stealing is not needed."""
    from reference_runtime.g import Grunnable, Gwaiting
    g1, g2, g3 = _gs(3)
    for g in (g1, g2, g3):
        g.status = Gwaiting
        g.wait_reason = "IO wait"
    spy = _Spy(poll=[g1, g2, g3], waiters=3)
    got = sol.findrunnable(spy.rt, spy.p)
    expect((_goid(got[0]), got[1]), (3, False), "findrunnable(p)")
    expect(spy.calls, [("nextg", 0), ("netpoll", 0), ("injectglist", [1, 2])],
           "calls, in order")
    expect((g3.status, g3.wait_reason), (Grunnable, ""), "(status, wait_reason) of the G returned")


@public
def test_the_network_is_not_polled_when_no_one_waits_on_it(sol):
    """With no goroutine waiting on the network (netpoller.waiters == 0) the
    network is not polled: Go checks netpollWaiters first, since a poll costs
    a system call."""
    spy = _Spy(waiters=0, poll=[])
    spy.rt.netpoller = _FakePoller(spy, [], 0)
    sol.findrunnable(spy.rt, spy.p)
    expect(_names(spy.calls), ["nextg", "stealwork"], "parts called")


@public
def test_a_poll_that_finds_nothing_goes_on_to_steal(sol):
    """Goroutines wait on the network but none is ready: findrunnable polls
    once, then goes on to steal."""
    g, = _gs(1, first=4)
    spy = _Spy(poll=[], waiters=2, steal=(g, False))
    got = sol.findrunnable(spy.rt, spy.p)
    expect(_goid(got[0]), 4, "goid found")
    expect(spy.calls, [("nextg", 0), ("netpoll", 0), ("stealwork", 0)], "calls, in order")


@public
def test_one_p_has_no_one_to_steal_from(sol):
    """With GOMAXPROCS=1 there is no other P to steal from: stealwork is not
    called and the answer is (None, False)."""
    spy = _Spy(n_ps=1)
    expect(tuple(sol.findrunnable(spy.rt, spy.p)), (None, False), "findrunnable(p)")
    expect(_names(spy.calls), ["nextg"], "parts called")


@hidden
def test_timers_and_the_queues_whole_program(sol):
    """A whole program with your findrunnable: sleeping goroutines wake in time order.

    Virtual clock, 2 Ps: the sleepers' timers must be run by findrunnable
    (or the idle loop) and the woken goroutines found in the queues."""
    from reference_runtime import WaitGroup, go, now, sleep
    from reference_runtime.sched import Runtime
    order = []

    def main():
        wg = WaitGroup()
        for ms in (3, 1, 2, 5, 4):
            wg.add(1)
            go(lambda ms=ms: (sleep(ms / 1000), order.append((ms, round(now() * 1000, 6))),
                              wg.done()))
        wg.wait()
        return now()

    t = Runtime(gomaxprocs=2, clock="virtual", seed=1,
                parts={"findrunnable": sol.findrunnable}).run_main(main, ())
    expect(order, [(1, 1.0), (2, 2.0), (3, 3.0), (4, 4.0), (5, 5.0)], "(sleep ms, woke at ms)")
    expect(round(t, 9), 0.005, "end time")


@hidden
def test_the_schedule_is_gos(sol):
    """With your findrunnable the scheduler makes Go's choices, run for run.

    Same seed and virtual clock: 4 Ps, a spawner, CPU work, channels and
    sleeps; every run event (time, P, goroutine) as with Go's order."""
    from reference_runtime import WaitGroup, chan, go, gosched, sleep, work
    from reference_runtime import sched
    from reference_runtime.sched import Runtime

    def main():
        c = chan(4)
        wg = WaitGroup()
        for i in range(60):
            wg.add(1)

            def body(i=i):
                work(0.0005 * (i % 3 + 1))
                if i % 4 == 0:
                    sleep(0.001)
                if i % 5 == 0:
                    gosched()
                c.send(i)
                wg.done()
            go(body)
            work(0.00005)

        def drain():
            for _ in range(60):
                c.recv()
        go(drain)
        wg.wait()

    def runs(part):
        events = []
        Runtime(gomaxprocs=4, clock="virtual", seed=11, trace=events,
                parts={"findrunnable": part}).run_main(main, ())
        return decisions(events)

    def go_findrunnable(rt, p):          # Go's, plugged in as a replaced part too
        return sched.findrunnable(rt, p)

    expect(runs(sol.findrunnable), runs(go_findrunnable), "run events (time, p, goid)")


@hidden
def test_an_echo_over_tcp_runs_with_your_findrunnable(sol):
    """Goroutines blocked on sockets (IO wait) are woken and finish (real clock, 2 Ps)."""
    from reference_runtime import go, net
    from reference_runtime.sched import Runtime

    def main():
        ln = net.listen("tcp", "127.0.0.1:0")

        def serve():
            conn = ln.accept()
            while True:
                data = conn.read(100)
                if not data:
                    break
                conn.write(data.upper())
            conn.close()
        go(serve)
        c = net.dial("tcp", ln.addr)
        got = []
        for w in (b"ping", b"pong", b"done"):
            c.write(w)
            got.append(c.read_exactly(4))
        c.close()
        ln.close()
        return got

    got = Runtime(gomaxprocs=2, timeout=4,
                  parts={"findrunnable": sol.findrunnable}).run_main(main, ())
    expect(got, [b"PING", b"PONG", b"DONE"], "replies")


STARTER = '''\
def findrunnable(rt, p):
    """Find a G for P p to run, without blocking: (g, inherit), or
    (None, False) when there is none anywhere."""
    from gokernel.rt import Grunnable
    ...
'''


def _reference():
    from reference_runtime import sched
    return {"findrunnable": sched.findrunnable}


EXERCISE = Exercise(
    id="findrunnable",
    notebook="06",
    number=2,
    title="Where an idle P looks for work: findrunnable",
    points=10,
    provides=["findrunnable"],
    statement=(
        "Write the non-blocking part of Go's findRunnable (Go 1.19, runtime/proc.go "
        "findRunnable): findrunnable(rt, p) returns (g, inherit) for P p, or (None, False) "
        "when there is no work anywhere. Each place is a part of the runtime, called "
        "through rt with rt first (rt.run_timers(rt, p), rt.nextg(rt, p), "
        "rt.stealwork(rt, p)). The rules, which are Go's order, cheapest and most local "
        "first: "
        "(1) p's timers run first when the earliest is due (p.timers[0][0] <= "
        "rt.nanotime(); checkTimers), since they may make Gs runnable; timers not yet due "
        "are left alone; "
        "(2) then the run queues, through rt.nextg (runnext, the local ring, the global "
        "queue); a G found there is returned with nextg's inherit flag, and nothing else "
        "is consulted; "
        "(3) then the network, only if goroutines wait on it (rt.netpoller is not None and "
        "rt.netpoller.waiters > 0: a poll costs a system call), with "
        "rt.netpoller.poll(0), which never blocks; of the Gs it returns, the last runs now "
        "(made runnable: status Grunnable, wait_reason \"\"; inherit False), the others "
        "go to "
        "rt.injectglist; "
        "(4) then the other Ps, through rt.stealwork, only when there is more than one P; "
        "its answer is returned; if the poll found nothing, stealing still happens. "
        "Public tests replace those parts by spies and check what you call, in which "
        "order, one test per rule; hidden tests run whole programs (timers, 4 Ps against "
        "Go's choices, a TCP echo) with your findrunnable."),
    starter=STARTER,
    hints=[
        "Read findRunnable in Go 1.19's runtime/proc.go from its top down to stealWork: "
        "checkTimers, then runqget and globrunqget (rt.nextg here), then netpoll(0) if "
        "the poller is set up and someone waits on it (netpollWaiters), then stealWork. "
        "Each step returns as soon as it has a G.",
        "In Go's network step, netpoll(0) returns a list: one G is popped off it to run "
        "now, the rest are injected into the queues, and the popped one changes from "
        "waiting to runnable before it runs. Which one does a pop take, and which of its "
        "fields say it is waiting?",
        "Stealing needs someone to steal from (more than one P), and a poll that found "
        "nothing is not the end of the search.",
        "In code: `if p.timers and p.timers[0][0] <= rt.nanotime(): rt.run_timers(rt, p)`; "
        "`g, inherit = rt.nextg(rt, p)` and return it if g is not None; `np = "
        "rt.netpoller; if np is not None and np.waiters: gs = np.poll(0)`; if gs: `g = "
        "gs.pop(); g.status = Grunnable; g.wait_reason = \"\"; rt.injectglist(gs); return "
        "g, False`; `if rt.gomaxprocs > 1: return rt.stealwork(rt, p)`; `return None, "
        "False`.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
)
