"""Bad input that used to hang or corrupt a run (issue 12, "Also"): a
goroutine that will not be unwound, and calls from another OS thread."""
from __future__ import annotations

import threading

import pytest

from reference_runtime import chan, go, gosched, run, select, sleep, syscall


def test_run_returns_although_an_abandoned_goroutine_catches_every_unwind():
    def main():
        def stubborn():
            while True:
                try:
                    sleep(0.01)
                except:                   # noqa: E722 - the point of the test
                    pass

        go(stubborn)
        sleep(0.05)
        return "main returned"

    with pytest.warns(RuntimeWarning, match=r"could not unwind goroutine 2 in "
                                            r"\S*stubborn: it went on running after 100 "):
        assert run(main, gomaxprocs=1) == "main returned"


def test_an_unwound_goroutines_finally_blocks_still_run_when_it_lets_go():
    ran = []

    def main():
        def polite():
            try:
                sleep(10)
            finally:
                ran.append("finally")

        go(polite)
        sleep(0.01)

    run(main, gomaxprocs=1, clock="virtual")
    assert ran == ["finally"]


def test_a_run_after_a_stubborn_goroutine_is_clean():
    def main():
        def stubborn():
            while True:
                try:
                    chan().recv()
                except BaseException:
                    pass
        go(stubborn)
        gosched()                         # it runs and blocks

    with pytest.warns(RuntimeWarning):
        run(main, gomaxprocs=1)
    assert run(lambda: "again", gomaxprocs=1) == "again"


CALLS = {
    "go": lambda c: go(print),
    "send": lambda c: c.send(1),
    "recv": lambda c: c.recv(),
    "sleep": lambda c: sleep(1),
    "select": lambda c: select(c.recv, chan().recv),
}


def from_another_thread(c, names) -> dict:
    """Make each call of `names` from a new OS thread; what each raised."""
    out = {}

    def body():
        for name in names:
            try:
                CALLS[name](c)
                out[name] = "no error"
            except RuntimeError as e:
                out[name] = str(e)
    t = threading.Thread(target=body, name="other-thread")
    t.start()
    t.join()
    return out


def test_calls_from_another_thread_while_no_goroutine_runs_fail_at_once():
    def main():
        c = chan()
        # the thread runs while main is in a system call: the host waits
        return syscall(from_another_thread, c, list(CALLS))

    got = run(main, gomaxprocs=1)
    assert set(got) == set(CALLS)
    for name, err in got.items():
        assert err.startswith("this was called from thread 'other-thread', but the goroutine "
                              "runtime runs on thread 'MainThread'"), (name, err)
        assert "syscall(fn)" in err and "channel" in err


def test_go_select_and_sleep_from_another_thread_fail_while_goroutines_run():
    def main():
        c = chan()
        done = []

        def spinner():                    # keeps the host thread busy meanwhile
            while not done:
                gosched()

        go(spinner)
        got = syscall(from_another_thread, c, ["go", "select", "sleep"])
        done.append(True)
        return got

    got = run(main, gomaxprocs=2)
    assert all(err.startswith("this was called from thread 'other-thread'")
               for err in got.values()), got
