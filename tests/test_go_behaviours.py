"""Behaviours that differed from Go, each a tiny program beside Go 1.19's
output.

Each Go program is in ``tests/go_behaviours/NAME/main.go`` with what Go
1.19.8 printed on stderr (``go1.19.stderr``, paths made relative) and its
exit status (``go1.19.status``), recorded once with ``go build`` and a run
of the binary.  The tests never run Go: they run the Python port through
``python -m reference_runtime`` and compare with the recording.
"""
from __future__ import annotations

import pathlib
import re

import pytest

from reference_runtime import Deadlock, FatalError, Panic, chan, go, nilchan, run, select
from reference_runtime.chan import MAX_CHAN_SIZE

GO = pathlib.Path(__file__).parent / "go_behaviours"


def go_stderr(name: str) -> str:
    return (GO / name / "go1.19.stderr").read_text()


def go_status(name: str) -> int:
    return int((GO / name / "go1.19.status").read_text())


def head(stderr: str) -> str:
    """The report's first paragraph: the panic or fatal-error lines."""
    return stderr.split("\n\n")[0]


def check_head(run_cli, name: str, source: str) -> None:
    r = run_cli(source)
    assert (head(r.stderr), r.returncode) == (head(go_stderr(name)), go_status(name)), r.stderr


# ------------------------------------------------------------- makechan

def test_a_channel_too_large_to_allocate_panics_makechan_size_out_of_range(run_cli):
    check_head(run_cli, "makechan", """
        from reference_runtime import chan

        def main():
            c = chan(1 << 59)
    """)
    assert go_stderr("makechan").startswith("panic: makechan: size out of range\n")


def test_makechan_accepts_the_largest_size_go_would_allocate_and_not_one_more():
    assert chan(MAX_CHAN_SIZE).cap == MAX_CHAN_SIZE
    with pytest.raises(Panic, match="^makechan: size out of range$"):
        chan(MAX_CHAN_SIZE + 1)
    with pytest.raises(Panic, match="^makechan: size out of range$"):
        chan(-1)


# ------------------------------------------------------------ go of nil

def test_go_of_none_is_gos_fatal_error_go_of_nil_func_value(run_cli):
    check_head(run_cli, "gonil", """
        from reference_runtime import go

        def main():
            f = None
            go(f)
    """)
    assert head(go_stderr("gonil")) == "fatal error: go of nil func value"


def test_go_of_none_raises_fatal_error_in_process():
    with pytest.raises(FatalError) as ei:
        run(lambda: go(None), gomaxprocs=1)
    assert str(ei.value) == "go of nil func value"


def test_go_of_a_value_that_is_not_a_function_is_still_a_type_error():
    with pytest.raises(TypeError, match="not callable"):
        run(lambda: go(42), gomaxprocs=1)


# ------------------------------------------------- panics and goexit()

def test_a_panic_in_a_finally_while_goexit_unwinds_prints_only_the_panic(run_cli):
    check_head(run_cli, "goexit_panic", """
        from reference_runtime import Panic, goexit

        def main():
            try:
                goexit()
            finally:
                raise Panic("in defer")
    """)
    assert head(go_stderr("goexit_panic")) == "panic: in defer"


def test_a_panic_raised_in_a_finally_is_not_marked_recovered(run_cli):
    check_head(run_cli, "nested_unrecovered", """
        from reference_runtime import Panic

        def main():
            try:
                raise Panic("first")
            finally:
                raise Panic("second")
    """)
    assert head(go_stderr("nested_unrecovered")) == "panic: first\n\tpanic: second"


def test_a_panic_raised_after_catching_one_marks_the_caught_one_recovered(run_cli):
    check_head(run_cli, "nested_recovered", """
        from reference_runtime import Panic

        def main():
            try:
                raise Panic("first")
            except Panic:
                raise Panic("second")
    """)
    assert head(go_stderr("nested_recovered")) == "panic: first [recovered]\n\tpanic: second"


def test_raise_from_marks_the_named_panic_recovered(run_cli):
    r = run_cli("""
        from reference_runtime import Panic

        def main():
            try:
                raise Panic("first")
            except Panic as e:
                err = e
            raise Panic("second") from err
    """)
    assert head(r.stderr) == "panic: first [recovered]\n\tpanic: second"


def test_an_exception_from_a_with_blocks_exit_is_not_marked_recovered(run_cli):
    r = run_cli("""
        from reference_runtime import Panic

        class Deferred:
            def __enter__(self):
                return self
            def __exit__(self, *exc):
                raise Panic("second")

        def main():
            with Deferred():
                raise Panic("first")
    """)
    assert head(r.stderr) == "panic: first\n\tpanic: second"


def test_catching_the_panic_does_not_cancel_goexit(run_cli):
    r = run_cli("""
        from reference_runtime import Panic, goexit

        def main():
            try:
                try:
                    goexit()
                finally:
                    raise Panic("in defer")
            except Panic:
                pass
    """)
    assert (r.stderr, r.returncode) == (go_stderr("goexit_recover"), go_status("goexit_recover"))
    assert r.stderr == "fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n"


def test_a_goroutine_whose_caught_panic_interrupted_goexit_still_exits_in_process():
    def main():
        from reference_runtime import Panic, goexit
        done = chan()

        def worker():
            try:
                try:
                    goexit()
                finally:
                    raise Panic("in defer")
            except Panic:
                pass
            return "its return value is dropped, as Goexit's"

        go(worker)
        go(lambda: done.send("other"))
        return done.recv()

    assert run(main, gomaxprocs=1) == "other"


def test_a_panic_value_whose_str_calls_the_runtime_prints_gos_panic(run_cli):
    check_head(run_cli, "panic_str_runtime", """
        from reference_runtime import Panic, num_goroutine

        class E:
            def __str__(self):
                return f"goroutines: {num_goroutine()}"

        def main():
            raise Panic(E())
    """)
    assert head(go_stderr("panic_str_runtime")) == "panic: goroutines: 1"


def test_a_panic_value_whose_str_fails_still_prints_a_report(run_cli):
    r = run_cli("""
        from reference_runtime import Panic

        class E:
            def __str__(self):
                raise ValueError("no text")

        def main():
            raise Panic(E())
    """)
    assert r.returncode == 2
    assert head(r.stderr) == "panic: <Panic.__str__ raised ValueError: no text>"


def test_panic_none_prints_panic_nil(run_cli):
    check_head(run_cli, "panic_nil", """
        from reference_runtime import Panic

        def main():
            raise Panic(None)
    """)
    assert head(go_stderr("panic_nil")) == "panic: nil"
    assert str(Panic(None)) == "nil"


# ------------------------------------------- one-case select (review L3)

SEL1 = """
    from reference_runtime import chan, go, nilchan, select

    def main():
        c = chan()
        d = chan()
        go(lambda: select(d.recv))
        nilc = nilchan
        go(lambda: select(nilc.recv))
        go(lambda: select(nilc.recv, nilc.recv))
        v = select(c.recv)
"""


def _blocks(stderr: str) -> list:
    """(wait reason, created-by line) per goroutine block, in order."""
    out = []
    for block in stderr.split("\n\n")[1:]:
        lines = block.splitlines()
        reason = re.match(r"goroutine \d+ \[(.*)\]:$", lines[0]).group(1)
        created = [ln for ln in lines if ln.startswith("created by")]
        out.append((reason, created[0] if created else None))
    return out


def test_a_one_case_select_waits_as_a_channel_operation_as_in_go_sel1(run_cli):
    r = run_cli(SEL1, "--gomaxprocs", "1")
    assert (head(r.stderr), r.returncode) == (head(go_stderr("sel1")), go_status("sel1"))
    assert _blocks(r.stderr) == _blocks(go_stderr("sel1")) == [
        ("chan receive", None),
        ("chan receive", "created by main.main"),
        ("chan receive (nil chan)", "created by main.main"),
        ("select", "created by main.main"),
    ]


def test_a_one_case_select_returns_as_select_does():
    def main():
        c = chan(2)
        select((c.send, "v"))
        got = select(c.recv)
        c.send("w")
        got_ok = select(c.recv_ok)
        return got, got_ok

    assert run(main, gomaxprocs=1) == ((0, "v"), (0, ("w", True)))


def test_a_one_case_select_on_a_closed_channel_behaves_as_the_operation():
    def main():
        c = chan()
        c.close()
        return select(c.recv_ok)

    assert run(main, gomaxprocs=1) == (0, (None, False))
    with pytest.raises(Panic, match="send on closed channel"):
        def send_closed():
            c = chan()
            c.close()
            select((c.send, 1))
        run(send_closed, gomaxprocs=1)


def test_a_case_with_default_does_not_block():
    assert run(lambda: select(chan().recv, default_case()), gomaxprocs=1) == (1, None)
    assert run(lambda: select(nilchan.recv, default_case()), gomaxprocs=1) == (1, None)


def default_case():
    from reference_runtime import default
    return default


def test_a_one_case_send_select_blocks_as_chan_send():
    with pytest.raises(Deadlock) as ei:
        run(lambda: select((chan().send, 1)), gomaxprocs=1)
    assert ei.value.goroutines == [(1, "chan send")]


# ------------------------------------------------ traceback format (L4)

def test_created_by_lines_are_go_1_19s_by_default_and_go_1_21s_on_request():
    def main():
        go(lambda: chan().recv())
        chan().recv()

    with pytest.raises(Deadlock) as ei:
        run(main, gomaxprocs=1)
    assert re.search(r"^created by \S*test_created_by_lines_\w+\.<locals>\.main$",
                     str(ei.value), re.M)
    with pytest.raises(Deadlock) as ei:
        run(main, gomaxprocs=1, traceback="go1.21")
    assert re.search(r"^created by .*\.main in goroutine 1$", str(ei.value), re.M)


def test_an_unknown_traceback_format_is_refused():
    with pytest.raises(ValueError, match="traceback must be"):
        run(lambda: None, traceback="go1.20")


# ----------------------------------------------------- minutes (L5)

def test_the_minutes_a_goroutine_waited_are_always_plural():
    from reference_runtime.g import G, Gwaiting
    from reference_runtime.trace import status_text
    g = G()
    g.status = Gwaiting
    g.wait_reason = "chan receive"
    g.waitsince = 100.0
    assert status_text(g, 100.0 + 61) == "chan receive, 1 minutes"
    assert status_text(g, 100.0 + 59) == "chan receive"


def test_a_parked_goroutine_has_no_waitsince_as_before_any_go_gc():
    def main():
        from reference_runtime import sleep
        g = go(lambda: chan().recv())
        sleep(120)
        return g.waitsince

    assert run(main, gomaxprocs=1, clock="virtual") == 0.0


# ------------------------------------------- Go 1.23 timers, side by side

def reset_after_fire():
    """Go's classic Reset pitfall (golang/go#37196, fixed by Go 1.23): the
    timer fires while nobody receives, then is reset for one more second."""
    from reference_runtime import Timer, now, sleep
    t = Timer(1.0)
    sleep(2.0)                    # it fires at 1.0; nobody receives
    seen = len(t.c), t.c.cap
    was_pending = t.reset(1.0)
    start = now()
    fired_at = t.c.recv()
    return seen, was_pending, now() - start, fired_at


def test_before_go_1_23_reset_leaves_the_stale_time_in_the_timer_channel():
    seen, was_pending, waited, fired_at = run(reset_after_fire, clock="virtual", gomaxprocs=1)
    assert seen == (1, 1)         # one buffered slot, holding the time it fired
    assert was_pending is False   # it had fired
    assert waited == 0.0          # the receive gets the stale value at once
    assert fired_at == 1.0


def test_go_1_23_reset_takes_back_the_stale_time():
    seen, was_pending, waited, fired_at = run(reset_after_fire, clock="virtual", gomaxprocs=1,
                                              timers="go1.23")
    assert seen == (0, 0)         # an unbuffered channel, as a program sees it
    assert was_pending is True    # the unreceived value counts as pending
    assert waited == 1.0          # the receive waits for the reset timer
    assert fired_at == 3.0


def stop_after_fire():
    from reference_runtime import Timer, default, select, sleep
    t = Timer(1.0)
    sleep(2.0)
    return t.stop(), select(t.c.recv, default)


def test_stop_after_the_timer_fired_before_go_1_23_and_in_go_1_23():
    assert run(stop_after_fire, clock="virtual", gomaxprocs=1) == (False, (0, 1.0))
    assert run(stop_after_fire, clock="virtual", gomaxprocs=1, timers="go1.23") == (True, (1, None))


def test_a_go_1_23_timer_still_delivers_to_a_waiting_receiver():
    def main():
        from reference_runtime import Timer, after, now
        t = Timer(0.5)
        return t.c.recv(), after(0.25).recv(), now()

    assert run(main, clock="virtual", gomaxprocs=1, timers="go1.23") == (0.5, 0.75, 0.75)


def ticker_reset_after_missed_tick():
    from reference_runtime import Ticker, default, select, sleep
    tk = Ticker(1.0)
    sleep(1.5)                    # one tick waits in the channel
    tk.reset(1.0)
    return select(tk.c.recv, default)


def test_ticker_reset_drops_the_missed_tick_only_in_go_1_23():
    assert run(ticker_reset_after_missed_tick, clock="virtual", gomaxprocs=1) == (0, 1.0)
    assert run(ticker_reset_after_missed_tick, clock="virtual", gomaxprocs=1,
               timers="go1.23") == (1, None)


def test_an_unknown_timers_setting_is_refused():
    with pytest.raises(ValueError, match="timers must be"):
        run(lambda: None, timers="go1.24")


def test_the_command_line_prints_go_1_21s_created_by_on_request(run_cli):
    r = run_cli(SEL1, "--gomaxprocs", "1", "--traceback", "go1.21")
    created = [c for _, c in _blocks(r.stderr) if c]
    assert created == ["created by main.main in goroutine 1"] * 3
