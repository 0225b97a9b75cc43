"""Blocking system calls on real OS threads (Go's ``entersyscall`` /
``exitsyscall`` in ``proc.go``).

A goroutine that calls ``syscall(fn, *args)`` leaves the Go world: ``fn``
runs on an OS thread of its own (its M), where CPython releases the GIL in
blocking calls, so it truly overlaps the goroutines running on the host
thread.  What happens to the P is Go's bet that most system calls are
short:

* ``entersyscall``: the P stays with the M, in state ``Psyscall``; nothing
  else runs on it yet.
* one sysmon tick later (20 µs or more), if the call has not returned,
  sysmon retakes the P and hands it to another M (``handoffp``), so the
  P's other goroutines keep running.
* ``exitsyscall``: if the P is still waiting (a short call), the goroutine
  just continues on it.  Otherwise it takes any idle P; with none free, it
  goes on the global run queue and its M goes idle.

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
    # entersyscall
    g.status = Gsyscall
    p.status = PStatus.Psyscall
    p.syscalltick += 1
    m.in_syscall = True
    rt.nsyscall += 1
    if rt.tracing:
        rt.trace_event("syscall_enter", p, g, getattr(fn, "__name__", repr(fn)))
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
    p = m.p
    if p is not None and p.status == PStatus.Psyscall and p.m is m:
        # fast path: our P is still waiting for us
        p.status = PStatus.Prunning
        p.syscalltick += 1
        g.status = Grunning
        m.curg = g
        rt.readyps.append(p)
        if rt.tracing:
            rt.trace_event("syscall_exit", p, g, "same P")
        return
    m.p = None
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
    if p.status != PStatus.Psyscall or p.syscalltick != tick:
        return
    m = p.m
    p.status = PStatus.Pidle
    p.syscalltick += 1
    p.m = None
    if m is not None:
        m.p = None
    if rt.tracing:
        rt.trace_event("handoff", p, m.curg if m is not None else None,
                       m.id if m is not None else -1)
    rt.handoffp(rt, p)
