"""run() is reusable: a notebook runs cell after cell in one process, so a
run must leave nothing behind (no suspended goroutine stack, no sysmon or
system-call thread, no runtime state) however it ended: main returning
with goroutines abandoned, a panic, a deadlock, a KeyboardInterrupt, an
exit.  (Not a Go behaviour: a Go process runs main once.  DESIGN.md, "API
contract": "Reusable: run() again in the same process ... starts from a
clean state"; "In-process, run() must leave nothing alive".)
"""
from __future__ import annotations

import gc
import os
import signal
import threading
import time

import greenlet
import pytest

from reference_runtime import (Deadlock, Mutex, Panic, Timer, WaitGroup, chan, current_goroutine,
                               go, gosched, now, num_goroutine, run, select, sleep, syscall)


def live_greenlets():
    """Greenlets that are started and not finished, other than this
    thread's main greenlet (and the one running this code).  No
    gc.collect() first, on purpose: a suspended goroutine that is merely
    unreachable has not been unwound yet, and counts as alive."""
    me = greenlet.getcurrent()
    out = []
    for o in gc.get_objects():
        if isinstance(o, greenlet.greenlet) and o and not o.dead:
            if o is me or o.parent is None:
                continue
            out.append(o)
    return out


def threads():
    return set(threading.enumerate())


def new_ones(after, before):
    """What is alive now and was not before (something started before the
    test may end during it: that is not this run's doing)."""
    return [x for x in after if x not in before]


# ------------------------------------------------- programs that end each way

def fresh_start_facts():
    """What a clean run sees at its start."""
    return current_goroutine().goid, num_goroutine()


def abandon_many(wait=None):
    """main returns while goroutines are blocked in every way there is."""
    facts = fresh_start_facts()
    mu, wg = Mutex(), WaitGroup()
    mu.lock()
    wg.add(1)
    c = chan()
    go(c.recv)
    go(chan(1).send, 1)                    # completes
    go(lambda: (chan().send(1)))
    go(select, c.recv, chan().recv)
    go(sleep, 3600)
    go(mu.lock)
    go(wg.wait)
    go(lambda: Timer(5).c.recv())
    for _ in range(10):
        go(gosched)                        # runnable, never finish
    gosched()
    return facts


def normal():
    facts = fresh_start_facts()
    out = chan()
    go(lambda: out.send(sum(range(10))))
    assert out.recv() == 45
    return facts


def panics():
    go(lambda: chan().recv())
    c = chan()
    c.close()
    go(c.close)
    chan().recv()


def deadlocks():
    go(lambda: chan().recv())
    go(select)
    sleep(0.01)
    chan().send(1)


def keyboard_interrupt():
    def interrupted():
        raise KeyboardInterrupt
    go(lambda: chan().recv())
    go(interrupted)
    chan().recv()


def system_exit():
    go(lambda: chan().recv())
    go(lambda: __import__("sys").exit(5))
    chan().recv()


def uses_a_syscall():
    go(lambda: chan().recv())
    return syscall(sum, [1, 2, 3])


SCENARIOS = [
    ("normal", normal, None),
    ("abandon", abandon_many, None),
    ("panic", panics, Panic),
    ("deadlock", deadlocks, Deadlock),
    ("keyboard-interrupt", keyboard_interrupt, KeyboardInterrupt),
    ("system-exit", system_exit, SystemExit),
    ("syscall", uses_a_syscall, None),
]


def run_scenario(fn, expected, **kw):
    if expected is None:
        return run(fn, **kw)
    with pytest.raises(expected):
        run(fn, **kw)


@pytest.mark.parametrize("name, fn, expected", SCENARIOS, ids=[s[0] for s in SCENARIOS])
@pytest.mark.parametrize("clock", ["real", "virtual"])
def test_a_run_leaves_no_live_goroutine_and_no_thread_however_it_ends(name, fn, expected,
                                                                     clock, capsys):
    threads_before = threads()
    greenlets_before = live_greenlets()
    run_scenario(fn, expected, gomaxprocs=2, clock=clock, seed=3)
    assert new_ones(live_greenlets(), greenlets_before) == []
    assert new_ones(threads(), threads_before) == []


def test_ten_runs_in_a_row_each_start_clean_and_leave_nothing(capsys):
    threads_before = threads()
    greenlets_before = live_greenlets()
    order = ["normal", "panic", "abandon", "deadlock", "keyboard-interrupt", "normal",
             "system-exit", "abandon", "syscall", "normal"]
    table = {name: (fn, exp) for name, fn, exp in SCENARIOS}
    for i, name in enumerate(order):
        fn, expected = table[name]
        facts = run_scenario(fn, expected, gomaxprocs=1 + i % 3,
                             clock="virtual" if i % 2 else "real", seed=i)
        if name in ("normal", "abandon"):
            assert facts == (1, 1), f"run {i} ({name}) did not start clean"
        assert new_ones(live_greenlets(), greenlets_before) == [], f"after run {i} ({name})"
        assert new_ones(threads(), threads_before) == [], f"after run {i} ({name})"


@pytest.mark.parametrize("main_does", ["sleeps", "spins", "blocks"])
def test_a_real_ctrl_c_during_a_run_raises_keyboardinterrupt_and_leaves_nothing(main_does,
                                                                               capsys):
    """The notebook's "interrupt the kernel": SIGINT arrives while the host
    waits for a timer, while a goroutine computes, or while everything is
    parked waiting for a long sleep."""
    threads_before = threads()
    greenlets_before = live_greenlets()
    interrupter = threading.Timer(0.05, lambda: os.kill(os.getpid(), signal.SIGINT))

    def main():
        go(lambda: chan().recv())
        go(sleep, 100)
        interrupter.start()
        if main_does == "sleeps":
            sleep(30)
        elif main_does == "spins":
            start = time.monotonic()
            while time.monotonic() - start < 30:
                pass
        else:
            chan().recv()

    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run(main, gomaxprocs=2)
    assert time.monotonic() - start < 20          # interrupted, not run out
    interrupter.join()
    assert new_ones(live_greenlets(), greenlets_before) == []
    assert new_ones(threads(), threads_before) == []


def test_a_run_after_a_failed_run_starts_clean():
    with pytest.raises(Deadlock):
        run(deadlocks, clock="virtual")

    def main():
        return current_goroutine().goid, num_goroutine(), now()

    assert run(main, clock="virtual") == (1, 1, 0.0)


def test_runtime_functions_refuse_to_run_after_the_run_has_ended():
    kept = {}

    def main():
        kept["c"] = chan()

    run(main)
    with pytest.raises(RuntimeError, match=r"run\("):
        kept["c"].recv()
    with pytest.raises(RuntimeError, match=r"run\("):
        go(print)


def test_abandoned_goroutines_are_unwound_before_the_next_run(wait_parked):
    """Their finally blocks run when their run ends, not during a later one."""
    log = []

    def first():
        def blocked():
            try:
                chan().recv()
            finally:
                log.append("unwound")
        wait_parked(go(blocked), "chan receive")

    run(first)
    assert log == ["unwound"]
    run(lambda: log.append("second run"))
    assert log == ["unwound", "second run"]
