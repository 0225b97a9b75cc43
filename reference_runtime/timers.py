"""Timers: sleep, Timer, Ticker, after, tick (Go's ``runtime/time.go`` and
``time/sleep.go``, ``time/tick.go``).

Since Go 1.14 every P keeps its own min-heap of timers, ordered by when they
fire; a P runs its due timers when it schedules (``checkTimers`` in
``findrunnable``), and an idle P steals due timers from others.  Nothing
sleeps on a thread per timer: a goroutine in ``time.Sleep`` is parked with
wait reason ``sleep`` and made ready by its timer's function.

Heap entries are ``(when, seq, timer)``.  Stopping or resetting a timer
gives it a new ``seq``, so its old entry becomes stale and is dropped when
it reaches the top: Go marks such timers ``timerDeleted`` for the same
reason (removing from the middle of a heap is costly, and the heap may
belong to another P).

Timer channels behave as before Go 1.23 by default (``run(...,
timers="go1.22")``): the channel has one buffered slot, the timer sends
without blocking, and a value that fired stays in the slot after ``stop()``
(which then returns False) and after ``reset()``, so the next receive gets
that stale time at once.

``run(..., timers="go1.23")`` gives Go 1.23's synchronous timer channels
(Go's ``asynctimerchan=0``): ``len`` and ``cap`` of ``t.c`` are 0, and
``stop()`` and ``reset()`` take back a value that fired but was not
received (Go's ``timerchandrain``, counted as pending), so no receive after
them sees a time from before.  As in Go's implementation, the channel keeps
one hidden slot; only what a program can observe changes.
"""
from __future__ import annotations

import heapq

from . import sched
from .chan import Chan
from .g import WaitReason


class _RTimer:
    """A runtime timer (Go's ``runtime.timer``)."""

    __slots__ = ("when", "period", "f", "arg", "seq", "p")

    def __init__(self, f, arg, period: float = 0.0) -> None:
        self.when = 0.0
        self.period = period
        self.f = f
        self.arg = arg
        self.seq = -1          # -1: not in any heap
        self.p = None

    @property
    def active(self) -> bool:
        return self.seq >= 0


def addtimer(rt, t: _RTimer, when: float) -> None:
    """Start t, firing at `when` (seconds on the run's clock), on the
    current P's heap."""
    rt.timer_seq += 1
    t.seq = rt.timer_seq
    t.when = when
    p = rt.curp
    if p is None or p.status == 4:
        p = rt.allp[0]
    t.p = p
    heapq.heappush(p.timers, (when, t.seq, t))


def deltimer(rt, t: _RTimer) -> bool:
    """Stop t; True if it was pending (Go's deltimer)."""
    if t.seq < 0:
        return False
    t.seq = -1
    return True


def run_timers(rt, p) -> None:
    """Run p's due timers (Go's checkTimers/runtimer).  Periodic timers are
    re-armed, skipping periods that were missed."""
    now = rt.nanotime()
    ts = p.timers
    while ts and ts[0][0] <= now:
        when, seq, t = heapq.heappop(ts)
        if t.seq != seq:
            continue                      # stopped or reset since
        if t.period > 0:
            missed = int((now - when) / t.period)
            t.when = when + t.period * (1 + missed)
            rt.timer_seq += 1
            t.seq = rt.timer_seq
            heapq.heappush(ts, (t.when, t.seq, t))
        else:
            t.seq = -1
        t.f(t.arg)


def readd_timers(rt, p, entries: list) -> None:
    """Move timers from a P being destroyed to p (Go's moveTimers)."""
    for when, seq, t in entries:
        if t.seq == seq:
            t.p = p
            heapq.heappush(p.timers, (when, seq, t))


# ------------------------------------------------------------------ sleep

def _goroutine_ready(g) -> None:
    sched.current.goready(g)


def sleep(seconds: float) -> None:
    """Park the calling goroutine for `seconds` (Go's time.Sleep): wait
    reason ``sleep``, woken by its timer.  A duration <= 0 returns at once,
    without yielding, as in Go."""
    if seconds <= 0:
        return
    rt = sched.getrt()
    g = rt.curg
    if g is None:
        raise sched.not_on_a_goroutine(rt)
    t = g.timer
    if t is None:
        t = g.timer = _RTimer(_goroutine_ready, g)
    t.arg = g
    rt.addtimer(rt, t, rt.nanotime() + seconds)
    rt.gopark(WaitReason.SLEEP)


def now() -> float:
    """Seconds since run() started, on the run's clock (real or virtual)."""
    return sched.getrt().nanotime()


# ---------------------------------------------------------- Timer, Ticker

class SyncTimerChan(Chan):
    """A Go 1.23 timer channel: ``len`` and ``cap`` are 0; its one hidden
    slot is emptied by stop() and reset()."""

    __slots__ = ()

    def __len__(self) -> int:
        return 0

    @property
    def cap(self) -> int:
        return 0

    def drain(self) -> bool:
        """Take back a time that fired and was not received (Go's
        timerchandrain); True if there was one."""
        if self.buf:
            self.buf.clear()
            return True
        return False

    def __repr__(self) -> str:
        return f"<timer chan (go1.23) recvq={len(self.recvq)}>"


def _timer_chan(rt) -> Chan:
    """The channel of a new Timer or Ticker, as the run's Go version makes it."""
    return SyncTimerChan(1) if rt.timers == "go1.23" else Chan(1)


def _drain(c) -> bool:
    return type(c) is SyncTimerChan and c.drain()

def _send_time(c) -> None:
    """A timer fired: send the time into its channel without blocking
    (Go's sendTime: ``select { case c <- Now(): default: }``)."""
    c.try_send(sched.current.nanotime())


class Timer:
    """A single event after `seconds` (Go's time.Timer): ``t.c`` receives
    the time it fired.  ``stop()`` returns True if it stopped the timer
    before it fired; ``reset(seconds)`` restarts it and returns whether it
    had been pending.  Under ``run(..., timers="go1.23")`` a time that fired
    but was not received counts as pending and is taken back by both, so no
    stale value is received after them (Go 1.23)."""

    __slots__ = ("c", "_r")

    def __init__(self, seconds: float) -> None:
        rt = sched.getrt()
        self.c = _timer_chan(rt)
        self._r = _RTimer(_send_time, self.c)
        rt.addtimer(rt, self._r, rt.nanotime() + max(0.0, seconds))

    def stop(self) -> bool:
        rt = sched.getrt()
        pending = rt.deltimer(rt, self._r)
        if self.c is not None and _drain(self.c):
            pending = True
        return pending

    def reset(self, seconds: float) -> bool:
        rt = sched.getrt()
        active = rt.deltimer(rt, self._r)
        if self.c is not None and _drain(self.c):
            active = True
        rt.addtimer(rt, self._r, rt.nanotime() + max(0.0, seconds))
        return active


class Ticker:
    """Ticks every `seconds` (Go's time.Ticker): ``t.c`` has one slot and
    ticks a slow receiver misses are dropped."""

    __slots__ = ("c", "_r")

    def __init__(self, seconds: float) -> None:
        from .errors import Panic
        if seconds <= 0:
            raise Panic("non-positive interval for NewTicker")
        rt = sched.getrt()
        self.c = _timer_chan(rt)
        self._r = _RTimer(_send_time, self.c, seconds)
        rt.addtimer(rt, self._r, rt.nanotime() + seconds)

    def stop(self) -> None:
        rt = sched.getrt()
        rt.deltimer(rt, self._r)
        _drain(self.c)

    def reset(self, seconds: float) -> None:
        from .errors import Panic
        if seconds <= 0:
            raise Panic("non-positive interval for Ticker.Reset")
        rt = sched.getrt()
        rt.deltimer(rt, self._r)
        _drain(self.c)
        self._r.period = seconds
        rt.addtimer(rt, self._r, rt.nanotime() + seconds)


def after(seconds: float):
    """A channel that receives the time once, after `seconds` (time.After)."""
    return Timer(seconds).c


def tick(seconds: float):
    """A channel that receives the time every `seconds` (time.Tick); the
    nil channel for seconds <= 0, as in Go."""
    if seconds <= 0:
        from .chan import nilchan
        return nilchan
    return Ticker(seconds).c


def _go_func(fn) -> None:
    sched.current.newproc(fn, (), None)


def after_func(seconds: float, fn) -> Timer:
    """Call fn in its own goroutine after `seconds` (time.AfterFunc)."""
    rt = sched.getrt()
    t = Timer.__new__(Timer)
    t.c = None
    t._r = _RTimer(_go_func, fn)
    rt.addtimer(rt, t._r, rt.nanotime() + max(0.0, seconds))
    return t
