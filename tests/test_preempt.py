"""Preemption in its three historical modes, on the seed article's program:
one goroutine spins, another prints every so often, main sleeps
(runtime/preempt.go, proc.go: sysmon, retake, preemptone)."""
from __future__ import annotations

import signal
import sys
import threading

import pytest

from reference_runtime import RunTimeout, chan, go, run, sleep


def seed_program(loop_calls_a_function: bool, printer_ticks: int = 3):
    printed = []

    def tick():
        return None

    def main():
        def spin():
            i = 0
            if loop_calls_a_function:
                while True:
                    i += 1
                    tick()
            else:
                while True:
                    i += 1

        def printer():
            for k in range(printer_ticks):
                printed.append(k)
                sleep(0.02)
            done.send(None)

        # main waits for the printer, not for a time: the printer gets the P
        # back after each sleep only if the spinner is preempted, and without
        # preemption the run's timeout ends it (however loaded the machine)
        done = chan()
        go(spin)
        go(printer)
        done.recv()
        return len(printed)

    return main, printed


def test_async_preempts_a_loop_without_calls():
    main, printed = seed_program(loop_calls_a_function=False)
    assert run(main, gomaxprocs=1, preempt="async", timeout=20) == 3


def test_calls_preempts_a_loop_that_calls_a_function():
    main, printed = seed_program(loop_calls_a_function=True)
    assert run(main, gomaxprocs=1, preempt="calls", timeout=20) == 3


def test_calls_cannot_preempt_a_loop_without_calls_and_the_timeout_names_it():
    main, printed = seed_program(loop_calls_a_function=False)
    with pytest.raises(RunTimeout, match=r"goroutine 2 had been running .* without yielding"):
        run(main, gomaxprocs=1, preempt="calls", timeout=0.5)
    assert printed == [0]    # the printer ran first (runnext), then never got the P back


def test_off_starves_even_a_loop_with_calls():
    main, printed = seed_program(loop_calls_a_function=True)
    with pytest.raises(RunTimeout, match="preempt='off'"):
        run(main, gomaxprocs=1, preempt="off", timeout=0.5)
    assert printed == [0]


def test_preemption_is_recorded_in_the_trace():
    events = []
    main, _ = seed_program(loop_calls_a_function=False)
    run(main, gomaxprocs=1, preempt="async", trace=events, timeout=20)
    pre = [e for e in events if e.kind == "preempt"]
    assert pre and all(e.goid == 2 for e in pre)


def test_a_tracer_set_before_the_run_is_restored_and_still_sees_goroutines():
    """The async hook displaces sys.settrace only for an instant; goroutines
    resumed after a preemption are traced again (coverage keeps working)."""
    seen = set()

    def tracer(frame, event, arg):
        if event == "call":
            seen.add(frame.f_code.co_name)
        return None

    def marker_after_preemption():
        return 1

    def main():
        flag = []

        def spin():
            i = 0
            while not flag:
                i += 1

        go(spin)
        sleep(0.05)                    # spin runs until preempted, then main wakes
        flag.append(1)
        marker_after_preemption()

    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        run(main, gomaxprocs=1, preempt="async", timeout=20)
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(old)
    assert "marker_after_preemption" in seen


def test_a_profiler_set_before_the_run_is_restored_in_calls_mode():
    calls = []

    def prof(frame, event, arg):
        if event == "call":
            calls.append(frame.f_code.co_name)

    def after_preemption():
        return 2

    def main():
        flag = []

        def spin():
            while not flag:
                after_preemption.__call__  # attribute access, no call

                def inner():
                    return 0
                inner()

        go(spin)
        sleep(0.05)
        flag.append(1)
        after_preemption()

    old = sys.getprofile()
    sys.setprofile(prof)
    try:
        run(main, gomaxprocs=1, preempt="calls", timeout=20)
        assert sys.getprofile() is prof
    finally:
        sys.setprofile(old)
    assert "after_preemption" in calls


def test_the_sigurg_handler_is_restored_after_the_run():
    mine = lambda signum, frame: None  # noqa: E731
    old = signal.signal(signal.SIGURG, mine)
    try:
        main, _ = seed_program(loop_calls_a_function=False)
        run(main, gomaxprocs=1, preempt="async", timeout=20)
        assert signal.getsignal(signal.SIGURG) is mine
    finally:
        signal.signal(signal.SIGURG, old)


def test_preemption_never_lands_inside_library_code_holding_a_lock():
    """A goroutine that spends its time inside the standard library (here
    json, which is pure Python for this call) is preempted only once it is
    back in user code, so library state is never left half-done."""
    import json

    class Weird:
        pass

    lock_state = []

    def main():
        stop = []

        def busy():
            n = 0
            while not stop:
                json.dumps({"a": list(range(50))})
                n += 1
            lock_state.append(n)

        go(busy)
        sleep(0.05)
        stop.append(1)
        sleep(0.01)

    run(main, gomaxprocs=1, preempt="async", timeout=20)
    assert lock_state and lock_state[0] > 0


def test_async_falls_back_to_calls_off_the_main_thread_and_says_so():
    out = {}

    def body():
        main, printed = seed_program(loop_calls_a_function=True)
        with pytest.warns(RuntimeWarning, match="main thread"):
            out["n"] = run(main, gomaxprocs=1, preempt="async", timeout=20)

    t = threading.Thread(target=body)
    t.start()
    t.join()
    assert out.get("n") == 3


def test_keyboard_interrupt_stops_a_starving_run_and_prints_a_goroutine_dump(capsys):
    main, _ = seed_program(loop_calls_a_function=False)
    timer = threading.Timer(0.2, signal.pthread_kill,
                            (threading.main_thread().ident, signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run(main, gomaxprocs=1, preempt="off", timeout=20)
    finally:
        timer.cancel()
    err = capsys.readouterr().err
    assert "goroutine dump" in err
    assert "goroutine 1 [chan receive]:" in err
    assert "goroutine 2 [running]:" in err
