"""gokernel: the learner's goroutine runtime.

The API is the reference runtime's (``run``, ``go``, ``chan``, ``select``,
``sleep`` ...), and so is the glue that holds a runtime together (greenlet
stacks, the host thread's idle loop, sysmon, the netpoller's plumbing).
The parts the course's exercises build — run queues, the scheduler's
choices, G reuse, channels, select, timers, deadlock detection, work
stealing, system-call handoff, preemption checks — are the learner's own
code from ``my_runtime/`` for every exercise passed, and the reference's for
the rest.  ``run`` says which, and ``python -m gokernel progress`` lists
them with the points so far.
"""
from __future__ import annotations

from reference_runtime import (Deadlock, Event, FatalError, G, GStatus, Mutex, Once, Panic,
                               RunTimeout, Ticker, Timer, WaitGroup, WaitReason, after,
                               after_func, current_goroutine, default, go, goexit, gomaxprocs,
                               gosched, net, nilchan, now, num_goroutine, runtime, sleep,
                               syscall, tick, work)
from reference_runtime import sched as _sched

from reference_runtime.preempt import exclude_path as _exclude_path

from . import parts
from .channel import Chan, chan

# gokernel's glue is runtime code: never a preemption point, hidden from dumps
_exclude_path(__path__[0])
from .selectgo import select

__all__ = [
    "run", "go", "chan", "Chan", "nilchan", "default", "select",
    "sleep", "now", "after", "tick", "Timer", "Ticker", "after_func",
    "gosched", "goexit", "num_goroutine", "gomaxprocs", "syscall", "work",
    "WaitGroup", "Mutex", "Once",
    "Panic", "FatalError", "Deadlock", "RunTimeout",
    "G", "GStatus", "WaitReason", "Event", "net", "current_goroutine", "runtime", "parts",
]


def run(main, *args, gomaxprocs: int | None = None, clock: str = "real",
        seed: int | None = None, preempt: str = "async", timeout: float | None = None,
        schedtrace: float | None = None, trace: list | None = None, timers: str = "go1.22",
        traceback: str = "go1.19", quiet: bool = False, **kwargs):
    """Run ``main(*args, **kwargs)`` as goroutine 1 on the learner's runtime.

    Same contract as ``reference_runtime.run``; the parts from the learner's
    passed exercises replace the reference's.  Prints which parts are
    whose when that changed since the last run (``quiet=True`` to skip)."""
    if not quiet:
        parts.announce()
    rt = _sched.Runtime(gomaxprocs=gomaxprocs, clock=clock, seed=seed, preempt=preempt,
                        timeout=timeout, schedtrace=schedtrace, trace=trace, timers=timers,
                        traceback=traceback, parts=parts.runtime_parts())
    from . import channel, selectgo
    channel.bind()
    selectgo.bind()
    try:
        return rt.run_main(main, args, kwargs or None)
    finally:
        channel.unbind()
        selectgo.unbind()
