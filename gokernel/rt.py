"""What the learner's runtime parts may call: the scheduler's primitives,
as Go's runtime code calls them.

    getg()          the running goroutine (Go's getg().m.curg)
    gopark(reason)  park it with a wait reason until goready; returns then
    goready(g)      make a parked goroutine runnable (into runnext)
    nanotime()      the run's clock, in seconds
    dequeue(q)      next waiter of a channel queue that can still be woken
                    (skips sudogs of a select another case already won)
    Sudog, WaitReason, Panic, and Go's panic texts
"""
from __future__ import annotations

from reference_runtime import sched as _sched
from reference_runtime.chan import _dequeue as dequeue
from reference_runtime.errors import (CLOSE_OF_CLOSED, CLOSE_OF_NIL, SEND_ON_CLOSED, FatalError,
                                      Panic)
from reference_runtime.g import G, Gdead, Grunnable, Grunning, Gwaiting, Sudog, WaitReason

__all__ = ["getg", "gopark", "goready", "nanotime", "dequeue", "runtime", "Sudog", "WaitReason",
           "Panic", "FatalError", "G", "Grunnable", "Grunning", "Gwaiting", "Gdead",
           "SEND_ON_CLOSED", "CLOSE_OF_CLOSED", "CLOSE_OF_NIL"]


def runtime():
    """The Runtime of the run in progress."""
    return _sched.getrt()


def getg():
    return _sched.getrt().curg


def gopark(reason: str) -> None:
    _sched.getrt().gopark(reason)


def goready(g) -> None:
    _sched.getrt().goready(g)


def nanotime() -> float:
    return _sched.getrt().nanotime()
