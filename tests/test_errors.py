"""How a Go program ends badly: runtime panics with Go's texts, fatal
errors, the deadlock report with its goroutine list, any exception ending
the whole program, and the nested-panic report (runtime/panic.go: gopanic,
printpanics, throw/fatal; runtime/proc.go: checkdead; runtime/traceback.go:
goroutineheader; runtime/chan.go and sync/ for the texts).
"""
from __future__ import annotations

import re
import traceback

import pytest

from reference_runtime import (Deadlock, FatalError, Mutex, Panic, WaitGroup, chan, go, goexit,
                               nilchan, run, select)


def run1(main, **kw):
    kw.setdefault("gomaxprocs", 1)
    kw.setdefault("clock", "virtual")
    kw.setdefault("seed", 1)
    return run(main, **kw)


def _close_closed():
    c = chan()
    c.close()
    c.close()


def _send_closed():
    c = chan(1)
    c.close()
    c.send(1)


def _negative_wg():
    WaitGroup().add(-1)


# ------------------------------------------------------------------ panics

@pytest.mark.parametrize("program, text", [
    (_send_closed, "send on closed channel"),
    (_close_closed, "close of closed channel"),
    (lambda: nilchan.close(), "close of nil channel"),
    (_negative_wg, "sync: negative WaitGroup counter"),
    (lambda: chan(-1), "makechan: size out of range"),
])
@pytest.mark.parametrize("where", ["main", "goroutine"])
def test_runtime_panics_carry_gos_text_and_end_the_run(program, text, where):
    def main():
        if where == "main":
            program()
        else:
            go(program)
            chan().recv()

    with pytest.raises(Panic) as ei:
        run1(main)
    assert str(ei.value) == text


def test_panic_str_is_its_value_and_value_is_kept():
    p = Panic(42)
    assert str(p) == "42" and p.value == 42
    assert str(Panic("boom")) == "boom"


def test_panic_and_fatal_error_are_distinct_kinds_of_error():
    assert issubclass(Panic, Exception) and issubclass(FatalError, Exception)
    assert not issubclass(Panic, FatalError) and not issubclass(FatalError, Panic)
    assert issubclass(Deadlock, FatalError)


def test_fatal_error_str_is_the_bare_message():
    with pytest.raises(FatalError) as ei:
        run1(lambda: Mutex().unlock())
    assert str(ei.value) == "sync: unlock of unlocked mutex"
    assert type(ei.value) is FatalError


# ---------------------------------------------------------------- deadlock

def test_deadlock_message_is_gos_all_goroutines_are_asleep():
    with pytest.raises(Deadlock) as ei:
        run1(lambda: chan().recv())
    text = str(ei.value)
    assert text.startswith("fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 "
                           "[chan receive]:\n")
    assert ei.value.goroutines == [(1, "chan receive")]


def test_deadlock_lists_every_blocked_goroutine_with_gos_wait_reason():
    """The program of Go's own deadlock report (checked against Go 1.19,
    which says semacquire for both sync waits; later Go and this runtime
    name the primitive)."""
    expected = []

    def main():
        mu, wg = Mutex(), WaitGroup()
        mu.lock()
        wg.add(1)
        c = chan()
        for block, reason in [
            (mu.lock, "sync.Mutex.Lock"),
            (lambda: nilchan.send(1), "chan send (nil chan)"),
            (nilchan.recv, "chan receive (nil chan)"),
            (select, "select (no cases)"),
            (lambda: select(c.recv, (c.send, 1)), "select"),
            (chan().recv, "chan receive"),
            (lambda: chan().send(1), "chan send"),
        ]:
            expected.append((go(block).goid, reason))
        wg.wait()

    with pytest.raises(Deadlock) as ei:
        run1(main)
    want = [(1, "sync.WaitGroup.Wait")] + expected
    assert ei.value.goroutines == want
    headers = re.findall(r"^goroutine (\d+) \[(.*)\]:$", str(ei.value), re.M)
    assert [(int(n), r) for n, r in headers] == want


def test_deadlock_report_lists_only_blocked_goroutines():
    def main():
        wg = WaitGroup()
        wg.add(1)
        go(wg.done)              # finishes: not in the report
        done = chan()
        go(done.close)           # finishes too
        done.recv()
        chan().recv()

    with pytest.raises(Deadlock) as ei:
        run1(main)
    assert ei.value.goroutines == [(1, "chan receive")]
    assert str(ei.value).count("\ngoroutine ") == 1


def test_deadlock_report_names_the_function_each_goroutine_is_blocked_in():
    def main():
        def blocked_worker():
            chan().recv()
        go(blocked_worker)
        chan().send(1)

    with pytest.raises(Deadlock) as ei:
        run1(main)
    blocks = str(ei.value).split("\n\n")[1:]
    assert blocks[0].startswith("goroutine 1 [chan send]:")
    assert "main(" in blocks[0]
    assert blocks[1].startswith("goroutine 2 [chan receive]:")
    assert "blocked_worker(" in blocks[1]


def test_deadlock_after_main_called_goexit_says_no_goroutines():
    with pytest.raises(Deadlock) as ei:
        run1(goexit)
    assert str(ei.value) == "fatal error: no goroutines (main called runtime.Goexit) - deadlock!"


def test_a_deadlock_is_a_fatal_error_that_user_code_cannot_catch():
    """Go's throw cannot be recovered: the report comes from run(), not
    from inside the goroutine."""
    log = []

    def main():
        try:
            chan().recv()
        except BaseException as e:           # noqa: B036 - the point of the test
            log.append(type(e).__name__)
            raise

    with pytest.raises(Deadlock):
        run1(main)
    assert "Deadlock" not in log


# ----------------------------------------------- exceptions end the program

class CustomBase(BaseException):
    pass


@pytest.mark.parametrize("make_exc", [
    lambda: ValueError("bad value"),
    lambda: Panic("user panic"),
    lambda: KeyboardInterrupt(),
    lambda: SystemExit(3),
    lambda: CustomBase("not an Exception"),
], ids=["ValueError", "Panic", "KeyboardInterrupt", "SystemExit", "BaseException"])
@pytest.mark.parametrize("where", ["main", "goroutine", "goroutine-on-4-ps"])
def test_an_exception_escaping_any_goroutine_is_reraised_by_run_as_the_same_object(
        make_exc, where, capsys):
    exc = make_exc()

    def main():
        if where == "main":
            raise exc

        def crasher():
            raise exc
        go(crasher)
        chan().recv()

    with pytest.raises(BaseException) as ei:
        run1(main, gomaxprocs=4 if where == "goroutine-on-4-ps" else 1)
    assert ei.value is exc


def test_an_exception_in_a_goroutine_stops_the_whole_program(wait_parked):
    """Neither main nor a goroutine that was runnable runs after it."""
    log = []

    def main():
        c = chan()

        def crasher():
            c.recv()
            raise ValueError("crash")

        def bystander():
            log.append("bystander ran")

        wait_parked(go(crasher), "chan receive")
        go(bystander)                # runnable, queued behind the crasher:
        c.send(None)                 # the woken crasher takes runnext
        chan().recv()
        log.append("main resumed")

    with pytest.raises(ValueError):
        run1(main)
    assert log == []


def test_an_exception_caught_inside_its_goroutine_does_not_end_the_program():
    def main():
        done = chan(1)

        def recovering():
            try:
                raise ValueError("handled")
            except ValueError as e:       # Go's recover()
                done.send(str(e))
        go(recovering)
        return done.recv()

    assert run1(main) == "handled"


def test_the_reraised_exception_keeps_the_goroutines_traceback():
    def main():
        def deep_in_the_goroutine():
            raise ValueError("here")
        go(deep_in_the_goroutine)
        chan().recv()

    with pytest.raises(ValueError) as ei:
        run1(main)
    names = [f.name for f in traceback.extract_tb(ei.value.__traceback__)]
    assert "deep_in_the_goroutine" in names


# ------------------------------------------------- Go's nested panic report

def test_an_exception_raised_while_handling_a_panic_prints_gos_nested_panic(run_cli):
    r = run_cli("""
        from reference_runtime import chan, Panic

        def main():
            c = chan()
            c.close()
            try:
                c.close()
            except Panic:
                raise ValueError("second")
    """)
    assert r.returncode == 2
    assert r.stderr.startswith("panic: close of closed channel [recovered]\n"
                               "\tpanic: ValueError: second\n\ngoroutine 1 [running]:\n")


def test_three_nested_panics_print_in_the_order_they_happened(run_cli):
    r = run_cli("""
        from reference_runtime import Panic

        def main():
            try:
                try:
                    raise Panic("first")
                except Panic:
                    raise KeyError("second")
            except KeyError:
                raise Panic("third")
    """)
    assert r.returncode == 2
    assert r.stderr.startswith("panic: first [recovered]\n"
                               "\tpanic: KeyError: 'second' [recovered]\n"
                               "\tpanic: third\n\ngoroutine 1 [running]:\n")


def test_an_explicitly_chained_exception_prints_as_a_nested_panic(run_cli):
    r = run_cli("""
        def main():
            try:
                {}["missing"]
            except KeyError as e:
                raise RuntimeError("lookup failed") from e
    """)
    assert r.returncode == 2
    assert r.stderr.startswith("panic: KeyError: 'missing' [recovered]\n"
                               "\tpanic: RuntimeError: lookup failed\n")
