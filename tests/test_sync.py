"""WaitGroup, Mutex and Once, as Go's sync package specifies them
(sync/waitgroup.go, sync/mutex.go, sync/once.go; runtime/sema.go
underneath).

Wait reasons: Go 1.19 reports every sync wait as ``semacquire``; later Go
names the primitive (``sync.WaitGroup.Wait``, ``sync.Mutex.Lock``), and so
does this runtime (DESIGN.md).
"""
from __future__ import annotations

import pytest

from reference_runtime import (Deadlock, FatalError, GStatus, Mutex, Once, Panic, WaitGroup,
                               chan, go, gosched, now, run, work)


def run1(main, **kw):
    kw.setdefault("gomaxprocs", 1)
    kw.setdefault("clock", "virtual")
    kw.setdefault("seed", 1)
    return run(main, **kw)


# -------------------------------------------------------------- WaitGroup

def test_waitgroup_wait_returns_when_the_counter_reaches_zero(wait_parked):
    def main():
        wg = WaitGroup()
        gates = [chan() for _ in range(3)]
        for gate in gates:
            wg.add(1)
            go(lambda gate=gate: (gate.recv(), wg.done()))
        waiter_done = chan()
        waiter = go(lambda: (wg.wait(), waiter_done.close()))
        wait_parked(waiter, "sync.WaitGroup.Wait")
        for gate in gates[:2]:
            gate.send(None)
            wait_parked(waiter, "sync.WaitGroup.Wait")   # counter is 2, then 1
        gates[2].send(None)
        waiter_done.recv()
        return "waiter released"

    assert run1(main) == "waiter released"


def test_waitgroup_releases_every_waiter(wait_parked):
    def main():
        wg, released = WaitGroup(), chan(3)
        wg.add(1)
        for i in range(3):
            wait_parked(go(lambda i=i: (wg.wait(), released.send(i))), "sync.WaitGroup.Wait")
        wg.done()
        return sorted(released.recv() for _ in range(3))

    assert run1(main) == [0, 1, 2]


def test_waitgroup_wait_with_a_zero_counter_returns_at_once():
    log = []

    def main():
        wg = WaitGroup()
        go(log.append, "other ran")
        wg.wait()                   # no yield: the runnable goroutine has not run
        log.append("wait returned")

    run1(main)
    assert log == ["wait returned"]


def test_waitgroup_add_accepts_counts_larger_than_one():
    def main():
        wg, out = WaitGroup(), []
        wg.add(3)
        for i in range(3):
            go(lambda i=i: (out.append(i), wg.done()))
        wg.wait()
        return sorted(out)

    assert run1(main) == [0, 1, 2]


def test_waitgroup_can_be_reused_after_wait_returns():
    def main():
        wg, rounds = WaitGroup(), []
        for r in range(3):
            wg.add(2)
            for _ in range(2):
                go(wg.done)
            wg.wait()
            rounds.append(r)
        return rounds

    assert run1(main) == [0, 1, 2]


@pytest.mark.parametrize("misuse", [
    pytest.param(lambda wg: wg.add(-1), id="add-negative"),
    pytest.param(lambda wg: wg.done(), id="done-without-add"),
    pytest.param(lambda wg: (wg.add(1), wg.done(), wg.done()), id="done-twice"),
])
def test_negative_waitgroup_counter_panics(misuse):
    with pytest.raises(Panic) as ei:
        run1(lambda: misuse(WaitGroup()))
    assert str(ei.value) == "sync: negative WaitGroup counter"


def test_reusing_a_waitgroup_before_the_previous_wait_returned_panics(wait_parked):
    """Go 1.19 (GOMAXPROCS=1): Done releases the waiter, Add(1) before it
    has run makes its Wait panic."""
    def main():
        wg = WaitGroup()
        wg.add(1)
        wait_parked(go(wg.wait), "sync.WaitGroup.Wait")
        wg.done()
        wg.add(1)
        chan().recv()

    with pytest.raises(Panic) as ei:
        run1(main)
    assert str(ei.value) == "sync: WaitGroup is reused before previous Wait has returned"


def test_waitgroup_wait_that_never_ends_is_a_deadlock_in_sync_waitgroup_wait():
    def main():
        wg = WaitGroup()
        wg.add(1)
        wg.wait()

    with pytest.raises(Deadlock) as ei:
        run1(main)
    assert ei.value.goroutines == [(1, "sync.WaitGroup.Wait")]


# ------------------------------------------------------------------ Mutex

def contended_counter(mu, goroutines, rounds):
    """`goroutines` goroutines each increment a shared counter `rounds`
    times, yielding in the middle of the read-modify-write."""
    state = {"counter": 0, "inside": 0, "max_inside": 0}
    wg = WaitGroup()

    def worker():
        for _ in range(rounds):
            if mu is not None:
                mu.lock()
            state["inside"] += 1
            state["max_inside"] = max(state["max_inside"], state["inside"])
            x = state["counter"]
            gosched()
            state["counter"] = x + 1
            state["inside"] -= 1
            if mu is not None:
                mu.unlock()
        wg.done()

    for _ in range(goroutines):
        wg.add(1)
        go(worker)
    wg.wait()
    return state


@pytest.mark.parametrize("procs", [1, 4])
def test_mutex_gives_mutual_exclusion_under_contention(procs):
    state = run1(lambda: contended_counter(Mutex(), 5, 20), gomaxprocs=procs)
    assert state["max_inside"] == 1
    assert state["counter"] == 100


def test_without_the_mutex_the_same_program_loses_updates():
    """The control for the test above: the yield inside the critical
    section really does interleave the workers."""
    state = run1(lambda: contended_counter(None, 5, 20))
    assert state["max_inside"] > 1
    assert state["counter"] < 100


def test_mutex_lock_blocks_while_another_goroutine_holds_it(wait_parked):
    def main():
        mu, log = Mutex(), []
        mu.lock()
        done = chan()
        g = go(lambda: (mu.lock(), log.append("second locker in"), mu.unlock(), done.close()))
        wait_parked(g, "sync.Mutex.Lock")
        log.append("holder unlocks")
        mu.unlock()
        done.recv()
        return log

    assert run1(main) == ["holder unlocks", "second locker in"]


def test_mutex_with_statement_locks_and_unlocks():
    def main():
        mu = Mutex()
        with mu:
            inside = mu.locked
        return inside, mu.locked

    assert run1(main) == (True, False)


def test_mutex_with_statement_unlocks_when_the_block_raises():
    def main():
        mu = Mutex()
        try:
            with mu:
                raise ValueError("inside")
        except ValueError:
            pass
        mu.lock()              # would deadlock if the with-block had kept it
        mu.unlock()
        return "relocked"

    assert run1(main) == "relocked"


def test_a_locked_mutex_may_be_unlocked_by_another_goroutine():
    """Go: "A locked Mutex is not associated with a particular goroutine."""
    def main():
        mu, done = Mutex(), chan()
        mu.lock()
        go(lambda: (mu.unlock(), done.close()))
        done.recv()
        mu.lock()
        return "locked again"

    assert run1(main) == "locked again"


def test_unlock_of_unlocked_mutex_is_a_fatal_error():
    with pytest.raises(FatalError) as ei:
        run1(lambda: Mutex().unlock())
    assert str(ei.value) == "sync: unlock of unlocked mutex"
    assert not isinstance(ei.value, Panic)


def test_double_unlock_is_a_fatal_error():
    def main():
        mu = Mutex()
        mu.lock()
        mu.unlock()
        mu.unlock()

    with pytest.raises(FatalError) as ei:
        run1(main)
    assert str(ei.value) == "sync: unlock of unlocked mutex"


def test_mutex_is_not_reentrant_and_relocking_is_a_deadlock_in_sync_mutex_lock():
    def main():
        mu = Mutex()
        mu.lock()
        mu.lock()

    with pytest.raises(Deadlock) as ei:
        run1(main)
    assert ei.value.goroutines == [(1, "sync.Mutex.Lock")]
    assert "goroutine 1 [sync.Mutex.Lock]:" in str(ei.value)


def test_every_waiter_on_a_contended_mutex_eventually_gets_it(wait_parked):
    def main():
        mu, got = Mutex(), chan(10)
        mu.lock()
        for i in range(10):
            wait_parked(go(lambda i=i: (mu.lock(), got.send(i), mu.unlock())),
                        "sync.Mutex.Lock")
        mu.unlock()
        return sorted(got.recv() for _ in range(10))

    assert run1(main) == list(range(10))


def test_a_waiter_starved_for_over_1ms_gets_the_mutex_handed_over():
    """Go's starvation mode: "If a waiter fails to acquire the mutex for
    more than 1ms, it switches mutex to the starvation mode", in which
    Unlock hands the mutex straight to the waiter.  Here a goroutine that
    re-locks at once after each unlock would otherwise keep the mutex for
    all its 100 rounds (0.5 ms of work each, virtual time, two Ps)."""
    def main():
        mu, got = Mutex(), chan(1)
        rounds = []

        def hog():
            for i in range(100):
                mu.lock()
                work(0.0005)
                rounds.append(i)
                mu.unlock()

        def waiter():
            mu.lock()
            got.send((now(), len(rounds)))
            mu.unlock()

        go(hog)
        gosched()
        go(waiter)
        return got.recv()

    at, hog_rounds = run1(main, gomaxprocs=2)
    assert at < 0.005
    assert hog_rounds < 10


def test_a_once_fn_that_calls_do_on_the_same_once_deadlocks():
    """Go: "if f causes Do to be called, it will deadlock"."""
    def main():
        once = Once()
        once.do(lambda: once.do(lambda: None))

    with pytest.raises(Deadlock) as ei:
        run1(main)
    assert ei.value.goroutines == [(1, "sync.Mutex.Lock")]


# ------------------------------------------------------------------- Once

@pytest.mark.parametrize("procs", [1, 4])
def test_once_runs_fn_exactly_once_with_concurrent_callers(procs):
    def main():
        once, wg, calls = Once(), WaitGroup(), []
        for i in range(10):
            wg.add(1)
            go(lambda i=i: (once.do(lambda: calls.append(i)), wg.done()))
        wg.wait()
        once.do(lambda: calls.append("main"))
        return calls

    calls = run1(main, gomaxprocs=procs)
    assert len(calls) == 1 and calls[0] != "main"


def test_once_callers_wait_until_the_first_call_has_returned(wait_parked):
    """Go: "no call to Do returns until the one call to f returns"."""
    def main():
        once, gate, results = Once(), chan(), chan(3)
        state = {"initialised": False}

        def init():
            gate.recv()                     # the first call parks inside f
            state["initialised"] = True

        first = go(lambda: (once.do(init), results.send(state["initialised"])))
        wait_parked(first, "chan receive")
        others = [go(lambda: (once.do(init), results.send(state["initialised"])))
                  for _ in range(2)]
        for g in others:
            wait_parked(g)
        assert all(g.status == GStatus.Gwaiting for g in others)
        gate.send(None)
        return [results.recv() for _ in range(3)]

    assert run1(main) == [True, True, True]


def test_once_fn_that_raises_still_counts_as_done():
    """Go: "if f panics, Do considers it to have returned; future calls of
    Do return without calling f"; the panic reaches the first caller."""
    def main():
        once, calls = Once(), []

        def bad():
            calls.append("bad")
            raise ValueError("init failed")

        try:
            once.do(bad)
        except ValueError as e:
            calls.append(f"caught {e}")
        once.do(lambda: calls.append("second"))
        return calls

    assert run1(main) == ["bad", "caught init failed"]


def test_separate_onces_are_independent():
    def main():
        a, b, calls = Once(), Once(), []
        a.do(lambda: calls.append("a"))
        b.do(lambda: calls.append("b"))
        a.do(lambda: calls.append("a again"))
        return calls

    assert run1(main) == ["a", "b"]


def test_a_semaphore_waiter_that_loses_the_unit_requeues_with_its_own_lifo_at_the_tail():
    """Go's semacquire1 re-queues with the caller's lifo on every retry (the
    "front of the queue if you waited before" rule is sync.Mutex's).  (This
    runtime used to put every retry at the front.)  G1 waits first, G2
    second; a release wakes G1, but a barging G3 takes the unit before G1
    runs, so G1 queues again behind G2: the next release serves G2."""
    from reference_runtime.sync import Sema

    def main():
        s = Sema(0)
        order = []

        def waiter(name):
            s.acquire()
            order.append(name)

        go(waiter, "g1")
        gosched()
        go(waiter, "g2")
        gosched()                       # both parked, g1 first
        s.release()                     # readies g1 (count 1) ...
        assert s.count == 1
        s.acquire()                     # ... and main barges in: takes it, no wait
        gosched()                       # g1 runs, finds nothing, queues again
        assert order == []
        s.release()
        gosched()
        s.release()
        gosched()
        return order

    assert run(main, gomaxprocs=1) == ["g2", "g1"]
