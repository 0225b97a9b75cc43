"""System calls on real OS threads, and sysmon handing their P to another
M (runtime/proc.go: entersyscall, exitsyscall, retake, handoffp)."""
from __future__ import annotations

import threading
import time

import pytest

from reference_runtime import WaitGroup, go, gosched, run, syscall
from reference_runtime.g import Gsyscall


def test_blocking_calls_overlap_on_os_threads_while_other_goroutines_run():
    """GOMAXPROCS=1: four goroutines each block in barrier.wait() (only
    possible to pass if all four calls run at once, on four threads), while
    a fifth, CPU-only goroutine keeps making progress on the one P."""
    barrier = threading.Barrier(4)
    progress_at_release = []

    def main():
        wg = WaitGroup()
        done = [False]
        counter = [0]

        def blocked(i):
            syscall(barrier.wait, 10)
            progress_at_release.append(counter[0])
            wg.done()

        for i in range(4):
            wg.add(1)
            go(blocked, i)

        def cpu():
            while not done[0]:
                counter[0] += 1
                gosched()
        go(cpu)
        wg.wait()
        done[0] = True
        return counter[0]

    total = run(main, gomaxprocs=1, timeout=20)
    assert len(progress_at_release) == 4
    assert total > 0 and max(progress_at_release) > 0


def test_the_p_is_handed_off_after_a_sysmon_tick_and_taken_back_on_return():
    events = []
    barrier = threading.Barrier(2)

    def main():
        wg = WaitGroup()
        wg.add(2)
        go(lambda: (syscall(barrier.wait, 10), wg.done()))
        go(lambda: (syscall(barrier.wait, 10), wg.done()))
        wg.wait()

    run(main, gomaxprocs=1, trace=events, timeout=20)
    kinds = [e.kind for e in events if e.kind.startswith(("syscall", "handoff"))]
    # the first call keeps the P until sysmon retakes it, so the second can enter
    assert kinds[:3] == ["syscall_enter", "handoff", "syscall_enter"]
    assert kinds.count("syscall_exit") == 2
    enter = next(e for e in events if e.kind == "syscall_enter")
    handoff = next(e for e in events if e.kind == "handoff")
    assert handoff.time - enter.time >= 20e-6           # at least one sysmon tick
    assert handoff.p == enter.p


def test_a_short_call_usually_keeps_its_p():
    """exitsyscall's fast path: a call that returns before sysmon retakes
    the P continues on it.  Whether sysmon got there first is a race (as in
    Go), so over 20 short calls at least one must take the fast path, and
    every call must return its result whichever path it took."""
    events = []

    def main():
        return [syscall(lambda i=i: i * 2) for i in range(20)]

    assert run(main, gomaxprocs=1, trace=events) == [i * 2 for i in range(20)]
    paths = [e.detail for e in events if e.kind == "syscall_exit"]
    assert len(paths) == 20
    assert set(paths) <= {"same P", "idle P", "global queue"}
    assert "same P" in paths


def test_the_goroutine_is_in_syscall_state_during_the_call():
    seen = []

    def main():
        from reference_runtime import current_goroutine
        g = current_goroutine()
        ev = threading.Event()

        def watch():
            seen.append(g.status)
            ev.set()
        go(watch)
        syscall(ev.wait, 5)

    run(main, gomaxprocs=1, timeout=10)
    assert seen == [Gsyscall]


def test_an_exception_in_the_call_is_raised_in_the_goroutine():
    def main():
        try:
            syscall(int, "not a number")
        except ValueError as e:
            return str(e)

    assert "invalid literal" in run(main)


def test_no_thread_outlives_the_run():
    before = set(threading.enumerate())

    def main():
        wg = WaitGroup()
        for _ in range(8):
            wg.add(1)
            go(lambda: (syscall(time.sleep, 0.01), wg.done()))
        wg.wait()

    run(main, gomaxprocs=2)
    assert set(threading.enumerate()) == before


def test_syscall_outside_a_goroutine_is_a_clear_error():
    with pytest.raises(RuntimeError, match="started by run"):
        syscall(time.sleep, 0)
