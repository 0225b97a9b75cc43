"""Blocking system calls on real OS threads (Go's ``entersyscall`` /
``exitsyscall`` in ``proc.go``).

A goroutine that calls ``syscall(fn, *args)`` leaves the Go world: ``fn``
runs on an OS thread of its own (its M), where CPython releases the GIL in
blocking calls, so it truly overlaps the goroutines running on the host
thread.  What happens to the P is Go's bet that most system calls are
short:

* ``entersyscall`` (Go's ``reentersyscall``): the P is *detached* from the
  M: ``p.m = None``, ``m.p = None``, ``m.oldp = p``, and the P's status
  becomes ``Psyscall``.  While the call runs the P has no owner; its status
  word is the ownership token, and whoever changes it from ``Psyscall``
  first owns the P.
* sysmon's ``retake``: if the call has outlasted a sysmon tick (20 µs or
  more), it takes the P (``Psyscall -> Pidle``, a CAS in Go) and hands it
  to another M (``handoffp``), so the P's other goroutines keep running.
* ``exitsyscall``: the fast path (``exitsyscallfast``) tries the same
  transition on ``m.oldp``; if it wins, the P is wired back to the M
  (``wirep``) and the goroutine just continues (a short call).  If sysmon
  won, it takes any idle P; with none free, the G goes on the global run
  queue and its M goes idle.

In Go the two sides race on real threads and one CAS decides; here both run
on the host thread (sysmon's request is posted to it), so the order in
which the host applies them decides, and the loser sees the status already
changed, exactly as the loser of Go's CAS does.

The worker threads are the Ms' threads; idle ones are reused, as Go reuses
idle Ms.  They never touch the scheduler: they post the result to the host
(``Runtime.post``) and the host applies it.
"""
from __future__ import annotations

import queue
import sys
import threading

from . import sched
from .g import Grunnable, Grunning, Gsyscall
from .runq import PStatus


class _Worker(threading.Thread):
    def __init__(self, pool: "SyscallPool") -> None:
        super().__init__(name="goroutine-syscall", daemon=True)
        self.pool = pool
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()

    def run(self) -> None:
        pool = self.pool
        while True:
            job = self.jobs.get()
            if job is None:
                return
            rt, g, fn, args = job
            try:
                res, exc = fn(*args), None
            except BaseException as e:    # the goroutine will see it raised
                res, exc = None, e
            job = None
            with pool.lock:
                pool.idle.append(self)
            rt.post(rt_exitsyscall, (rt, g, res, exc))


class SyscallPool:
    """OS threads for system calls, created on demand and reused."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: list[_Worker] = []
        self.all: list[_Worker] = []

    def submit(self, rt, g, fn, args) -> None:
        with self.lock:
            w = self.idle.pop() if self.idle else None
        if w is None:
            w = _Worker(self)
            self.all.append(w)
            w.start()
        w.jobs.put((rt, g, fn, args))

    def shutdown(self, timeout: float = 1.0) -> None:
        for w in self.all:
            w.jobs.put(None)
        stuck = []
        for w in self.all:
            w.join(timeout)
            if w.is_alive():
                stuck.append(w)
        if stuck:
            sys.stderr.write(f"reference_runtime: {len(stuck)} system call(s) still running when "
                             "run() returned; their threads are left behind\n")
        self.all = stuck
        self.idle.clear()


def syscall(fn, *args):
    """Run fn(*args) as a blocking system call on its own OS thread and
    return its result (or raise its exception).  The calling goroutine is
    in state ``syscall``; its P is handed to another M if the call outlasts
    a sysmon tick, so other goroutines keep running meanwhile."""
    rt = sched.getrt()
    g = rt.curg
    p = rt.curp
    m = p.m
    # entersyscall (Go's reentersyscall)
    g.status = Gsyscall
    p.syscalltick += 1
    m.in_syscall = True
    rt.nsyscall += 1
    if rt.tracing:
        rt.trace_event("syscall_enter", p, g, getattr(fn, "__name__", repr(fn)))
    # detach the P: pp.m = 0; m.oldp = pp; m.p = 0; pp.status = _Psyscall
    p.m = None
    m.oldp = p
    m.p = None
    p.status = PStatus.Psyscall
    if rt.syscalls is None:
        rt.syscalls = SyscallPool()
    rt.syscalls.submit(rt, g, fn, args)
    rt.sysmon.wake()
    # the host goes on with other Ps (this one stays in Psyscall until
    # sysmon retakes it); we resume after exitsyscall
    if rt.hook_armed:
        rt.preempter.disarm()
    rt.curg = None
    rt._dispatch()
    res, exc = g.param
    g.param = None
    if exc is not None:
        raise exc
    return res


def rt_exitsyscall(arg) -> None:
    """On the host: the system call of g returned (Go's exitsyscall)."""
    rt, g, res, exc = arg
    if rt is not sched.current or rt.exiting:
        return
    rt.nsyscall -= 1
    g.param = (res, exc)
    m = g.m
    m.in_syscall = False
    p = m.oldp
    m.oldp = None
    if p is not None and p.status == PStatus.Psyscall:
        # exitsyscallfast: the CAS _Psyscall -> _Pidle on oldp succeeds (sysmon
        # has not retaken it), so wirep(oldp): the P is ours again
        p.m = m
        m.p = p
        p.status = PStatus.Prunning
        p.syscalltick += 1
        g.status = Grunning
        m.curg = g
        rt.readyps.append(p)
        if rt.tracing:
            rt.trace_event("syscall_exit", p, g, "same P")
        return
    # sysmon won the CAS (or procresize destroyed the P): any idle P will do
    p = rt._pidleget()
    if p is not None:
        p.m = m
        m.p = p
        m.curg = g
        p.status = PStatus.Prunning
        g.status = Grunning
        rt.readyps.append(p)
        if rt.tracing:
            rt.trace_event("syscall_exit", p, g, "idle P")
        return
    # no P: the G waits on the global queue, its M goes idle
    m.curg = None
    rt.midle.append(m)
    g.status = Grunnable
    rt.runq.append(g)
    if rt.tracing:
        rt.trace_event("syscall_exit", None, g, "global queue")


def rt_retake(arg) -> None:
    """On the host: sysmon asks to retake P from its system call, if the
    same call (syscalltick) is still in progress (Go's retake+handoffp)."""
    rt, p, tick = arg
    if rt is not sched.current or rt.exiting:
        return
    # the CAS _Psyscall -> _Pidle: lost if exitsyscall took the P back first
    # (or the P is in another call already: a new syscalltick)
    if p.status != PStatus.Psyscall or p.syscalltick != tick:
        return
    p.status = PStatus.Pidle
    p.syscalltick += 1
    if rt.tracing:
        # the P has no M; the trace names the M whose oldp it was
        m = next((m for m in rt.allm if m.oldp is p and m.in_syscall), None)
        rt.trace_event("handoff", p, m.curg if m is not None else None,
                       m.id if m is not None else -1)
    rt.handoffp(rt, p)
