"""The goroutine record (Go's ``g`` in ``runtime/runtime2.go``) and its states.

A G is a plain record; the stack it runs on is a greenlet, bound to the G the
first time it runs (``sched.Runtime.execute``).  When a goroutine exits, its G
goes on a free list and its greenlet back to a pool, so the next ``go``
statement costs a record and a run-queue slot, not a new stack (Go's
``gfget``/``gfput`` in ``proc.go`` do the same with G structs and stacks).

States keep Go's names and numbers (``_Gidle`` .. ``_Gdead``).  The state
machine, as this runtime drives it::

    Gidle -> Grunnable           newproc (go statement); Go goes through
                                 Gdead: malg makes a G in _Gidle, newproc1
                                 turns it _Gdead before allgadd publishes it,
                                 then _Gdead -> _Grunnable (a reused G starts
                                 from _Gdead); this runtime skips the step
    Grunnable -> Grunning        execute
    Grunning -> Grunnable        gosched, preemption
    Grunning -> Gwaiting         gopark (channel, select, sleep, sema, IO)
    Gwaiting -> Grunnable        goready
    Grunning -> Gsyscall         entersyscall
    Gsyscall -> Grunning/Grunnable  exitsyscall (a P free) / no P free
    Grunning -> Gdead            goexit0; the record waits on the free list
"""
from __future__ import annotations

import enum


class GStatus(enum.IntEnum):
    """Go's goroutine states, with Go's numbering (runtime2.go)."""

    Gidle = 0
    Grunnable = 1
    Grunning = 2
    Gsyscall = 3
    Gwaiting = 4
    Gdead = 6

    def __str__(self) -> str:  # "runnable", as Go's tracebacks print it
        return _STATUS_TEXT[self]


_STATUS_TEXT = {
    GStatus.Gidle: "idle",
    GStatus.Grunnable: "runnable",
    GStatus.Grunning: "running",
    GStatus.Gsyscall: "syscall",
    GStatus.Gwaiting: "waiting",
    GStatus.Gdead: "dead",
}

Gidle = GStatus.Gidle
Grunnable = GStatus.Grunnable
Grunning = GStatus.Grunning
Gsyscall = GStatus.Gsyscall
Gwaiting = GStatus.Gwaiting
Gdead = GStatus.Gdead


class WaitReason:
    """Go's wait-reason strings (``waitReasonStrings`` in runtime2.go).

    Go 1.19 reported every sync wait as ``semacquire``.  Newer Go names the
    primitive: ``sync.Mutex.Lock`` since Go 1.20, ``sync.WaitGroup.Wait``
    since Go 1.24.  This runtime uses the newer, more informative names.
    """

    CHAN_RECEIVE = "chan receive"
    CHAN_SEND = "chan send"
    CHAN_RECEIVE_NIL = "chan receive (nil chan)"
    CHAN_SEND_NIL = "chan send (nil chan)"
    SELECT = "select"
    SELECT_NO_CASES = "select (no cases)"
    SLEEP = "sleep"
    SEMACQUIRE = "semacquire"
    WAITGROUP_WAIT = "sync.WaitGroup.Wait"
    MUTEX_LOCK = "sync.Mutex.Lock"
    IO_WAIT = "IO wait"


class G:
    """A goroutine.  Public fields: ``goid``, ``status``, ``wait_reason``.

    The record is reused after the goroutine exits (like Go's), so a G
    object a program kept may later describe another goroutine.
    """

    __slots__ = (
        "goid", "status", "wait_reason", "waitsince",
        "fn", "args", "kwargs",
        "glet",          # the greenlet (stack) this G runs on, bound at first run
        "m",             # the M running it (Grunning/Gsyscall)
        "param",         # value passed by the waker (goready) to the parked G
        "preempt",       # preemption requested (Go's gp.preempt)
        "timer",         # this G's sleep timer, reused (Go's gp.timer)
        "waiting",       # what this G is enqueued in while parked: a Sudog, a list of
                         # them (select), or a (queue, entry) pair (semaphores)
        "sudog",         # this G's own sudog, reused by every plain channel operation
        "gopc",          # (code, line) of the go statement that created it
        "parent_goid",
        "allgidx",       # position in Go's allgs: the order of goroutine dumps
    )

    def __init__(self) -> None:
        self.goid = 0
        self.status = Gidle
        self.wait_reason = ""
        self.waitsince = 0.0
        self.fn = None
        self.args = ()
        self.kwargs = None
        self.glet = None
        self.m = None
        self.param = None
        self.preempt = False
        self.timer = None
        self.waiting = None
        self.sudog = None
        self.gopc = None
        self.parent_goid = 0
        self.allgidx = 0

    def __repr__(self) -> str:
        reason = f" [{self.wait_reason}]" if self.status == Gwaiting else ""
        return f"<G goid={self.goid} {self.status}{reason}>"


class Sudog:
    """A G waiting on a channel (Go's ``sudog``): one per channel a goroutine
    waits on, so a select over three channels has three."""

    __slots__ = ("g", "elem", "c", "sel", "success", "case", "q")

    def __init__(self, g: G, elem: object, c: object, sel: object, case: int,
                 q: object = None) -> None:
        self.g = g
        self.elem = elem
        self.c = c
        self.sel = sel          # the Select this sudog belongs to, or None
        self.success = False    # True: woken by a value; False: by close
        self.case = case
        self.q = q              # the wait queue it is in (recvq or sendq)


def release_waiting(g: G) -> None:
    """Take a G that will never run again off the wait queues it is in
    (used when a run ends: channels and sync objects can outlive it)."""
    w = g.waiting
    g.waiting = None
    items = [] if w is None else w if isinstance(w, list) else [w]
    if g.sudog is not None and g.sudog.q is not None:
        items.append(g.sudog)             # a plain channel operation's sudog
    for item in items:
        if isinstance(item, Sudog):
            q, entry = item.q, item
        else:
            q, entry = item
        try:
            q.remove(entry)
        except (ValueError, AttributeError):
            pass
