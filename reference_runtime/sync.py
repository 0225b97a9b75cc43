"""Semaphores, WaitGroup, Mutex and Once (Go's ``runtime/sema.go`` and
``sync/waitgroup.go``, ``sync/mutex.go``, ``sync/once.go``).

The sync package is built on one runtime primitive, a counting semaphore
whose waiters are parked goroutines, not blocked threads: ``semacquire``
takes a unit or parks; ``semrelease`` adds one and readies the first waiter.
A woken waiter that finds the unit gone (another goroutine barged in)
queues again with the caller's ``lifo`` on every retry, as Go's
``semacquire1`` does; it is ``sync.Mutex`` that queues a goroutine which
has waited before at the front (``queueLifo := waitStartTime != 0``).
``semrelease(handoff=True)`` gives the unit straight to the waiter and
yields to it: this is how a starving Mutex hands itself over.

Mutex follows Go's two modes.  Normal mode: an unlock wakes one waiter,
which must then compete with newly arriving goroutines (who usually win:
they are already running), and a woken waiter that loses goes back to the
front of the queue.  Starvation mode, entered when a waiter has waited
more than 1 ms: unlock hands the mutex directly to the first waiter, and
newcomers queue at the tail.  The mode ends when the last waiter is served
or a waiter waited less than 1 ms.  (Go also spins briefly before parking
on a multicore machine; with every goroutine on one host thread spinning
cannot help, so this Mutex never spins.)
"""
from __future__ import annotations

from collections import deque

from . import sched
from .errors import NEGATIVE_WG, UNLOCK_OF_UNLOCKED, WG_REUSED, FatalError, Panic
from .g import WaitReason

STARVATION_THRESHOLD = 1e-3   # starvationThresholdNs: 1 ms


class Sema:
    """A counting semaphore whose waiters are goroutines."""

    __slots__ = ("count", "waiters")

    def __init__(self, count: int = 0) -> None:
        self.count = count
        self.waiters: deque = deque()   # [g, ticket] lists

    def acquire(self, lifo: bool = False, reason: str = WaitReason.SEMACQUIRE) -> None:
        """Go's semacquire1: take a unit, or park until semrelease gives one."""
        if self.count > 0:
            self.count -= 1
            return
        rt = sched.getrt()
        g = rt.curg
        while True:
            if self.count > 0:
                self.count -= 1
                return
            entry = [g, False]
            if lifo:
                self.waiters.appendleft(entry)
            else:
                self.waiters.append(entry)
            g.waiting = (self.waiters, entry)
            rt.gopark(reason)
            g.waiting = None
            if entry[1]:                  # handed the unit directly
                return
            if self.count > 0:
                self.count -= 1
                return
            # the unit went to someone else: queue again, with the same lifo

    def release(self, handoff: bool = False) -> None:
        """Go's semrelease1: add a unit and ready the first waiter; with
        handoff, give it the unit and yield to it."""
        self.count += 1
        if not self.waiters:
            return
        entry = self.waiters.popleft()
        rt = sched.getrt()
        if handoff and self.count > 0:
            self.count -= 1
            entry[1] = True
        rt.goready(entry[0])
        if entry[1] and rt.curg is not None:
            _goyield(rt)


def _goyield(rt) -> None:
    """Go's goyield: like gosched, but onto the local queue, so the G just
    readied into runnext runs first."""
    g = rt.curg
    g.status = 1   # Grunnable
    rt.runqput(rt, rt.curp, g, False)
    if rt.tracing:
        rt.trace_event("gosched", rt.curp, g, "local")
    rt._schedule()


class WaitGroup:
    """Wait for a collection of goroutines to finish (Go's sync.WaitGroup):
    ``add(n)`` before starting them, ``done()`` in each, ``wait()`` to block
    until the counter is zero."""

    __slots__ = ("_v", "_waiters", "_sema")

    def __init__(self) -> None:
        self._v = 0
        self._waiters = 0
        self._sema = Sema()

    def add(self, n: int) -> None:
        v = self._v + n
        self._v = v
        if v < 0:
            raise Panic(NEGATIVE_WG)
        if v > 0 or self._waiters == 0:
            return
        w = self._waiters
        self._waiters = 0
        for _ in range(w):
            self._sema.release()

    def done(self) -> None:
        self.add(-1)

    def wait(self) -> None:
        if self._v == 0:
            return
        self._waiters += 1
        self._sema.acquire(reason=WaitReason.WAITGROUP_WAIT)
        if self._v != 0 or self._waiters != 0:
            raise Panic(WG_REUSED)

    @property
    def counter(self) -> int:
        return self._v

    def __repr__(self) -> str:
        return f"<WaitGroup counter={self._v} waiters={self._waiters}>"


_LOCKED, _WOKEN, _STARVING, _WAITER_SHIFT = 1, 2, 4, 3


class Mutex:
    """A mutual exclusion lock (Go's sync.Mutex): ``lock()``, ``unlock()``,
    or ``with mu:``.  Not reentrant; unlocking an unlocked Mutex is a fatal
    error, as in Go."""

    __slots__ = ("_state", "_sema")

    def __init__(self) -> None:
        self._state = 0
        self._sema = Sema()

    def lock(self) -> None:
        if self._state == 0:            # fast path: unlocked, no waiters
            self._state = _LOCKED
            return
        self._lock_slow()

    def _lock_slow(self) -> None:
        rt = sched.getrt()
        wait_start = 0.0
        starving = False
        awoke = False
        old = self._state
        while True:
            new = old
            if old & _STARVING == 0:
                new |= _LOCKED            # try to grab it (newcomers may barge in normal mode)
            if old & (_LOCKED | _STARVING):
                new += 1 << _WAITER_SHIFT
            if starving and old & _LOCKED:
                new |= _STARVING
            if awoke:
                new &= ~_WOKEN
            self._state = new
            if old & (_LOCKED | _STARVING) == 0:
                return                    # we locked it
            lifo = wait_start != 0.0
            if wait_start == 0.0:
                wait_start = rt.nanotime() or 1e-12
            self._sema.acquire(lifo, WaitReason.MUTEX_LOCK)
            starving = starving or rt.nanotime() - wait_start > STARVATION_THRESHOLD
            old = self._state
            if old & _STARVING:
                # ownership was handed to us; fix up the state
                delta = _LOCKED - (1 << _WAITER_SHIFT)
                if not starving or old >> _WAITER_SHIFT == 1:
                    delta -= _STARVING    # exit starvation mode
                self._state += delta
                return
            awoke = True

    def unlock(self) -> None:
        new = self._state - _LOCKED
        if (new + _LOCKED) & _LOCKED == 0:
            raise FatalError(UNLOCK_OF_UNLOCKED)
        self._state = new
        if new == 0:
            return
        if new & _STARVING == 0:
            old = new
            if old >> _WAITER_SHIFT == 0 or old & (_LOCKED | _WOKEN | _STARVING):
                return
            self._state = (old - (1 << _WAITER_SHIFT)) | _WOKEN
            self._sema.release(False)
        else:
            self._sema.release(True)

    def try_lock(self) -> bool:
        """Lock if it is free (Go 1.18's TryLock)."""
        if self._state & (_LOCKED | _STARVING):
            return False
        self._state |= _LOCKED
        return True

    @property
    def locked(self) -> bool:
        return bool(self._state & _LOCKED)

    def __enter__(self) -> "Mutex":
        self.lock()
        return self

    def __exit__(self, *exc) -> None:
        self.unlock()

    def __repr__(self) -> str:
        s = self._state
        return (f"<Mutex locked={bool(s & _LOCKED)} starving={bool(s & _STARVING)} "
                f"waiters={s >> _WAITER_SHIFT}>")


class Once:
    """Run a function exactly once (Go's sync.Once): concurrent callers of
    ``do(fn)`` wait until the first call returns.  A panicking fn still
    counts as done, as in Go."""

    __slots__ = ("_done", "_m")

    def __init__(self) -> None:
        self._done = False
        self._m = Mutex()

    def do(self, fn) -> None:
        if self._done:
            return
        self._do_slow(fn)

    def _do_slow(self, fn) -> None:
        m = self._m
        m.lock()
        try:
            if not self._done:
                try:
                    fn()
                finally:
                    self._done = True
        finally:
            m.unlock()

    @property
    def done(self) -> bool:
        return self._done
