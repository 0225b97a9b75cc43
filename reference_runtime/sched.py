"""The scheduler: Gs, Ms and Ps on one host thread (Go's ``runtime/proc.go``).

Go's scheduler has three kinds of object.  A G is a goroutine: a stack and
the state to resume it.  An M is an OS thread.  A P is the right to run Go
code: GOMAXPROCS of them, each with a local run queue, so that the common
operations (a ``go`` statement, a channel handoff) touch only per-P state.
An M must hold a P to run a G; an M that blocks in a system call lets go of
its P so another M can run the P's goroutines.

Designs Go rejected, and why it matters here:

* one global run queue under one lock (Go before 1.1): every ``go`` and every
  wakeup contends on it.  Per-P queues fix that; the global queue remains
  for overflow and for goroutines coming back from syscalls and preemption.
* M holding the queues directly: an M blocked in a syscall would strand its
  goroutines.  Putting the queues on P lets ``handoffp`` give them to
  another M.

This runtime keeps Go's objects and algorithms but runs every goroutine on
one host OS thread: a G's stack is a greenlet, and greenlets cannot move
between threads.  So the Ps *take turns* on the host thread: when the G
running for one P stops (it parks, yields, exits, or is preempted), that P
picks its next G (``findrunnable``) and the host moves on to the next P that
has a G picked, in round-robin order (``Runtime.readyps``).  Under the
virtual clock the Ps are parallel in simulated time (``work(seconds)``
consumes a P's time, not the host's).  Real OS threads exist only where Go
needs one: a system call (``syscall.py``) and ``sysmon`` (``sysmon.py``).

There is no scheduler greenlet (no hub).  Go switches from a parking G to
g0 (``mcall``) and from g0 to the next G (``gogo``); on greenlets each switch
copies stack, so ``schedule`` runs on the stack of the G that stops, and
switches once, straight to the next G, as ``gogo`` would.

Who may call what: everything here runs on the host thread.  Other threads
(syscall workers, sysmon) only append to ``Runtime.inbox`` and wake the
host through the netpoller; the host applies their messages at its next
scheduling point.  That replaces Go's atomics and locks.
"""
from __future__ import annotations

import heapq
import math
import os
import random
import sys
import threading
import time
from collections import deque
from threading import get_ident

import greenlet

from . import errors
from .errors import Deadlock, FatalError, Goexit
from .g import G, Gdead, Grunnable, Grunning, Gwaiting
from . import runq
from .runq import GLOBAL_CHECK_PERIOD, RUNQ_SIZE, P, PStatus, runqputbatch

_PRUNNING = PStatus.Prunning
FORCE_PREEMPT_NS = 0.010   # forcePreemptNS: a G may run 10 ms before sysmon preempts it
GOID_CACHE_BATCH = 16      # _GoidCacheBatch: goids are handed to Ps in batches

#: injectglist's default: the P the host is scheduling for (Go's getg().m.p)
_CURP = object()

#: The runtime of the run() in progress, or None.  One run at a time per
#: process: goroutines of every P share the host thread.
current: "Runtime | None" = None
#: Set by the command line (``python -m reference_runtime``): when main
#: returns, exit the process at once instead of unwinding, as Go does.
_cli_mode = False
#: The goroutine whose panic ended the last run (for the command line).
last_fatal_goid = 0


def ncpu() -> int:
    """The default GOMAXPROCS: the CPUs this process may run on (Go's
    ``getproccount``, os_linux.go, counts the bits of ``sched_getaffinity``),
    so ``taskset -c 0`` gives 1; ``os.cpu_count()`` where affinity is not
    available.  (Go 1.25 also lowers it to a cgroup CPU limit; Go 1.19, the
    version modelled, does not.)"""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class M:
    """A machine (Go's ``m``): a worker that holds a P and runs Gs on it.

    Ms that run Gs are all driven by the host thread, in turns.  An M in a
    system call is a real OS thread (``syscall.py``) holding its G, with no
    P: the P it left is ``oldp``, in ``Psyscall``, owned by whoever takes it
    first (exitsyscall or sysmon's retake)."""

    __slots__ = ("id", "p", "oldp", "curg", "spinning", "in_syscall")

    def __init__(self, mid: int) -> None:
        self.id = mid
        self.p = None
        self.oldp = None
        self.curg = None
        self.spinning = False
        self.in_syscall = False

    def __repr__(self) -> str:
        return f"<M{self.id} p={self.p and self.p.id} curg={self.curg and self.curg.goid}>"


class Event(tuple):
    """One scheduling event: (time, kind, p, m, goid, detail).

    kinds: spawn, run, park, ready, gosched (detail "local" when the G went
    to its P's queue, not the global one), preempt, exit, steal,
    runqputslow, syscall_enter, syscall_exit, handoff, proc_start, proc_stop,
    work (a G consumes simulated CPU), procresize (detail (old, new))."""

    __slots__ = ()
    time = property(lambda s: s[0])
    kind = property(lambda s: s[1])
    p = property(lambda s: s[2])
    m = property(lambda s: s[3])
    goid = property(lambda s: s[4])
    detail = property(lambda s: s[5])

    def __repr__(self) -> str:
        return (f"Event(t={self[0]:.6f}, {self[1]}, p={self[2]}, m={self[3]}, "
                f"g={self[4]}, {self[5]!r})")


class Runtime:
    """The state of one run(): all Ps, Ms and Gs, the clocks, the queues.

    Created by run() and torn down when it returns, so that a notebook can
    run again from a clean state."""

    # every field, fixed: attribute access on the hot path is a slot load
    __slots__ = (
        "_coprimes", "addtimer", "allg", "allm", "allp", "arm_frame", "bubble", "busy", "checkdead",
        "clock", "coarse_now", "curg", "curp", "deltimer", "events", "exiting", "fast_runq",
        "fast_sched", "fatal", "fatal_goid", "findrunnable", "gfget", "gfput", "gfree",
        "glets", "globrunqget", "plain", "goexiting", "goidgen", "gomaxprocs", "gpool", "handoffp",
        "hook_armed",
        "host_ident", "host_thread", "inbox", "main_g", "main_goexited", "main_started", "midle", "nallg",
        "nanotime", "netpollblock", "netpoller", "netpollready", "nextg", "nmspinning",
        "npidle", "nsyscall", "pending_start", "pidle", "preempt", "preempt_mode", "preempter",
        "readyps", "result", "rng", "root", "run_timers", "runq", "runqget", "runqput",
        "runqsteal", "safe_point", "schedtrace", "seed", "seq", "stealwork", "syscalls",
        "sysmon", "t0", "timeout", "timer_seq", "timers", "trace", "traceback", "tracing",
        "unwind_on_return", "unwind_tries",
        "virtual", "vnow",
    )


    def __init__(self, gomaxprocs: int | None = None, clock: str = "real",
                 seed: int | None = None, preempt: str = "async",
                 timeout: float | None = None, schedtrace: float | None = None,
                 trace: list | None = None, parts: dict | None = None,
                 timers: str = "go1.22", traceback: str = "go1.19") -> None:
        if clock not in ("real", "virtual"):
            raise ValueError(f"clock must be 'real' or 'virtual', not {clock!r}")
        if preempt not in ("off", "calls", "async"):
            raise ValueError(f"preempt must be 'off', 'calls' or 'async', not {preempt!r}")
        if timers not in ("go1.22", "go1.23"):
            raise ValueError(f"timers must be 'go1.22' (Go before 1.23) or 'go1.23', not {timers!r}")
        if traceback not in ("go1.19", "go1.21"):
            raise ValueError(f"traceback must be 'go1.19' or 'go1.21', not {traceback!r}")
        self.timers = timers              # timer channels: buffered (go1.22) or unbuffered (go1.23)
        self.traceback = traceback        # "created by F" (go1.19) or "... in goroutine N" (go1.21)
        self.bubble = None                # a synctest bubble (synctest.py), or None
        self.goexiting: set = set()       # Gs that called goexit() (Go resumes it after a recover)
        self.unwind_tries: dict = {}      # greenlet -> GreenletExits it caught while run() unwound
        if gomaxprocs is None:
            env = os.environ.get("GOMAXPROCS", "")
            gomaxprocs = int(env) if env.strip().isdigit() and int(env) > 0 else ncpu()
        if not isinstance(gomaxprocs, int) or gomaxprocs < 1:
            raise ValueError(f"gomaxprocs must be a positive int, not {gomaxprocs!r}")
        self.virtual = clock == "virtual"
        self.clock = clock
        self.seed = seed
        self.rng = random.Random(seed)
        self.preempt = preempt
        self.timeout = timeout
        self.schedtrace = schedtrace

        # clocks: now() is seconds since the run started
        self.t0 = time.monotonic()
        self.vnow = 0.0
        self.coarse_now = 0.0             # updated by sysmon (real) or with vnow (virtual)
        self.nanotime = self._virtual_now if self.virtual else self._real_now

        # Ps
        self.gomaxprocs = gomaxprocs
        self.allp: list[P] = [P(i) for i in range(gomaxprocs)]
        self.pidle: list[P] = []          # idle Ps (a stack, as Go's pidle list)
        self.npidle = 0
        self._coprimes = _coprimes(gomaxprocs)

        # Ms
        self.allm: list[M] = []
        self.midle: list[M] = []
        self.nmspinning = 0

        # Gs
        self.runq: deque = deque()        # the global run queue (sched.runq)
        self.gfree: list[G] = []          # dead Gs for reuse (gfget/gfput)
        self.allg: set[G] = set()         # live goroutines
        self.goidgen = 0
        self.nallg = 0                    # G records allocated (allgs)
        self.main_g: G | None = None
        self.main_goexited = False
        self.main_started = False

        # host state
        self.curg: G | None = None        # the G the host thread is executing
        self.curp: P | None = None        # the P the host is acting for
        self.readyps: deque = deque()     # Ps with a G picked, waiting for a host turn
        self.busy: list = []              # virtual clock: heap of (until, seq, P) doing work()
        self.seq = 0
        self.gpool: list = []             # idle greenlets, ready to run a new G
        self.glets: list = []             # every greenlet this run created
        self.root = None                  # the greenlet that called run()
        self.pending_start = None         # a new greenlet the root must start
        self.exiting = False
        self.result = None
        self.fatal: BaseException | None = None
        self.fatal_goid = 0
        self.unwind_on_return = not _cli_mode   # the CLI exits without unwinding, as Go does

        # cross-thread messages (syscall exits, sysmon) and their counters
        self.inbox: deque = deque()
        self.nsyscall = 0                 # Gs in a system call right now
        self.netpoller = None             # created in start()
        self.sysmon = None
        self.preempter = None
        self.hook_armed = False           # a preemption hook is armed (preempt.py)
        self.syscalls = None
        self.timer_seq = 0
        self.host_thread = None
        self.host_ident = None            # threading.get_ident() of host_thread

        # observability
        self.trace = trace
        self.tracing = trace is not None
        self.events = 0

        # the exercise-sized parts, replaceable (the learner's runtime plugs
        # its own in): instance attributes, called as self.part(self, ...)
        chosen = default_parts()
        if parts:
            unknown = set(parts) - set(chosen)
            if unknown:
                raise ValueError(f"unknown runtime parts: {sorted(unknown)}")
            chosen.update(parts)
        from .preempt import mark_runtime
        for name, fn in chosen.items():
            setattr(self, name, fn)
            mark_runtime(fn)              # a part is runtime code: never preempted inside
        # fast paths inline the reference parts; off when a part is replaced
        ref = default_parts()
        self.fast_runq = chosen["runqput"] is ref["runqput"]
        self.fast_sched = all(chosen[n] is ref[n] for n in
                              ("findrunnable", "nextg", "runqget", "runqput", "globrunqget",
                               "gfget", "gfput"))
        self.update_plain()

        for p in reversed(self.allp):
            self._pidleput(p)

    # ------------------------------------------------------------------ clocks

    def _real_now(self) -> float:
        return time.monotonic() - self.t0

    def _virtual_now(self) -> float:
        return self.vnow

    def update_plain(self) -> None:
        """`plain`: nothing unusual is going on (reference parts, no event
        trace, no preemption hook armed, not tearing down), so the hot paths
        may take their inlined shortcuts.  Recomputed when any of these
        change."""
        self.plain = (self.fast_sched and self.fast_runq and not self.tracing
                      and not self.hook_armed and not self.exiting)

    # ----------------------------------------------------------------- tracing

    def trace_event(self, kind: str, p: P | None, g: G | None, *detail) -> None:
        """Record an event (only called when self.tracing)."""
        m = p.m if p is not None else None
        self.trace.append(Event((
            self.nanotime(), kind, p.id if p is not None else -1,
            m.id if m is not None else -1, g.goid if g is not None else 0,
            detail[0] if len(detail) == 1 else (detail or None))))

    # ----------------------------------------------------------- Ps and Ms

    def _pidleput(self, p: P) -> None:
        p.status = PStatus.Pidle
        p.m = None
        self.pidle.append(p)
        self.npidle += 1

    def _pidleget(self, want: P | None = None) -> P | None:
        if not self.pidle:
            return None
        if want is None:
            p = self.pidle.pop()
        else:
            try:
                self.pidle.remove(want)
            except ValueError:
                return None
            p = want
        self.npidle -= 1
        return p

    def _mget(self) -> M:
        if self.midle:
            return self.midle.pop()
        m = M(len(self.allm))
        self.allm.append(m)
        return m

    def startm(self, p: P, spinning: bool) -> M:
        """Give idle P p an M and queue it for a host turn (Go's startm)."""
        m = self._mget()
        m.p = p
        m.curg = None
        m.spinning = spinning
        p.m = m
        p.status = PStatus.Prunning
        self.readyps.append(p)
        if self.tracing:
            self.trace_event("proc_start", p, None)
        return m

    def _stopm(self, p: P) -> None:
        """P found nothing to run: it goes idle and its M with it."""
        m = p.m
        if m is not None:
            if m.spinning:
                m.spinning = False
                self.nmspinning -= 1
            m.p = None
            m.curg = None
            self.midle.append(m)
        if self.tracing:
            self.trace_event("proc_stop", p, None)
        self._pidleput(p)

    def wakep(self) -> None:
        """Start a spinning M on an idle P to look for work (Go's wakep)."""
        if self.npidle == 0 or self.nmspinning != 0 or self.exiting:
            return
        p = self._pidleget()
        self.nmspinning += 1
        self.startm(p, True)

    # ----------------------------------------------------------------- goids

    def _newgoid(self, p: P | None) -> int:
        """Goids come to each P in batches of 16 (Go's goidcache), so with
        several Ps they are not handed out in program order."""
        if p is None:
            self.goidgen += 1
            return self.goidgen
        if p.goidcache == p.goidcacheend:
            p.goidcache = self.goidgen + 1
            self.goidgen += GOID_CACHE_BATCH
            p.goidcacheend = self.goidgen + 1
        goid = p.goidcache
        p.goidcache += 1
        return goid

    # ---------------------------------------------------------------- newproc

    def newproc(self, fn, args: tuple, kwargs: dict | None) -> G:
        """Create a goroutine running fn(*args, **kwargs) and put it in the
        current P's runnext, where it runs before the Gs already queued
        (Go's newproc).  Its stack (greenlet) is bound when it first runs."""
        if not callable(fn):
            if fn is None:                # Go's newproc1 throws on a nil func
                raise FatalError(errors.GO_OF_NIL)
            raise TypeError(f"go: {fn!r} is not callable")
        plain = self.plain
        if plain:
            gf = self.gfree               # gfget, inlined
            g = gf.pop() if gf else None
        else:
            g = self.gfget(self)
        if g is None:
            g = G()
            g.allgidx = self.nallg        # Go's allgs order: a record keeps its slot
            self.nallg += 1
        p = self.curp
        if p is None:
            p = self.allp[0]
        if p.goidcache == p.goidcacheend:
            g.goid = self._newgoid(p)
        else:
            g.goid = p.goidcache          # _newgoid's common case, inlined
            p.goidcache += 1
        g.fn = fn
        g.args = args
        g.kwargs = kwargs
        g.status = Grunnable
        parent = self.curg
        g.parent_goid = parent.goid if parent is not None else 0
        self.allg.add(g)
        if plain:
            old = p.runnext               # runqput(next=True), inlined
            p.runnext = g
            if old is not None:
                runq.runqput(self, p, old, False)
        else:
            self.runqput(self, p, g, True)
            if self.tracing:
                self.trace_event("spawn", p, g, g.parent_goid)
        if self.npidle and not self.nmspinning and self.main_started:
            self.wakep()
        return g

    # ----------------------------------------------------------- park/ready

    def gopark(self, reason: str) -> None:
        """Park the running G with a wait reason and run something else.
        Returns when goready() makes it runnable and it is scheduled again.
        (The same as _schedule(reason), which the hot paths call directly.)"""
        if get_ident() != self.host_ident:
            raise foreign_thread_error(self)
        self._schedule(reason)

    def goready(self, g: G) -> None:
        """Make parked g runnable: into runnext of the current P, so it runs
        as soon as the current G stops (Go's ready)."""
        g.status = Grunnable
        g.wait_reason = ""
        p = self.curp                     # the caller's P: running, by invariant
        if p is None:
            if get_ident() != self.host_ident:
                raise foreign_thread_error(self)
            self.runq.append(g)
            if self.tracing:
                self.trace_event("ready", None, g, "global")
            self.wakep()
            return
        if self.plain:
            old = p.runnext               # runqput(next=True), inlined
            p.runnext = g
            if old is not None:
                runq.runqput(self, p, old, False)
        else:
            self.runqput(self, p, g, True)
            if self.tracing:
                self.trace_event("ready", p, g)
        if self.npidle and not self.nmspinning:
            self.wakep()

    def gopreempt(self) -> None:
        """Preempt the running G at a safe point: like gosched (Go's
        gopreempt_m puts the G on the global queue)."""
        g = self.curg
        g.preempt = False
        g.status = Grunnable
        self.runq.append(g)
        if self.tracing:
            self.trace_event("preempt", self.curp, g)
        self._schedule()

    def injectglist(self, gs: list, pp: "P | None | object" = _CURP) -> None:
        """Make Gs from the netpoller runnable (Go's injectglist, as since
        Go 1.16).  pp is the P the caller holds: by default the P the host
        is scheduling for (``rt.curp``, Go's ``getg().m.p``); None for a
        caller without one (sysmon's poll, the idle host's blocking poll).

        Without a P, every G goes to the global queue, with an M started
        on an idle P for each (``startIdle``).  With a P, at most ``npidle``
        Gs go to the global queue, each with an M started for it, and the
        rest go to pp's local queue (``runqputbatch``): no point queueing
        globally what no idle P would come and take."""
        if not gs:
            return
        for g in gs:
            g.status = Grunnable
            g.wait_reason = ""
            if self.tracing:
                self.trace_event("ready", None, g, "netpoll")
        if pp is _CURP:
            pp = self.curp
        n = len(gs) if pp is None else min(self.npidle, len(gs))
        if n:
            self.runq.extend(gs[:n])
            for _ in range(n):                    # startIdle(n)
                if not self.pidle:
                    break
                self.startm(self._pidleget(), False)
        if n < len(gs):
            runqputbatch(self, pp, gs[n:])

    # ------------------------------------------------------------- schedule

    def _schedule(self, reason: str | None = None) -> None:
        """The running G has stopped (parked with `reason`, yielded, exited,
        preempted): let its P pick the next G, then give the host to the
        next P with work.  Runs on the stopped G's stack; its P is running."""
        if reason is not None:            # gopark
            g = self.curg
            g.status = Gwaiting
            g.wait_reason = reason        # (no waitsince: Go sets it only when its GC
                                          # finds the G waiting, and there is no GC here)
            if self.tracing:
                self.trace_event("park", self.curp, g, reason)
        if self.plain and not self.readyps and not self.inbox:
            # The common case, inlined (the same choices as findrunnable and
            # execute): this P alone has work, no timer is due, and it is not
            # the 61st schedule with the global queue waiting.
            p = self.curp
            ts = p.timers
            if (not ts or ts[0][0] > self.nanotime()) and (
                    not self.runq or p.schedtick % GLOBAL_CHECK_PERIOD):
                g = p.runnext
                if g is not None:
                    p.runnext = None              # runnext inherits the time slice
                else:
                    h = p.runqhead
                    if h != p.runqtail:
                        i = h % RUNQ_SIZE
                        g = p.runq[i]
                        p.runq[i] = None
                        p.runqhead = h + 1
                    elif self.runq:               # local ring empty: a batch from
                        g = self.globrunqget(self, p, 0)  # the global queue (nextg)
                    if g is not None:
                        p.schedtick += 1
                        if self.virtual:
                            p.schedwhen = self.vnow
                if g is not None:
                    prev = self.curg
                    m = p.m
                    m.curg = g
                    g.m = m
                    g.status = Grunning
                    g.preempt = False
                    self.curg = g
                    glet = g.glet
                    if glet is None:
                        self._switch_to(p, g)
                    elif prev is None or glet is not prev.glet:
                        glet.switch()
                    return
        if self.exiting:
            self._unwind_again()
        if self.hook_armed:
            self.preempter.disarm()       # a preemption request is moot once the G stops
        self.curg = None
        p = self.curp
        if p is not None and p.status == _PRUNNING:
            p.m.curg = None
            if self._pick(p):
                self.readyps.append(p)
        self._dispatch()

    def _dispatch(self) -> None:
        """Give the host to the next P in turn: switch to its G."""
        readyps = self.readyps
        while True:
            if self.inbox:
                self._drain_inbox()
            if readyps:
                p = readyps.popleft()
                if p.status != PStatus.Prunning:
                    continue
                g = p.m.curg
                if g is None:
                    if not self._pick(p):
                        continue
                    g = p.m.curg
                self._switch_to(p, g)
                return
            self._idle()

    def _switch_to(self, p: P, g: G) -> None:
        """Host executes g for p: bind a stack if it has none, then switch."""
        self.curg = g
        self.curp = p
        if self.tracing:
            self.trace_event("run", p, g)
        glet = g.glet
        if glet is None:
            if self.gpool:
                glet = g.glet = self.gpool.pop()
            else:
                glet = g.glet = greenlet.greenlet(self._worker, parent=self.root)
                self.glets.append(glet)
                if greenlet.getcurrent() is not self.root:
                    # A greenlet inherits the recursion depth of whoever first
                    # switches into it, so new ones are started from the
                    # shallow root stack, never from deep in a goroutine.
                    self.pending_start = glet
                    self.root.switch()
                    return
        if glet is not greenlet.getcurrent():
            glet.switch()

    def execute(self, p: P, g: G, inherit: bool) -> None:
        """Make g the running G of p (Go's execute).  A G taken from runnext
        inherits the time slice: schedtick does not advance."""
        m = p.m
        m.curg = g
        g.m = m
        g.status = Grunning
        g.preempt = False
        if not inherit:
            p.schedtick += 1
            p.schedwhen = self.vnow       # virtual clock's time slices (sysmon watches real ones)
        if m.spinning:
            m.spinning = False
            self.nmspinning -= 1
            if self.nmspinning == 0 and self.npidle:
                self.wakep()   # resetspinning: keep one M looking for work

    def _pick(self, p: P) -> bool:
        """Let p find its next G (the findrunnable part).  On success the G
        becomes p's running G (the caller queues p for a host turn);
        otherwise p goes idle with its M."""
        saved = self.curp
        self.curp = p
        try:
            g, inherit = self.findrunnable(self, p)
            if g is None:
                self._stopm(p)
                return False
            self.execute(p, g, inherit)
            return True
        finally:
            self.curp = saved

    # ------------------------------------------------------------------ idle

    def _idle(self) -> None:
        """No P has a G to run on the host: wait for the next event — a
        timer, the network, a system call returning, simulated work ending —
        or declare a deadlock."""
        while not self.readyps:
            if self.inbox:
                self._drain_inbox()
                continue
            now = self.nanotime()
            when, owner = self._earliest_timer()
            if when is not None and when <= now and self.pidle:
                self._start_p_for_timers(owner)
                continue
            npoll = self.netpoller.waiters if self.netpoller is not None else 0
            if self.virtual:
                if self.nsyscall:
                    self._netpoll_block(None)        # real events first
                    continue
                if npoll:
                    if self.bubble is not None:
                        # a synctest bubble: a goroutine waiting for the network is
                        # not durably blocked, so fake time waits for it in real time
                        self._netpoll_block(None)
                        continue
                    if self._netpoll_block(0):
                        continue
                if self.bubble is not None and self.bubble.idle(self, when):
                    continue                         # synctest.wait() returns, or run() ends
                cands = []
                if when is not None and self.pidle:
                    cands.append(when)
                if self.busy:
                    cands.append(self.busy[0][0])
                if cands:
                    t = min(cands)
                    if t > self.vnow:
                        self.vnow = self.coarse_now = t
                        if self.schedtrace:
                            self.sysmon.virtual_schedtrace()
                    self._wake_busy()
                    continue
                msg = self.checkdead(self)
                if msg:
                    self._deadlock(msg)
                if not npoll:
                    self._lost_goroutines()
                self._netpoll_block(None)
            else:
                timeout = None
                if when is not None and self.pidle:
                    timeout = max(0.0, when - now)
                if timeout is None and not (self.nsyscall or npoll):
                    if when is not None:
                        timeout = 0.001     # timers on Ps that cannot run them now
                    else:
                        msg = self.checkdead(self)
                        if msg:
                            self._deadlock(msg)
                        self._lost_goroutines()
                self._netpoll_block(timeout)

    def _netpoll_block(self, timeout: float | None) -> bool:
        gs = self.netpoller.poll(timeout)
        if gs:
            self.injectglist(gs, None)            # the idle host holds no P
            return True
        return False

    def _earliest_timer(self):
        best, owner = None, None
        for p in self.allp:
            ts = p.timers
            while ts and ts[0][2].seq != ts[0][1]:
                heapq.heappop(ts)            # a stopped or reset timer's stale entry
            if ts and (best is None or ts[0][0] < best):
                best, owner = ts[0][0], p
        return best, owner

    def _start_p_for_timers(self, owner: P) -> None:
        """A timer is due: run it on its own P if idle, else on any idle P
        (Go's stealWork runs other Ps' timers the same way)."""
        p = self._pidleget(owner) if owner.status == PStatus.Pidle else None
        if p is None:
            p = self._pidleget()
            saved = self.curp
            self.curp = p
            p.status = PStatus.Prunning   # so goready puts the woken Gs here
            try:
                self.run_timers(self, owner)
            finally:
                self.curp = saved
        self.startm(p, False)

    def _wake_busy(self) -> None:
        busy = self.busy
        while busy and busy[0][0] <= self.vnow:
            _, _, p = heapq.heappop(busy)
            p.busy_until = None
            self.readyps.append(p)

    def _drain_inbox(self) -> None:
        inbox = self.inbox
        while inbox:
            fn, arg = inbox.popleft()
            fn(arg)

    def post(self, fn, arg) -> None:
        """From another thread: ask the host to run fn(arg) at its next
        scheduling point, waking it if it is blocked in the netpoller."""
        self.inbox.append((fn, arg))
        np = self.netpoller
        if np is not None:
            np.wakeup()

    # ------------------------------------------------------ simulated CPU work

    def work(self, seconds: float) -> None:
        """The running G computes for `seconds` of CPU time.

        Virtual clock: the G holds its P for that long in simulated time
        while the other Ps go on; with preempt="async" it is preempted
        when its time slice reaches exactly 10 ms (forcePreemptNS) from
        ``p.schedwhen``, going to the global queue.  That slice is
        idealised: Go's sysmon measures a slice from the first round that
        *observed* the new schedtick and checks only every 20 µs–10 ms, so
        a real Go slice is 10 ms plus up to one sysmon period (Go 1.19
        measured 14–24 ms here).  Real clock: a busy loop, preemptible
        under "async" (it is a loop without calls)."""
        if seconds <= 0:
            return
        if not self.virtual:
            _busy_loop(seconds)
            return
        g = self.curg
        p = self.curp
        remaining = seconds
        if self.tracing:
            self.trace_event("work", p, g, seconds)
        while True:
            start = self.vnow
            until = start + remaining
            if self.preempt == "async":
                until = min(until, p.schedwhen + FORCE_PREEMPT_NS)
                if until <= start:            # this time slice is already used up
                    self.gopreempt()
                    p = self.curp
                    continue
            p.busy_until = until
            self.seq += 1
            heapq.heappush(self.busy, (until, self.seq, p))
            self.curg = None
            self._dispatch()                  # other Ps run meanwhile; back at `until`
            p = self.curp
            stop = g.param
            if type(stop) is tuple and stop[0] == "work interrupted":
                g.param = None                # gomaxprocs removed our P mid-slice; we were
                remaining -= stop[1] - start  # requeued and have been scheduled again
                if remaining <= 1e-12:
                    return
                continue
            remaining -= until - start
            if remaining <= 1e-12:
                return
            self.gopreempt()                  # sysmon's forcePreemptNS, in virtual time
            p = self.curp

    # ------------------------------------------------------- exit and death

    def _worker(self) -> None:
        """The body of every pooled greenlet: run the G it was given, then
        recycle the G and itself and run the next G (Go's goexit0)."""
        g = None
        try:
            while True:
                g = self.curg
                try:
                    kw = g.kwargs
                    r = g.fn(*g.args, **kw) if kw else g.fn(*g.args)
                    if self.goexiting and g in self.goexiting:
                        raise Goexit()    # a panic during goexit() was caught: Go resumes the Goexit
                except Goexit:
                    r = None
                    self.goexiting.discard(g)
                    if g is self.main_g:
                        self.main_goexited = True
                        self.main_g = None
                if g is self.main_g:
                    self._main_returned(r)
                self._goexit0(g)
        except greenlet.GreenletExit:
            raise
        except BaseException as e:   # a panic ends the program, as in Go
            if self.exiting:
                # raised by a finally block while run() unwinds abandoned
                # goroutines (whose defers Go would never run): it cannot
                # change how the run ended; the greenlet just ends
                return
            self._crash(e, self.curg if self.curg is not None else g)

    def _goexit0(self, g: G) -> None:
        """g's function returned: the G record goes on the free list and its
        greenlet to the pool, then the next G runs (Go's goexit0)."""
        g.status = Gdead
        g.fn = g.kwargs = g.param = g.glet = g.m = g.waiting = None
        g.args = ()
        self.allg.discard(g)
        if self.plain:
            self.gfree.append(g)          # gfput, inlined
        else:
            if self.tracing:
                self.trace_event("exit", self.curp, g)
            self.gfput(self, g)
        self.gpool.append(greenlet.getcurrent())
        self._schedule()

    def _main_returned(self, result) -> None:
        self.result = result
        if not self.unwind_on_return:
            _flush_std()
            os._exit(0)
        self.root.switch()

    def _crash(self, exc: BaseException, g: G | None) -> None:
        self.goexiting.discard(g)
        if not self.unwind_on_return:
            # the command line's report, made here while the runtime still
            # runs (Go's preprintpanics): a __str__ may call the runtime
            try:
                exc._go_panic_head = errors.panic_head(exc)
            except BaseException:
                pass
        self.fatal = exc
        self.fatal_goid = g.goid if g is not None else 0
        if g is not None:
            try:
                exc.add_note(f"(raised in goroutine {g.goid})")
            except Exception:
                pass
        self.root.switch()

    def _lost_goroutines(self) -> None:
        """Nothing can run and nothing can wake anyone, yet checkdead saw a
        goroutine that is not blocked: it is runnable but in no queue, so the
        scheduler's own parts lost it.  Go throws "checkdead: runnable g" in
        this case; so do we, rather than wait forever."""
        from .trace import goroutine_dump
        stuck = sorted((g for g in self.allg if g.status != Gwaiting), key=lambda g: g.allgidx)
        queued = [g for p in self.allp for g in p.queued()] + list(self.runq)
        self.fatal = FatalError(
            "checkdead: runnable g: no P is running and nothing can wake one, but "
            f"{len(stuck)} goroutine(s) are not blocked ({len(queued)} still queued on idle Ps "
            "or the global queue): the run queues lost track of them\n\n"
            + goroutine_dump(self, stuck))
        self.root.switch()

    def _deadlock(self, msg: str) -> None:
        """End the run with Go's deadlock report (checkdead said `msg`)."""
        from .trace import goroutine_dump
        blocked = sorted((g for g in self.allg if g.status == Gwaiting),
                         key=lambda g: g.allgidx)
        self.fatal = Deadlock(msg, [(g.goid, g.wait_reason) for g in blocked],
                              goroutine_dump(self, blocked))
        self.root.switch()

    # ------------------------------------------------------------- lifecycle

    def run_main(self, main, args: tuple, kwargs: dict | None = None):
        global current, last_fatal_goid
        if current is not None:
            raise RuntimeError("run() is already running: a goroutine cannot call run(), "
                               "and only one run() can be active per process")
        if not callable(main):
            raise TypeError(f"run: {main!r} is not callable")
        current = self
        saved_hooks = (sys.gettrace(), sys.getprofile())
        self.root = greenlet.getcurrent()
        self.host_thread = threading.current_thread()
        self.host_ident = threading.get_ident()
        try:
            self._start()
            p = self._pidleget(self.allp[0])
            self.startm(p, False)
            self.curp = p
            self.main_g = self.newproc(main, args, kwargs)
            # main starts a fresh time slice (schedtick 1), as in Go, where
            # runtime.main has scheduled its helper goroutines before main.main
            p.runnext = None
            self.runqput(self, p, self.main_g, False)
            self.main_started = True
            self.curp = None
            try:
                self._dispatch()
                while self.pending_start is not None:
                    glet, self.pending_start = self.pending_start, None
                    glet.switch()
            except BaseException as e:       # e.g. KeyboardInterrupt in the root
                if self.fatal is None:
                    self.fatal = e
        finally:
            try:
                self._stop()
            finally:
                try:
                    if self.fatal is not None and isinstance(self.fatal, KeyboardInterrupt):
                        from .trace import goroutine_dump
                        sys.stderr.write("\ngoroutine dump (KeyboardInterrupt):\n\n"
                                         + goroutine_dump(self, sorted(self.allg, key=lambda g: g.allgidx))
                                         + "\n")
                    if self.unwind_on_return:
                        self._unwind_all()
                    # else: the command line is about to exit the process; Go
                    # runs no other goroutine's deferred calls on a panic or a
                    # fatal error, and neither do we
                finally:
                    if self.netpoller is not None:
                        self.netpoller.close()
                    current = None
                    last_fatal_goid = self.fatal_goid
                    # Unwinding a goroutine suspended inside a preemption hook
                    # makes CPython drop the thread's tracer (a hook that raises
                    # is removed): leave tracing as the run found it.
                    if (sys.gettrace(), sys.getprofile()) != saved_hooks:
                        sys.settrace(saved_hooks[0])
                        sys.setprofile(saved_hooks[1])
        if self.fatal is not None:
            raise self.fatal
        return self.result

    def _start(self) -> None:
        from .netpoll import Netpoller
        from .preempt import Preempter
        from .sysmon import Sysmon
        self.netpoller = Netpoller(self)
        self.preempter = Preempter(self)
        self.preempter.start()
        self.sysmon = Sysmon(self)
        self.sysmon.start()

    def _stop(self) -> None:
        if self.sysmon is not None:
            self.sysmon.stop()
        if self.preempter is not None:
            self.preempter.stop()
        if self.syscalls is not None:
            self.syscalls.shutdown()

    def _unwind_again(self) -> None:
        """A goroutine being unwound reached a scheduling point again: it
        caught the GreenletExit (a bare ``except:``) or blocks in a finally
        block.  Raise it again, at most UNWIND_TRIES times; then give up on
        this goroutine: leave it suspended for good and go back to
        _unwind_all, so run() returns whatever it catches."""
        me = greenlet.getcurrent()
        n = self.unwind_tries.get(me, 0) + 1
        self.unwind_tries[me] = n
        if n <= UNWIND_TRIES:
            raise greenlet.GreenletExit
        _ABANDONED.append(me)             # never resumed, never collected (a collected
        self.root.switch()                # greenlet would be thrown into again)

    def _unwind_all(self) -> None:
        """Unwind every goroutine still alive, running its finally blocks,
        so that nothing of this run outlives it.  A goroutine that keeps
        running after UNWIND_TRIES GreenletExits is left suspended, and a
        RuntimeWarning names it."""
        self.exiting = True
        self.update_plain()
        from .g import release_waiting
        goid_of = {g.glet: g for g in self.allg if g.glet is not None}
        for g in self.allg:
            release_waiting(g)            # channels and sync objects may outlive the run
        me = greenlet.getcurrent()
        stuck = []
        for glet in self.glets:
            if glet and not glet.dead and glet is not me:
                try:
                    glet.throw(greenlet.GreenletExit)
                except BaseException:
                    pass
                if not glet.dead:
                    stuck.append(goid_of.get(glet))
        if stuck:
            import warnings
            from .trace import _frames, _funcname
            names = []
            for g in stuck:
                if g is None:
                    names.append("a goroutine")
                    continue
                frames = _frames(g)
                where = f" in {_funcname(frames[0])}" if frames else ""
                names.append(f"goroutine {g.goid}{where}")
            warnings.warn(
                f"run() could not unwind {', '.join(names)}: it went on running after "
                f"{UNWIND_TRIES} GreenletExits (a bare 'except:' or 'except BaseException' "
                "around a blocking call?); it is left suspended and will never run again",
                RuntimeWarning, stacklevel=4)
        self.glets.clear()
        self.gpool.clear()
        for g in self.allg:
            g.glet = None
        self.gfree.clear()
        self.readyps.clear()

    # --------------------------------------------------------------- gomaxprocs

    def procresize(self, n: int) -> None:
        """Change the number of Ps at run time (Go's procresize, which
        GOMAXPROCS calls with the world stopped).  Growing adds idle Ps.
        Shrinking moves everything the removed Ps held, so no goroutine is
        lost: as Go's ``p.destroy``, each one's queued Gs to the *head* of
        the global queue (the ring from its tail, then runnext, which ends
        up at the very front) and its timers to the caller's P (P0 if the
        caller's own P goes); the G each one's M had picked, or was
        computing in work(), goes to the global queue's tail.  The caller
        continues on its P if it survives, else on P0."""
        old = self.gomaxprocs
        if n == old:
            return
        if n > old:
            for i in range(old, n):
                p = P(i)
                self.allp.append(p)
                self._pidleput(p)
        else:
            cur = self.curp
            caller = self.curg
            p0 = self.allp[0]
            local = cur if cur is not None and cur.id < n else p0   # the caller's P after the switch
            for p in self.allp[n:]:
                self._release_p(p, keep=(p is cur), timers_to=local)
            self.allp = self.allp[:n]
            if cur is not None and cur.id >= n:
                # the caller moves to P0: P0 gives up what it had picked, and
                # its M, and takes over the caller's M
                if p0.status == PStatus.Pidle:
                    self._pidleget(p0)
                else:
                    self._release_p(p0, keep=False, requeue_only=True)
                m = cur.m
                p0.m = m
                m.p = p0
                m.curg = caller
                p0.status = PStatus.Prunning
                cur.m = None
                cur.status = PStatus.Pdead
                self.curp = p0
            self.readyps = deque(p for p in self.readyps
                                 if p.id < n and p.status == PStatus.Prunning and p is not self.curp)
        self.gomaxprocs = n
        self._coprimes = _coprimes(n)
        if self.tracing:
            self.trace_event("procresize", self.curp, self.curg, (old, n))
        self.wakep()

    def _release_p(self, p: P, keep: bool, requeue_only: bool = False,
                   timers_to: P | None = None) -> None:
        """Empty P p for procresize.  Unless requeue_only (P0 handing its M
        to the caller: its queue and timers stay), do Go's ``p.destroy``:
        pop the ring from its tail onto the head of the global queue
        (``globrunqputhead``), then runnext, so runnext ends up first and
        the ring keeps its order behind it; move the timers to timers_to
        (``moveTimers`` to the caller's P).  Then the G its M had picked (or
        was computing in work()) goes to the global queue's tail and the M
        to the idle list.  With keep, p is the caller's P: its running G
        stays with its M."""
        if not requeue_only:
            ring = p.runq
            while p.runqtail != p.runqhead:
                p.runqtail -= 1
                self.runq.appendleft(ring[p.runqtail % RUNQ_SIZE])
            if p.runnext is not None:
                self.runq.appendleft(p.runnext)
            p.runnext = None
            p.runq = [None] * len(ring)
            p.runqhead = p.runqtail = 0
            moved, p.timers = p.timers, []
            from .timers import readd_timers
            readd_timers(self, timers_to if timers_to is not None else self.allp[0], moved)
        if p in self.pidle:
            self.pidle.remove(p)
            self.npidle -= 1
        m = p.m
        if p.busy_until is not None:          # a G in work() on it: stop its slice now
            self.busy = [e for e in self.busy if e[2] is not p]
            heapq.heapify(self.busy)
            p.busy_until = None
            if m is not None and m.curg is not None:
                m.curg.param = ("work interrupted", self.vnow)
        # (a P in Psyscall has no M: its M's exitsyscall finds the P dead
        # and looks for another)
        if m is not None and not keep:
            g = m.curg
            if g is not None:
                g.status = Grunnable
                self.runq.append(g)
            if m.spinning:
                m.spinning = False
                self.nmspinning -= 1
            m.p = None
            m.curg = None
            self.midle.append(m)
            p.m = None
        if not requeue_only and not keep:
            p.status = PStatus.Pdead

# --------------------------------------------------------------------------
# The parts: one function per mechanism, each the size of an exercise.  The
# Runtime calls them through instance attributes (self.findrunnable(self, p)),
# so a learner's version can replace any of them (see default_parts).

def findrunnable(rt: Runtime, p: P):
    """Find a runnable G for p without blocking (Go's findRunnable, whose
    blocking tail is Runtime._idle here).  Returns (g, inherit_time) or
    (None, False).  Order, as in Go: run due timers; the run queues
    (nextg); the network (non-blocking); steal from other Ps."""
    if p.timers and p.timers[0][0] <= rt.nanotime():
        rt.run_timers(rt, p)
    g, inherit = rt.nextg(rt, p)
    if g is not None:
        return g, inherit
    np = rt.netpoller
    if np is not None and np.waiters:
        gs = np.poll(0)
        if gs:
            g = gs.pop()
            g.status = Grunnable
            g.wait_reason = ""
            rt.injectglist(gs)
            return g, False
    if rt.gomaxprocs > 1:
        return rt.stealwork(rt, p)
    return None, False


def nextg(rt: Runtime, p: P):
    """The queues' part of findrunnable: every 61st schedule the global
    queue first (so two goroutines respawning each other cannot starve
    it); else runnext and the local ring; else the global queue.  Returns
    (g, inherit_time) or (None, False)."""
    if p.schedtick % GLOBAL_CHECK_PERIOD == 0 and rt.runq:
        g = rt.globrunqget(rt, p, 1)
        if g is not None:
            return g, False
    g, inherit = rt.runqget(p)
    if g is not None:
        return g, inherit
    if rt.runq:
        g = rt.globrunqget(rt, p, 0)
        if g is not None:
            return g, False
    return None, False


def stealwork(rt: Runtime, p: P):
    """Try four times over all Ps, in a random order, to steal half of a
    victim's queue; on the last pass also run the victims' due timers and
    take their runnext (Go's stealWork).  Only if few Ms are already
    spinning: at most half the busy Ps may look for work at once."""
    m = p.m
    if not m.spinning:
        if 2 * rt.nmspinning >= rt.gomaxprocs - rt.npidle:
            return None, False
        m.spinning = True
        rt.nmspinning += 1
    n = rt.gomaxprocs
    allp = rt.allp
    coprimes = rt._coprimes
    for i in range(4):
        last = i == 3
        start = rt.rng.getrandbits(32)
        pos = start % n
        inc = coprimes[start // n % len(coprimes)]
        for _ in range(n):
            p2 = allp[pos]
            pos = (pos + inc) % n
            if p2 is p:
                continue
            if last and p2.timers and p2.timers[0][0] <= rt.nanotime():
                rt.run_timers(rt, p2)
                g, inherit = rt.runqget(p)
                if g is not None:
                    return g, inherit
            if p2.status != PStatus.Pidle:
                g = rt.runqsteal(rt, p, p2, last)
                if g is not None:
                    return g, False
    return None, False


def handoffp(rt: Runtime, p: P) -> None:
    """P left by a system call (or a retired M): start an M for it if it
    has work, else make it idle (Go's handoffp)."""
    if not p.runqempty() or rt.runq:
        rt.startm(p, False)
        return
    if rt.nmspinning + rt.npidle == 0:
        # no one is looking for work: spin, in case work appears
        rt.nmspinning += 1
        rt.startm(p, True)
        return
    p.m = None
    if rt.tracing:
        rt.trace_event("proc_stop", p, None)
    rt._pidleput(p)


def gfget(rt: Runtime):
    """A dead G to reuse for a new goroutine, or None (Go's gfget)."""
    return rt.gfree.pop() if rt.gfree else None


def gfput(rt: Runtime, g: G) -> None:
    """Put dead g on the free list (Go's gfput)."""
    rt.gfree.append(g)


def checkdead(rt: Runtime) -> str | None:
    """Called when no P has anything to run and no timer is due soon: is
    the program deadlocked?  Returns Go's message if no goroutine can ever
    run again, else None (Go's checkdead).  Not a deadlock while a goroutine
    is runnable, in a system call, waiting on the network, or sleeping (a
    timer will wake it)."""
    if rt.nsyscall or rt.busy:
        return None
    if rt.netpoller is not None and rt.netpoller.waiters:
        return None
    for p in rt.allp:
        for when, seq, t in p.timers:
            if t.seq == seq:
                return None
        if not p.runqempty():
            return None
    if rt.runq:
        return None
    for g in rt.allg:
        if g.status != Gwaiting:
            return None
    if rt.main_goexited and not rt.allg:
        return errors.GOEXIT_DEADLOCK
    return errors.ALL_ASLEEP


_DEFAULT_PARTS: dict | None = None


def default_parts() -> dict:
    """The reference implementation of every replaceable part."""
    global _DEFAULT_PARTS
    if _DEFAULT_PARTS is None:
        from . import netpoll, preempt, runq, timers
        _DEFAULT_PARTS = {
            "runqput": runq.runqput, "runqget": runq.runqget,
            "runqsteal": runq.runqsteal, "globrunqget": runq.globrunqget,
            "findrunnable": findrunnable, "nextg": nextg, "stealwork": stealwork,
            "handoffp": handoffp,
            "gfget": gfget, "gfput": gfput, "checkdead": checkdead,
            "addtimer": timers.addtimer, "deltimer": timers.deltimer,
            "run_timers": timers.run_timers,
            "safe_point": preempt.safe_point, "arm_frame": preempt.arm_frame,
            "netpollblock": netpoll.netpollblock, "netpollready": netpoll.netpollready,
        }
    return dict(_DEFAULT_PARTS)


def _coprimes(n: int) -> list[int]:
    return [i for i in range(1, n + 1) if math.gcd(i, n) == 1]


#: GreenletExits a goroutine may catch while run() unwinds it before it is
#: given up on (each nested finally block that blocks takes one)
UNWIND_TRIES = 100
#: greenlets of goroutines that refused to unwind: kept so they are never
#: collected (collecting one throws GreenletExit into it, and it would run)
_ABANDONED: list = []

#: a gap this long between two turns of the busy loop means its goroutine was
#: switched out (preempted) or the host thread descheduled: not its CPU time
_BUSY_GAP = 200e-6


def _busy_loop(seconds: float) -> None:
    """Spin until this goroutine has run for `seconds`: time spent switched
    out (another goroutine, preempted in, runs meanwhile) does not count, so
    four goroutines doing work(0.1) on one host thread take 0.4 s."""
    clock = time.perf_counter
    left = seconds
    last = clock()
    while left > 0:
        now = clock()
        gap = now - last
        if gap < _BUSY_GAP:
            left -= gap
        last = now


def _flush_std() -> None:
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except Exception:
            pass


def foreign_thread_error(rt: Runtime) -> RuntimeError:
    """The error for a call into the runtime from an OS thread that is not
    the one running it (goroutines, channels and timers live on the thread
    that called run())."""
    return RuntimeError(
        f"this was called from thread {threading.current_thread().name!r}, but the goroutine "
        f"runtime runs on thread {getattr(rt.host_thread, 'name', '?')!r}: goroutines, "
        "channels, select and timers belong to the thread that called run(). From a "
        "goroutine, run blocking work on another thread with syscall(fn) and pass results "
        "on through a channel (a goroutine looping over syscall(queue.get) brings values "
        "in from other threads)")


def not_on_a_goroutine(rt: Runtime) -> RuntimeError:
    """The error when a blocking call finds no running goroutine: called
    from another thread, or from the runtime's own idle loop."""
    if threading.current_thread() is not rt.host_thread:
        return foreign_thread_error(rt)
    return RuntimeError("a blocking runtime call was made outside any goroutine "
                        "(from the runtime's own thread while no goroutine runs)")


def getrt() -> Runtime:
    """The running runtime, or a clear error outside run()."""
    rt = current
    if rt is None:
        raise RuntimeError("this needs a running goroutine runtime: call it from a "
                           "function started by run() (e.g. run(main))")
    return rt
