"""Timers: sleep, now, after, tick and Timer, as Go before 1.23 specifies
them (runtime/time.go: timeSleep, addtimer, deltimer, runtimer; time/sleep.go:
Sleep, NewTimer, Stop, Reset, After; time/tick.go: Tick).

Almost every test runs under the virtual clock (Go's faketime), where time
stands still while a goroutine can run and jumps to the next timer when
none can: the times asserted are exact, and no test waits in wall time.
"""
from __future__ import annotations

import time

import pytest

from reference_runtime import (Deadlock, Timer, WaitGroup, after, after_func, chan,
                               current_goroutine, default, go, gomaxprocs, gosched, nilchan,
                               now, run, select, sleep, tick)


def vrun(main, **kw):
    kw.setdefault("gomaxprocs", 1)
    kw.setdefault("clock", "virtual")
    kw.setdefault("seed", 1)
    return run(main, **kw)


# ------------------------------------------------------------------ sleep

@pytest.mark.parametrize("procs", [1, 4])
def test_sleepers_wake_in_the_order_of_their_deadlines(procs):
    def main():
        woke = chan(4)
        wg = WaitGroup()
        for d in (3.0, 1.0, 4.0, 2.0):
            wg.add(1)

            def sleeper(d=d):
                sleep(d)
                woke.send((d, now()))
                wg.done()
            go(sleeper)
        wg.wait()
        woke.close()
        return list(woke)

    assert vrun(main, gomaxprocs=procs) == [(1.0, 1.0), (2.0, 2.0), (3.0, 3.0), (4.0, 4.0)]


def test_sleep_under_the_real_clock_never_wakes_before_its_deadline():
    """Go: "Sleep pauses the current goroutine for at least the duration".
    (No order is asserted here: on a loaded machine two deadlines can pass
    before the runtime looks, and timers due together may run in either
    order.)"""
    def main():
        woke = chan(3)
        for d in (0.03, 0.01, 0.02):
            go(lambda d=d: (sleep(d), woke.send((d, now()))))
        return [woke.recv() for _ in range(3)]

    woke = run(main, gomaxprocs=1)
    assert sorted(d for d, _ in woke) == [0.01, 0.02, 0.03]
    assert all(t >= d for d, t in woke)


@pytest.mark.parametrize("d", [0, 0.0, -1, -0.5])
def test_sleep_of_zero_or_a_negative_duration_returns_at_once_without_yielding(d):
    """time.Sleep(d) with d <= 0 returns immediately: it does not even let
    a runnable goroutine in first."""
    log = []

    def main():
        go(log.append, "other ran")
        sleep(d)
        log.append("main resumed")
        return now()

    assert vrun(main) == 0.0
    assert log == ["main resumed"]


def test_a_sleeping_goroutine_is_parked_with_wait_reason_sleep(wait_parked):
    def main():
        g = go(sleep, 10)
        wait_parked(g, "sleep")
        return now()

    assert vrun(main) == 0.0


def test_a_pending_timer_is_not_a_deadlock():
    def main():
        sleep(5)
        return now()

    assert vrun(main) == 5.0


def test_sleepers_on_ps_that_gomaxprocs_removes_still_wake_on_time():
    """procresize moves a destroyed P's timers to a live P (moveTimers)."""
    def main():
        woke, wg = chan(12), WaitGroup()
        for i in range(12):
            wg.add(1)
            go(lambda i=i: (sleep(1 + i / 10), woke.send((i, now())), wg.done()))
            gosched()                  # spread the goroutines, and their timers, over the Ps
        sleep(0.5)
        gomaxprocs(1)
        wg.wait()
        woke.close()
        return list(woke)

    events = []
    woke = vrun(main, gomaxprocs=4, trace=events)
    parked_on = {e.p for e in events if e.kind == "park" and e.detail == "sleep"}
    assert parked_on - {0}, "no timer was on a P that gomaxprocs(1) removes"
    assert [i for i, _ in woke] == list(range(12))
    assert all(t == pytest.approx(1 + i / 10, abs=1e-9) for i, t in woke)


# -------------------------------------------------------------------- now

def test_virtual_clock_starts_at_zero_and_jumps_to_the_next_timer():
    def main():
        t = [now()]
        sleep(2.5)
        t.append(now())
        sleep(0.25)
        t.append(now())
        return t

    assert vrun(main) == [0.0, 2.5, 2.75]


def test_virtual_time_stands_still_while_goroutines_run():
    def main():
        t0 = now()
        wg = WaitGroup()
        for _ in range(200):
            wg.add(1)
            go(lambda: (gosched(), chan(1).send(None), wg.done()))
        wg.wait()
        return t0, now()

    assert vrun(main) == (0.0, 0.0)


def test_virtual_sleeps_take_no_wall_time():
    def main():
        for _ in range(10):
            sleep(3600)
        return now()

    start = time.monotonic()
    assert vrun(main) == 36000.0
    assert time.monotonic() - start < 5.0      # ten hours of virtual time; loose bound


def test_real_clock_now_advances_by_at_least_the_sleep():
    def main():
        t0 = now()
        sleep(0.02)
        return t0, now()

    t0, t1 = run(main, gomaxprocs=1)
    assert 0.0 <= t0 < 1.0
    assert t1 - t0 >= 0.02
    assert t1 - t0 < 2.0                        # sanity bound only


def test_now_never_goes_backwards():
    def main():
        readings = []
        for _ in range(200):
            readings.append(now())
            sleep(0.0001)
        return readings

    readings = run(main, gomaxprocs=1)
    assert readings == sorted(readings)


# ------------------------------------------------------------------ after

def test_after_delivers_the_time_once_after_the_duration():
    def main():
        c = after(2)
        v = c.recv()
        at = now()
        sleep(10)
        return v, at, select(c.recv, default)

    assert vrun(main) == (2.0, 2.0, (1, None))


def test_after_channel_has_one_buffered_slot():
    """Go before 1.23: time.After's channel has capacity 1, so the timer
    never blocks on a receiver that is not there."""
    def main():
        c = after(1)
        sleep(5)
        return c.cap, len(c), c.recv()

    assert vrun(main) == (1, 1, 1.0)


@pytest.mark.parametrize("d", [0, -3])
def test_after_with_zero_or_negative_duration_fires_at_once(d):
    def main():
        return after(d).recv(), now()

    assert vrun(main) == (0.0, 0.0)


def test_after_in_select_is_a_timeout():
    def main():
        never = chan()
        return select(never.recv, after(0.5).recv), now()

    assert vrun(main) == ((1, 0.5), 0.5)


# ------------------------------------------------------------------- tick

def test_tick_delivers_the_time_every_period():
    def main():
        c = tick(1.5)
        return [c.recv() for _ in range(4)]

    assert vrun(main) == [1.5, 3.0, 4.5, 6.0]


def test_tick_drops_the_ticks_a_slow_receiver_misses():
    """The ticker's channel holds one tick; the ticks at 2 and 3 find it
    full and are dropped, and the next one comes at 4."""
    def main():
        c = tick(1)
        sleep(3.5)
        return c.recv(), c.recv(), now()

    assert vrun(main) == (1.0, 4.0, 4.0)


@pytest.mark.parametrize("d", [0, -1])
def test_tick_of_a_non_positive_duration_is_the_nil_channel(d):
    def main():
        c = tick(d)
        return c is nilchan, select(c.recv, default)

    assert vrun(main) == (True, (1, None))


# ------------------------------------------------------------------ Timer

def test_timer_fires_once_after_its_duration():
    def main():
        t = Timer(3)
        return t.c.recv(), now()

    assert vrun(main) == (3.0, 3.0)


def test_timer_stop_before_it_fires_returns_true_and_nothing_is_sent():
    def main():
        t = Timer(2)
        sleep(1)
        stopped = t.stop()
        sleep(5)
        return stopped, len(t.c), select(t.c.recv, default)

    assert vrun(main) == (True, 0, (1, None))


def test_timer_stop_after_it_fired_returns_false():
    def main():
        t = Timer(1)
        sleep(2)
        return t.stop()

    assert vrun(main) is False


def test_timer_stop_twice_returns_false_the_second_time():
    def main():
        t = Timer(1)
        return t.stop(), t.stop()

    assert vrun(main) == (True, False)


def test_a_fired_value_stays_in_the_channel_after_stop():
    """Go before 1.23: Stop does not drain the channel; the value sent at
    1.0 is still there to receive."""
    def main():
        t = Timer(1)
        sleep(2)
        stopped = t.stop()
        return stopped, len(t.c), t.c.recv()

    assert vrun(main) == (False, 1, 1.0)


@pytest.mark.parametrize("clock", ["virtual", "real"])
def test_receiving_from_a_stopped_timer_blocks_forever(clock):
    """Go 1.19 reports it as a deadlock: ``goroutine 1 [chan receive]:``."""
    def main():
        t = Timer(1)
        t.stop()
        t.c.recv()

    with pytest.raises(Deadlock) as ei:
        vrun(main, clock=clock)
    assert ei.value.goroutines == [(1, "chan receive")]


def test_timer_reset_on_a_pending_timer_moves_its_deadline_and_returns_true():
    def main():
        t = Timer(5)
        sleep(1)
        was_active = t.reset(1)
        return was_active, t.c.recv(), now()

    assert vrun(main) == (True, 2.0, 2.0)


def test_timer_reset_after_it_fired_returns_false_and_fires_again():
    def main():
        t = Timer(1)
        first = t.c.recv()
        was_active = t.reset(2)
        return first, was_active, t.c.recv(), now()

    assert vrun(main) == (1.0, False, 3.0, 3.0)


def test_reset_without_draining_keeps_the_stale_value_and_the_new_firing_is_dropped():
    """Go before 1.23 (checked with Go 1.19): Reset does not drain the
    channel, so the value of the first firing is still there, and the
    second firing finds the slot full and is lost."""
    def main():
        t = Timer(1)
        sleep(2)
        was_active = t.reset(1)
        sleep(3)
        return was_active, t.c.recv(), select(t.c.recv, default)

    assert vrun(main) == (False, 1.0, (1, None))


def test_timer_reset_after_stop_rearms_it():
    def main():
        t = Timer(1)
        t.stop()
        was_active = t.reset(4)
        return was_active, t.c.recv()

    assert vrun(main) == (False, 4.0)


@pytest.mark.parametrize("d", [0, -1])
def test_timer_reset_to_zero_or_negative_fires_at_once(d):
    def main():
        t = Timer(5)
        return t.reset(d), t.c.recv(), now()

    assert vrun(main) == (True, 0.0, 0.0)


def test_after_func_calls_fn_in_its_own_goroutine_after_the_duration():
    def main():
        ran = chan(1)
        after_func(1.5, lambda: ran.send((now(), current_goroutine().goid)))
        at, goid = ran.recv()
        return at, goid != current_goroutine().goid

    assert vrun(main) == (1.5, True)


def test_after_func_stopped_in_time_never_calls_fn():
    def main():
        calls = []
        t = after_func(1, lambda: calls.append("called"))
        stopped = t.stop()
        sleep(5)
        return stopped, calls

    assert vrun(main) == (True, [])


def test_sleepers_due_together_wake_through_runnext_as_in_go():
    """Go 1.19, GOMAXPROCS=1: goroutines 0..3 spawned, each sleeping 10 ms,
    run 3, 0, 1, 2 (runnext first), so their timers fire in that order;
    each wakeup goes to runnext, pushing the previous one to the queue:
    they print 2, 3, 0, 1 (same in every run)."""
    def main():
        woke, wg = [], WaitGroup()
        for i in range(4):
            wg.add(1)
            go(lambda i=i: (sleep(0.01), woke.append(i), wg.done()))
        wg.wait()
        return woke

    assert vrun(main) == [2, 3, 0, 1]


def test_timers_that_expire_together_all_fire_at_that_time():
    """Go does not promise an order among timers due at the same instant
    (Go 1.19 can wake them in reverse); all of them fire, at that time."""
    def main():
        woke = chan(5)
        for i in range(5):
            go(lambda i=i: (sleep(1), woke.send((i, now()))))
        timers = [Timer(1) for _ in range(3)]
        got = sorted(woke.recv() for _ in range(5))
        return got, [t.c.recv() for t in timers], now()

    got, timer_values, t = vrun(main)
    assert got == [(i, 1.0) for i in range(5)]
    assert timer_values == [1.0, 1.0, 1.0]
    assert t == 1.0


# ----------------------------------------------- whole programs, against Go

def test_select_with_after_as_a_timeout_gives_gos_results():
    """Workers that take 10, 70 and 40 ms, each racing a 55 ms time.After:
    Go 1.19 prints ok0 ok2 timeout1."""
    def main():
        res = chan(3)
        for i, d in enumerate([0.010, 0.070, 0.040]):
            def worker(i=i, d=d):
                c = chan(1)
                go(lambda: (sleep(d), c.send(i)))
                k, v = select(c.recv, after(0.055).recv)
                res.send(f"ok{v}" if k == 0 else f"timeout{i}")
            go(worker)
        return " ".join(res.recv() for _ in range(3))

    assert vrun(main) == "ok0 ok2 timeout1"


def test_tick_until_a_deadline_gives_gos_ticks():
    """A 20 ms ticker until a 75 ms time.After: Go 1.19 prints tick1 tick2
    tick3 done."""
    def main():
        out, ticks, done = [], tick(0.020), after(0.075)
        while True:
            k, _ = select(ticks.recv, done.recv)
            if k == 1:
                out.append("done")
                return " ".join(out)
            out.append(f"tick{len(out) + 1}")

    assert vrun(main) == "tick1 tick2 tick3 done"
