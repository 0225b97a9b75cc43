"""Regressions: behaviours the reference runtime once got wrong, each
stated as what Go does (checked with Go 1.19.8): GOMAXPROCS shrinking at run
time loses no goroutine (runtime/proc.go: procresize), and an exception
raised by an abandoned goroutine's finally block while run() unwinds
neither survives the run nor masks how it ended."""
from __future__ import annotations

import gc

import greenlet
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_runtime import (Deadlock, WaitGroup, chan, go, gomaxprocs, gosched, now, run,
                               sleep, work)


def live_greenlets():
    me = greenlet.getcurrent()
    return [o for o in gc.get_objects()
            if isinstance(o, greenlet.greenlet) and o and not o.dead
            and o is not me and o.parent is not None]


class FromFinally(Exception):
    pass


def program(ending, wait_parked):
    def main():
        def abandoned():
            try:
                chan().recv()
            finally:
                raise FromFinally("raised by an abandoned goroutine's finally block")

        wait_parked(go(abandoned), "chan receive")
        if ending == "main panics":
            raise KeyError("main's own panic")
        if ending == "deadlock":
            chan().recv()
        return "main's result"
    return main


@pytest.mark.parametrize("ending", ["main returns", "main panics", "deadlock"])
def test_an_exception_from_an_abandoned_goroutines_finally_leaves_nothing_alive(
        ending, wait_parked):
    """The goroutine whose finally block raises during the unwinding must not
    stay suspended (a live greenlet), however the run ended."""
    before = live_greenlets()
    try:
        run(program(ending, wait_parked), gomaxprocs=1)
    except (FromFinally, KeyError, Deadlock):
        pass                       # how the run ends is the other test's business
    assert [g for g in live_greenlets() if g not in before] == []


@pytest.mark.parametrize("ending, expected", [("main panics", KeyError),
                                              ("deadlock", Deadlock)])
def test_an_exception_from_an_abandoned_goroutines_finally_does_not_mask_how_the_run_ended(
        ending, expected, wait_parked):
    """run() must raise the program's real panic (or deadlock report), not
    an error from cleanup code that Go would never have run."""
    with pytest.raises(expected):
        run(program(ending, wait_parked), gomaxprocs=1)


# topic: scheduler (runtime/proc.go: procresize, called by GOMAXPROCS with
# the world stopped: no goroutine is lost, those of destroyed Ps go to the
# global run queue)

def test_gomaxprocs_shrinking_keeps_a_goroutine_already_picked_by_p0():
    """Go 1.19 prints "g2 ran" for the same program.  g2 has been picked by
    P0 (Grunning, waiting for its turn on the host) while main runs on P1;
    GOMAXPROCS(1) moves main onto P0, and g2 must go back to a run queue
    (it was once forgotten: FatalError "checkdead: runnable g")."""
    def main():
        done = chan(1)
        go(done.send, "g2 ran")
        gosched()
        gomaxprocs(1)
        return done.recv()

    assert run(main, gomaxprocs=2, clock="virtual", seed=1) == "g2 ran"


@pytest.mark.parametrize("procs", [2, 4])
def test_gomaxprocs_shrinking_keeps_a_goroutine_working_on_a_removed_p(procs):
    """A goroutine half-way through work(1.0) on a P that GOMAXPROCS(1)
    removes must go on on the remaining P and finish at about t=1.0 (it was
    once lost, with the same FatalError)."""
    def main():
        done = chan(1)
        go(lambda: (work(1.0), done.send(now())))
        sleep(0.5)
        gomaxprocs(1)
        return done.recv()

    assert run(main, gomaxprocs=procs, clock="virtual", seed=1) == pytest.approx(1.0, abs=0.02)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 4), st.integers(0, 2**32),
       st.lists(st.tuples(st.sampled_from(["work", "gosched", "sleep", "send"]),
                          st.integers(0, 30), st.booleans(), st.integers(1, 6)),
                min_size=1, max_size=25))
def test_changing_gomaxprocs_at_run_time_never_loses_a_goroutine(procs, seed, spec):
    def main():
        wg, c, finished = WaitGroup(), chan(2), []
        go(lambda: [None for _ in c])            # drains c
        for i, (kind, amount, resize, n) in enumerate(spec):
            wg.add(1)

            def g(i=i, kind=kind, amount=amount):
                if kind == "work":
                    work(amount / 1000)
                elif kind == "gosched":
                    for _ in range(amount % 4):
                        gosched()
                elif kind == "sleep":
                    sleep(amount / 1000)
                else:
                    c.send(i)
                finished.append(i)
                wg.done()
            go(g)
            if resize:
                gomaxprocs(n)
                gosched()
        wg.wait()
        return sorted(finished)

    assert run(main, gomaxprocs=procs, clock="virtual", seed=seed) == list(range(len(spec)))
