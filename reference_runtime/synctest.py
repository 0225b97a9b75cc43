"""Bubbles for deterministic tests (Go's ``testing/synctest``, Go 1.24-1.25,
and ``runtime/synctest.go``).

    from reference_runtime import synctest

    def test_retry_gives_up_after_three_seconds():
        def body():
            start = now()
            ...                       # code that sleeps, times out, uses timers
            assert now() - start == 3.0
        synctest.run(body)

``run(fn, *args)`` is Go's ``synctest.Test``: fn runs as the root goroutine
of a *bubble*, on a fake clock that starts at midnight UTC, 2000-01-01
(``now() == 946684800.0``) and moves only when every goroutine of the bubble
is durably blocked; it returns fn's result once fn and every goroutine it
started have ended.  ``wait()`` is Go's ``synctest.Wait``: it returns once
every other goroutine of the bubble is durably blocked.

A goroutine is *durably blocked* when only another goroutine of the bubble
can wake it: a channel send or receive, a select, ``sleep`` and timers,
``WaitGroup.wait``, ``synctest.wait``.  Not ``Mutex.lock`` (Go does not
count it: the holder may be outside the bubble), not the network, not a
system call: while a goroutine waits for one of those, fake time stands
still and the bubble waits in real time.

This is the runtime's own virtual clock and ``checkdead``, used for tests,
as Go's bubble is its faketime and deadlock check: no second scheduler.
The bubble is the whole runtime (``run`` starts one, so it is called from an
ordinary test, with no ``run()`` around it); channels made before it do not
exist for it, as no runtime ran then.  Where Go would block forever (every
goroutine blocked with no timer left), ``run`` raises ``Deadlock`` with Go's
text instead.  ``reference_runtime.pytest_plugin`` makes it a marker.
"""
from __future__ import annotations

from . import sched
from .errors import Deadlock, Panic
from .g import Gwaiting, WaitReason

#: midnight UTC, 2000-01-01, in seconds since the Unix epoch: the fake
#: clock's start (Go's synctest bubble time)
EPOCH = 946684800.0

#: Go's wait reasons for the bubble's own waits
WAIT = "synctest.Wait"
RUN = "synctest.Run"

#: wait reasons a goroutine is durably blocked in (Go's
#: waitReason.isIdleInSynctest)
DURABLE = frozenset({
    WaitReason.CHAN_RECEIVE, WaitReason.CHAN_SEND, WaitReason.CHAN_RECEIVE_NIL,
    WaitReason.CHAN_SEND_NIL, WaitReason.SELECT, WaitReason.SELECT_NO_CASES,
    WaitReason.SLEEP, WaitReason.WAITGROUP_WAIT, WAIT, RUN,
})

ALL_BLOCKED = "deadlock: all goroutines in bubble are blocked"
MAIN_EXITED = "deadlock: main bubble goroutine has exited but blocked goroutines remain"


class BubbleDeadlock(Deadlock):
    """A bubble that can never move again (Go panics with ``ALL_BLOCKED`` or
    ``MAIN_EXITED``).  ``str(d)`` is Go's text, a blank line, and the blocked
    goroutines as Go 1.25 lists them (``[chan receive (durable), synctest
    bubble 1]``); ``d.goroutines`` lists ``(goid, wait_reason)`` pairs."""

    def __str__(self) -> str:
        return self.msg + ("\n\n" + self.dump if self.dump else "")


class Bubble:
    """The state of one bubble (Go's ``synctestBubble``)."""

    __slots__ = ("root", "waiter", "done")

    def __init__(self) -> None:
        self.root = None      # the G running fn
        self.waiter = None    # the G in wait(), if any
        self.done = False     # fn has returned; the root waits for the rest

    def idle(self, rt, when: float | None) -> bool:
        """Called by the scheduler when no goroutine can run, no timer is due,
        no system call or network wait is in flight (``Runtime._idle``),
        before it moves the fake clock to the next timer `when`.  Wakes the
        waiter of wait(), or the root once it is alone, and returns True; or
        ends the run if the bubble can never move; or returns False: time
        may advance."""
        if rt.busy:
            return False                      # a goroutine is computing: time passes
        gs = rt.allg
        for g in gs:
            if g.status != Gwaiting:
                return False                  # not blocked at all: the scheduler's business
        stuck = [g for g in gs if g.wait_reason not in DURABLE]
        if stuck:
            self._fail(rt, (
                "synctest: the bubble can never move: every goroutine is blocked, and "
                + ", ".join(f"goroutine {g.goid} [{g.wait_reason}]" for g in _ordered(stuck))
                + " is not durably blocked, so the fake clock does not advance "
                "(Go would wait here forever)"), gs)
        if self.waiter is not None:
            g, self.waiter = self.waiter, None
            rt.injectglist([g])               # no P is running: as the netpoller wakes one
            return True
        if self.done and len(gs) == 1 and self.root in gs:
            rt.injectglist([self.root])
            return True
        if when is None:
            self._fail(rt, MAIN_EXITED if self.done else ALL_BLOCKED,
                       [g for g in gs if g is not self.root or not self.done])
        return False

    def _fail(self, rt, msg: str, gs) -> None:
        from .trace import goroutine_block
        blocked = _ordered(gs)
        blocks = []
        for g in blocked:
            head, _, rest = goroutine_block(rt, g).partition("\n")
            durable = " (durable)" if g.wait_reason in DURABLE else ""
            head = head.replace("]:", f"{durable}, synctest bubble 1]:", 1)
            blocks.append(head + ("\n" + rest if rest else ""))
        rt.fatal = BubbleDeadlock(msg, [(g.goid, g.wait_reason) for g in blocked],
                                  "\n\n".join(blocks))
        rt.root.switch()                      # the run ends (as Runtime._deadlock)


def _ordered(gs) -> list:
    return sorted(gs, key=lambda g: g.allgidx)


def run(fn, *args, gomaxprocs: int | None = None, seed: int | None = None,
        timeout: float | None = None, trace: list | None = None, timers: str = "go1.22",
        **kwargs):
    """Run ``fn(*args, **kwargs)`` as the root goroutine of a bubble and
    return its result once it and every goroutine it started have ended
    (Go's ``synctest.Test``).  The fake clock starts at ``EPOCH``.

    Raises ``Deadlock`` (a ``BubbleDeadlock``) with Go's text when every
    goroutine is blocked and no timer is left to fire: ``"deadlock: all
    goroutines in bubble are blocked"``, or, after fn returned,
    ``"deadlock: main bubble goroutine has exited but blocked goroutines
    remain"`` (a leaked goroutine).  An exception in any goroutine ends the
    bubble and is re-raised here, as ``run()`` does.

    gomaxprocs, seed, timeout, trace, timers: as for ``reference_runtime.run``
    (the clock is always the virtual one).  Called outside any run: a bubble
    is a run of its own."""
    if not callable(fn):
        raise TypeError(f"synctest.run: {fn!r} is not callable")
    if sched.current is not None:
        raise RuntimeError("synctest.run starts a runtime of its own and cannot be called "
                           "inside run() or another bubble: call it from an ordinary "
                           "function (a test), or use synctest.wait() inside the bubble")
    rt = sched.Runtime(gomaxprocs=gomaxprocs, clock="virtual", seed=seed, timeout=timeout,
                       trace=trace, timers=timers)
    rt.vnow = rt.coarse_now = EPOCH
    bubble = rt.bubble = Bubble()

    def root():
        bubble.root = rt.curg
        result = fn(*args, **kwargs)
        bubble.done = True
        if len(rt.allg) > 1:
            rt.gopark(RUN)                    # until the others have ended (Bubble.idle)
        return result

    return rt.run_main(root, ())


def wait() -> None:
    """Return once every other goroutine of the bubble is durably blocked
    (Go's ``synctest.Wait``), before the fake clock moves.  Panics
    ``"goroutine is not in a bubble"`` outside ``synctest.run``, and
    ``"wait already in progress"`` if another goroutine is waiting."""
    rt = sched.current
    if rt is None or rt.bubble is None:
        raise Panic("goroutine is not in a bubble")
    bubble = rt.bubble
    if bubble.waiter is not None:
        raise Panic("wait already in progress")
    bubble.waiter = rt.curg
    rt.gopark(WAIT)
