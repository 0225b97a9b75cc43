"""The public functions of the runtime (the ``go`` statement and package
``runtime`` of Go): run, go, gosched, goexit, num_goroutine, gomaxprocs,
work.  Channels, select, timers, sync and net live in their own modules."""
from __future__ import annotations

import sys
from threading import get_ident

from . import sched
from .errors import Goexit
from .g import Grunnable


def run(main, *args, gomaxprocs: int | None = None, clock: str = "real",
        seed: int | None = None, preempt: str = "async", timeout: float | None = None,
        schedtrace: float | None = None, trace: list | None = None, timers: str = "go1.22",
        traceback: str = "go1.19", **kwargs):
    """Run ``main(*args, **kwargs)`` as goroutine 1 and return its result.

    When main returns, the other goroutines are abandoned, as in Go (here
    they are unwound, so their ``finally`` blocks run and nothing is left
    alive).  An exception escaping any goroutine ends the run and is
    re-raised here; a deadlock raises ``Deadlock``.

    gomaxprocs: number of Ps (default: $GOMAXPROCS, else the CPUs in the process's affinity mask).
    clock: "real", or "virtual" (time jumps to the next timer when no
      goroutine can run; with `seed`, runs are exactly reproducible).
    seed: seeds every random choice (select, work stealing).
    preempt: "async" (Go 1.14+), "calls" (Go 1.2-1.13) or "off".
    timeout: seconds after which the run is stopped with RunTimeout, naming
      the goroutine that was running (so a starving program cannot hang).
    schedtrace: print Go's GODEBUG=schedtrace line every that many ms.
    trace: a list to append scheduling events to (see ``Event``;
      ``reference_runtime.trace_export.write_chrome_trace`` saves it for Perfetto).
    timers: "go1.22" (default: timer channels as before Go 1.23, one buffered
      slot, a fired value stays after stop()) or "go1.23" (unbuffered timer
      channels: no stale value after stop() or reset(); see ``Timer``).
    traceback: "go1.19" (default: dumps say ``created by main.main``, as the
      Go the course compares with) or "go1.21" (``... in goroutine N``).
    """
    rt = sched.Runtime(gomaxprocs=gomaxprocs, clock=clock, seed=seed, preempt=preempt,
                       timeout=timeout, schedtrace=schedtrace, trace=trace, timers=timers,
                       traceback=traceback)
    return rt.run_main(main, args, kwargs or None)


def go(fn, *args, **kwargs):
    """Start ``fn(*args, **kwargs)`` in a new goroutine (Go's ``go``
    statement) and return its G; it runs next, before goroutines already
    waiting on this P."""
    rt = sched.current
    if rt is None:
        rt = sched.getrt()
    if get_ident() != rt.host_ident:
        raise sched.foreign_thread_error(rt)
    g = rt.newproc(fn, args, kwargs or None)
    f = sys._getframe(1)
    g.gopc = (f.f_code, f.f_lineno, f.f_globals)
    return g


def gosched() -> None:
    """Yield the processor (runtime.Gosched): the caller goes to the global
    run queue and others run first."""
    rt = sched.current
    if rt is None:
        rt = sched.getrt()
    g = rt.curg                       # Go's goschedImpl: the caller goes to the
    g.status = Grunnable              # tail of the global queue, then schedule
    rt.runq.append(g)
    if rt.tracing:
        rt.trace_event("gosched", rt.curp, g)
    rt._schedule()


def goexit() -> None:
    """End the calling goroutine (runtime.Goexit), running its ``finally``
    blocks.  In main, the program goes on until every other goroutine has
    finished, then ends with Go's "no goroutines (main called
    runtime.Goexit) - deadlock!"."""
    rt = sched.getrt()
    rt.goexiting.add(rt.curg)
    raise Goexit()


def num_goroutine() -> int:
    """Goroutines that currently exist (runtime.NumGoroutine)."""
    return len(sched.getrt().allg)


def gomaxprocs(n: int = 0) -> int:
    """Set the number of Ps to n if n > 0 and return the previous number
    (runtime.GOMAXPROCS)."""
    rt = sched.getrt()
    prev = rt.gomaxprocs
    if n > 0 and n != prev:
        rt.procresize(n)
    return prev


def work(seconds: float) -> None:
    """Consume `seconds` of CPU in the calling goroutine.  Under the
    virtual clock it holds the goroutine's P for that long in simulated
    time, so N goroutines doing work(1.0) on P processors finish after
    about ceil(N/P) seconds; under the real clock it is a busy loop."""
    sched.getrt().work(seconds)


def current_goroutine():
    """The running goroutine's G (for tests and the course's views)."""
    return sched.getrt().curg


def runtime():
    """The Runtime of the run in progress (for the course's views)."""
    return sched.getrt()
