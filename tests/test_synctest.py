"""Bubbles (reference_runtime.synctest, Go's testing/synctest): a fake
clock that moves only when every goroutine of the bubble is durably
blocked, a wait for the others to block, and Go's deadlock texts."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from reference_runtime import (Deadlock, Mutex, Panic, WaitGroup, after, chan, go, gosched, now,
                               run, select, sleep, syscall, synctest)

EPOCH = 946684800.0   # 2000-01-01T00:00:00Z


def test_the_fake_clock_starts_at_midnight_utc_2000_01_01():
    import datetime
    assert synctest.run(now) == EPOCH == synctest.EPOCH
    assert datetime.datetime.fromtimestamp(EPOCH, datetime.timezone.utc).isoformat() == \
        "2000-01-01T00:00:00+00:00"


def test_a_sleep_takes_exactly_its_duration_and_no_real_time():
    def body():
        sleep(3600)
        return now()

    start = time.monotonic()
    assert synctest.run(body) == EPOCH + 3600
    assert time.monotonic() - start < 5


def test_time_does_not_move_while_any_goroutine_can_run():
    def body():
        seen = []

        def spinner():
            for _ in range(200):
                seen.append(now())
                gosched()

        go(spinner)
        sleep(1)
        return set(seen), now()

    assert synctest.run(body, gomaxprocs=1) == ({EPOCH}, EPOCH + 1)


def test_run_returns_fns_result_only_after_every_goroutine_it_started_has_ended():
    ended = []

    def body():
        def late():
            sleep(5)
            ended.append(now())
        go(late)
        return "result"

    assert synctest.run(body) == "result"
    assert ended == [EPOCH + 5]


def test_args_and_kwargs_go_to_fn():
    assert synctest.run(lambda a, b=0: (a, b), 1, b=2) == (1, 2)


def test_a_bubble_blocked_with_no_timer_raises_gos_deadlock():
    with pytest.raises(Deadlock) as ei:
        synctest.run(lambda: chan().recv())
    assert ei.value.msg == "deadlock: all goroutines in bubble are blocked"
    assert ei.value.goroutines == [(1, "chan receive")]
    assert str(ei.value).startswith("deadlock: all goroutines in bubble are blocked\n\n"
                                    "goroutine 1 [chan receive (durable), synctest bubble 1]:\n")


def test_a_goroutine_left_blocked_after_fn_returns_is_reported_as_a_leak():
    def body():
        go(lambda: chan().recv())
        return "returned"

    with pytest.raises(Deadlock) as ei:
        synctest.run(body)
    assert ei.value.msg == ("deadlock: main bubble goroutine has exited but blocked "
                            "goroutines remain")
    assert [reason for _, reason in ei.value.goroutines] == ["chan receive"]


def test_an_exception_in_the_bubble_is_re_raised():
    def body():
        go(lambda: 1 / 0)
        sleep(1)

    with pytest.raises(ZeroDivisionError):
        synctest.run(body)


# ------------------------------------------------------------- wait()

def test_wait_returns_once_every_other_goroutine_is_durably_blocked():
    def body():
        c = chan()
        got = []

        def receiver():
            got.append(c.recv())
            got.append(c.recv())

        go(receiver)
        synctest.wait()               # receiver is parked on c, nothing received
        first = list(got)
        c.send("a")
        synctest.wait()               # it took "a" and parked again
        second = list(got)
        c.send("b")
        return first, second, now()

    assert synctest.run(body) == ([], ["a"], EPOCH)


def test_wait_returns_before_the_fake_clock_moves():
    def body():
        fired = []
        go(lambda: (sleep(1), fired.append(now())))
        synctest.wait()
        before = (list(fired), now())
        sleep(2)
        return before, fired

    assert synctest.run(body) == (([], EPOCH), [EPOCH + 1])


@pytest.mark.parametrize("block", ["recv", "send", "select", "sleep", "waitgroup", "nil"])
def test_each_durable_block_lets_wait_return(block):
    def body():
        c = chan()
        wg = WaitGroup()
        wg.add(1)
        action = {
            "recv": c.recv, "send": lambda: c.send(1),
            "select": lambda: select(c.recv, (c.send, 2)),
            "sleep": lambda: sleep(10), "waitgroup": wg.wait,
            "nil": lambda: synctest_nil_recv(),
        }[block]
        g = go(action)
        synctest.wait()
        reason = g.wait_reason
        # let it end, so run() returns
        if block == "recv":
            c.send(0)
        elif block in ("send", "select"):
            c.recv()
        elif block == "waitgroup":
            wg.done()
        elif block == "nil":
            return reason, "leaves it"
        return reason

    expected = {"recv": "chan receive", "send": "chan send", "select": "select",
                "sleep": "sleep", "waitgroup": "sync.WaitGroup.Wait"}
    if block == "nil":
        with pytest.raises(Deadlock) as ei:
            synctest.run(body)
        assert ei.value.goroutines[-1][1] == "chan receive (nil chan)"
    else:
        assert synctest.run(body) == expected[block]


def synctest_nil_recv():
    from reference_runtime import nilchan
    nilchan.recv()


def test_a_goroutine_blocked_on_a_mutex_is_not_durably_blocked():
    def body():
        m = Mutex()
        m.lock()
        go(m.lock)
        sleep(1)                      # Go: time never moves; the test would hang

    with pytest.raises(Deadlock) as ei:
        synctest.run(body)
    assert "sync.Mutex.Lock" in ei.value.msg and "not durably blocked" in ei.value.msg
    assert "goroutine 2 [sync.Mutex.Lock, synctest bubble 1]:" in str(ei.value)


def test_a_system_call_in_flight_holds_the_fake_clock():
    def body():
        seen = []

        def caller():
            syscall(time.sleep, 0.05)  # real time passes, fake time does not
            seen.append(now())

        go(caller)
        sleep(1)
        return seen, now()

    assert synctest.run(body) == ([EPOCH], EPOCH + 1)


def test_wait_outside_a_bubble_panics_as_go():
    with pytest.raises(Panic, match="^goroutine is not in a bubble"):
        synctest.wait()
    with pytest.raises(Panic, match="^goroutine is not in a bubble"):
        run(synctest.wait)


def test_two_goroutines_waiting_at_once_panics_as_go():
    def body():
        go(synctest.wait)
        gosched()
        synctest.wait()

    with pytest.raises(Panic, match="^wait already in progress"):
        synctest.run(body, gomaxprocs=1)


def test_a_bubble_cannot_be_started_inside_a_run():
    with pytest.raises(RuntimeError, match="cannot be called inside run"):
        run(lambda: synctest.run(lambda: None))


# --------------------------------------------- a timeout loop, tested

def ask(fetch, answer) -> None:
    answer.send(fetch())


def fetch_with_retries(fetch, attempts: int = 3, timeout: float = 1.0):
    """The program under test: ask `fetch` in a goroutine, give each try
    `timeout` seconds, give up after `attempts` tries."""
    for attempt in range(attempts):
        c = chan(1)
        go(ask, fetch, c)                 # arguments bound now, as Go's go statement
        k, v = select(c.recv, after(timeout).recv)
        if k == 0:
            return attempt, v, now()
    raise TimeoutError(f"no answer after {attempts} tries, at {now() - EPOCH:g} s")


def test_a_timeout_loop_gives_up_after_exactly_three_timeouts():
    def never_answers():
        sleep(3600)

    with pytest.raises(TimeoutError, match="no answer after 3 tries, at 3 s"):
        synctest.run(fetch_with_retries, never_answers)


def test_a_timeout_loop_takes_the_answer_that_arrives_within_a_timeout():
    answers = iter([5.0, 0.5])       # the first try is too slow, the second in time

    def slow_then_fast():
        sleep(next(answers))
        return "answer"

    assert synctest.run(fetch_with_retries, slow_then_fast) == (1, "answer", EPOCH + 1.5)


# --------------------------------------------------- the pytest plugin

def test_the_pytest_plugin_runs_a_marked_test_in_a_bubble(tmp_path):
    (tmp_path / "conftest.py").write_text(
        'pytest_plugins = ["reference_runtime.pytest_plugin"]\n')
    (tmp_path / "test_prog.py").write_text(textwrap.dedent("""
        import pytest
        from reference_runtime import after, chan, go, now, select, sleep

        @pytest.fixture
        def limit():
            return 2.0

        @pytest.mark.synctest
        def test_timeout(limit):
            start = now()
            k, _ = select(chan().recv, after(limit).recv)
            assert (k, now() - start, start) == (1, 2.0, 946684800.0)

        @pytest.mark.synctest(gomaxprocs=1, timers="go1.23")
        def test_options(synctest):
            from reference_runtime import Timer
            t = Timer(1)
            sleep(2)
            assert t.stop() is True      # go1.23 semantics reached the bubble
            synctest.wait()

        @pytest.mark.synctest
        def test_leak_fails():
            go(lambda: chan().recv())

        def test_unmarked_is_untouched():
            from reference_runtime import runtime
            with pytest.raises(RuntimeError):
                runtime()
    """))
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        str(tmp_path)], capture_output=True, text=True, cwd=tmp_path,
                       timeout=120)
    assert "3 passed, 1 failed" in r.stdout or "1 failed, 3 passed" in r.stdout, r.stdout
    assert "test_leak_fails" in r.stdout
    assert "deadlock: main bubble goroutine has exited but blocked goroutines remain" in r.stdout
