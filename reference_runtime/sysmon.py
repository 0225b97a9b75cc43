"""sysmon, the system monitor (Go's ``sysmon`` and ``retake`` in proc.go).

sysmon is an OS thread that runs without a P.  It sleeps 20 µs, and after
1 ms with nothing to do (50 rounds) doubles its sleep up to 10 ms.  Each
round it:

* retakes a P from a goroutine that has been in a system call for a whole
  sysmon tick (so at least 20 µs), handing it to another M (``handoffp``):
  Go's bet that most system calls are short, and the cure when one is not;
* asks the goroutine running on a P for more than 10 ms (``forcePreemptNS``)
  to yield (``preemptone``): in Go 1.14+ by a signal (SIGURG), here by
  ``Preempter.request``;
* prints the ``GODEBUG=schedtrace`` line when one is due.

Here sysmon is a Python thread, so each round needs the GIL: while the host
thread runs Python code, a round waits up to ``sys.getswitchinterval()``
(5 ms by default) to get it.  sysmon never changes scheduler state itself:
it posts requests to the host (``Runtime.post``), which applies them if
they still hold (the P is still in the same system call).
"""
from __future__ import annotations

import sys
import threading
import time

from .runq import PStatus
from .syscall import rt_retake

FORCE_PREEMPT = 0.010
MIN_DELAY = 20e-6
MAX_DELAY = 10e-3


def _sysmon_netpoll(rt) -> None:
    """On the host, at sysmon's request: poll the network without blocking
    and queue the goroutines it readies (Go's sysmon netpoll +
    injectglist)."""
    np = rt.netpoller
    np.poll_requested = False
    if np.waiters:
        gs = np.poll(0)
        if gs:
            rt.injectglist(gs, None)              # sysmon runs without a P


class Sysmon:
    def __init__(self, rt) -> None:
        self.rt = rt
        self.kick = threading.Event()      # wake(): a system call started, or stop()
        self.stopping = False
        self.thread: threading.Thread | None = None
        # per-P observations (Go's p.sysmontick)
        self.obs: dict[int, list] = {}
        self.host_obs = None        # (curp, schedtick, since) of the host's current slice
        self.next_trace = 0.0
        self.trace_k = 0                   # virtual clock: the next period to print
        self.retakes = 0

    def start(self) -> None:
        rt = self.rt
        if rt.schedtrace:
            if rt.virtual:
                self.virtual_schedtrace()
            else:
                self.print_schedtrace(0.0)
                self.next_trace = rt.schedtrace / 1000
        self.thread = threading.Thread(target=self._loop, name="goroutine-sysmon", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping = True
        self.kick.set()
        if self.thread is not None:
            self.thread.join()
            self.thread = None

    # --------------------------------------------------------------- loop

    def _loop(self) -> None:
        rt = self.rt
        idle = 0
        delay = MIN_DELAY
        kick = self.kick
        while True:
            if idle == 0:
                delay = MIN_DELAY
            elif idle > 50:
                delay = min(delay * 2, MAX_DELAY)
            if kick.wait(delay):
                if self.stopping:
                    return
                kick.clear()              # a system call began: watch it closely again
                idle = 0
                continue
            now = time.monotonic()
            if not rt.virtual:
                rt.coarse_now = now - rt.t0
            n = self._retake(now)
            idle = 0 if n else idle + 1
            # poll the network if no one has for 10 ms (a busy P never gets
            # to findrunnable's poll) and the host is not blocked in a poll
            # itself (lastpoll 0): the host does it at its next schedule
            np = rt.netpoller
            if (np is not None and np.waiters and np.lastpoll
                    and now - np.lastpoll > 0.010 and not np.poll_requested):
                np.poll_requested = True
                rt.post(_sysmon_netpoll, rt)
            if rt.schedtrace and not rt.virtual:
                t = now - rt.t0
                if t >= self.next_trace:
                    self.print_schedtrace(t)
                    self.next_trace = (int(t * 1000 / rt.schedtrace) + 1) * rt.schedtrace / 1000
            if rt.timeout is not None and now - rt.t0 > rt.timeout:
                rt.preempter.timeout(now - rt.t0)

    def wake(self) -> None:
        """entersyscall: a sysmon backed off to 10 ms rounds starts over at
        20 µs, so the P is handed off one short tick later (Go's
        entersyscall_sysmon wakes a sleeping sysmon the same way)."""
        self.kick.set()

    def _retake(self, now: float) -> int:
        rt = self.rt
        n = 0
        # preemption: only the G the host is executing can be running for real
        p = rt.curp
        g = rt.curg
        if g is not None and p is not None:
            obs = self.host_obs
            key = (p, p.schedtick)
            if obs is None or obs[0] != key:
                self.host_obs = (key, now)
            elif (now - obs[1] >= FORCE_PREEMPT and not g.preempt
                  and rt.preempter.mode != "off" and not rt.virtual):
                # (under the virtual clock time slices are virtual too: work()
                # is preempted every 10 ms of simulated time, and a real-time
                # request would make the schedule depend on the host's speed)
                rt.preempter.request(g)
        else:
            self.host_obs = None
        # system calls: retake a P held by a call for more than one tick
        for p in list(rt.allp):
            if p.status != PStatus.Psyscall:
                continue
            o = self.obs.get(p.id)
            t = p.syscalltick
            if o is None or o[0] != t:
                self.obs[p.id] = [t, now]
                continue
            # Go's retake checks only the P's own queue: with nothing queued
            # there, someone spinning or idle to pick up new work, and the
            # call younger than 10 ms, leave the P in its call
            if p.runqempty() and rt.nmspinning + rt.npidle > 0 and o[1] + 0.010 > now:
                continue
            self.obs[p.id] = [t + 1, now]
            rt.post(rt_retake, (rt, p, t))
            self.retakes += 1
            n += 1
        return n

    # ---------------------------------------------------------- schedtrace

    def schedtrace_line(self, t: float) -> str:
        """Go's GODEBUG=schedtrace line (schedtrace in proc.go)."""
        rt = self.rt
        allp = list(rt.allp)
        line = (f"SCHED {int(round(t * 1000, 6))}ms: gomaxprocs={rt.gomaxprocs} idleprocs={rt.npidle} "
                f"threads={len(rt.allm) + 1} spinningthreads={rt.nmspinning} "
                f"idlethreads={len(rt.midle)} runqueue={len(rt.runq)} [")
        line += " ".join(str(p.runqtail - p.runqhead) for p in allp) + "]"
        return line

    def print_schedtrace(self, t: float) -> None:
        try:
            sys.stderr.write(self.schedtrace_line(t) + "\n")
            sys.stderr.flush()
        except Exception:
            pass

    def virtual_schedtrace(self) -> None:
        """Virtual clock: print a line for every period that simulated time
        has crossed (called by the host when time moves).  Periods are
        counted, not summed, so the times do not drift."""
        rt = self.rt
        period = rt.schedtrace / 1000
        while self.trace_k * period <= rt.vnow + 1e-12:
            self.print_schedtrace(self.trace_k * period)
            self.trace_k += 1
