"""P, the logical processor, and the run queues (Go's ``p`` in runtime2.go,
``runqput``/``runqget``/``runqsteal``/``globrunqget`` in proc.go).

Each P owns a 256-slot ring of runnable Gs and a ``runnext`` slot.  Only the
owner puts into its ring; thieves take from its head.  A G made ready by the
running G (a channel handoff, a ``go`` statement) goes to ``runnext`` and runs
next, inheriting the current time slice: that is what keeps a producer and
consumer ping-ponging on one P cache-hot.  When the ring is full, half of it
moves to the global queue (``runqputslow``), which every P checks once every
61 schedules so that nothing starves there.  61 is prime, so the check does
not fall into step with a program's own periodicity.

In Go these are lock-free (CAS on head, store-release on tail) because Ps run
on several threads at once.  Here every P is driven from the one host
thread, so plain reads and writes are exact; the algorithm and the numbers
are Go's.
"""
from __future__ import annotations

from collections import deque

RUNQ_SIZE = 256          # len(p.runq) in Go
GLOBAL_CHECK_PERIOD = 61  # schedtick % 61 == 0 -> look at the global queue first


class PStatus:
    """Go's P states (runtime2.go)."""

    Pidle = 0
    Prunning = 1
    Psyscall = 2
    Pdead = 4

    NAMES = {0: "idle", 1: "running", 2: "syscall", 4: "dead"}


class P:
    """A logical processor: the right to run Go code, with its own queue."""

    __slots__ = (
        "id", "status", "m",
        "runq", "runqhead", "runqtail", "runnext",
        "schedtick", "schedwhen", "syscalltick",
        "timers",                  # heap of [when, seq, timer]
        "goidcache", "goidcacheend",
        "busy_until",              # virtual clock: simulated CPU work holds the P until then
    )

    def __init__(self, pid: int) -> None:
        self.id = pid
        self.status = PStatus.Pidle
        self.m = None
        self.runq = [None] * RUNQ_SIZE
        self.runqhead = 0
        self.runqtail = 0
        self.runnext = None
        self.schedtick = 0
        self.schedwhen = 0.0
        self.syscalltick = 0
        self.timers = []
        self.goidcache = 0
        self.goidcacheend = 0
        self.busy_until = None

    def runqsize(self) -> int:
        """Gs in the local ring (not counting runnext), as schedtrace prints."""
        return self.runqtail - self.runqhead

    def runqempty(self) -> bool:
        return self.runqtail == self.runqhead and self.runnext is None

    def queued(self) -> list:
        """The Gs waiting on this P, runnext first (for views and tests)."""
        out = [] if self.runnext is None else [self.runnext]
        out.extend(self.runq[i % RUNQ_SIZE] for i in range(self.runqhead, self.runqtail))
        return out

    def __repr__(self) -> str:
        return (f"<P{self.id} {PStatus.NAMES[self.status]} runq={self.runqsize()}"
                f" runnext={self.runnext and self.runnext.goid}>")


def runqput(rt, p: P, g, next: bool) -> None:
    """Put g on p's local queue; with next=True into runnext, kicking the old
    runnext to the tail of the ring.  A full ring spills half to the global
    queue (runqputslow)."""
    if next:
        old = p.runnext
        p.runnext = g
        if old is None:
            return
        g = old
    t = p.runqtail
    if t - p.runqhead < RUNQ_SIZE:
        p.runq[t % RUNQ_SIZE] = g
        p.runqtail = t + 1
        return
    runqputslow(rt, p, g)


def runqputslow(rt, p: P, g) -> None:
    """Move half of p's full ring, plus g, to the global queue."""
    n = (p.runqtail - p.runqhead) // 2
    h = p.runqhead
    batch = [p.runq[(h + i) % RUNQ_SIZE] for i in range(n)]
    for i in range(n):
        p.runq[(h + i) % RUNQ_SIZE] = None
    p.runqhead = h + n
    batch.append(g)
    rt.runq.extend(batch)
    if rt.tracing:
        rt.trace_event("runqputslow", p, None, n + 1)


def runqputbatch(rt, p: P, gs: list) -> None:
    """Put a batch of Gs on p's local ring, in order, as many as fit; the
    rest go to the global queue (Go's runqputbatch with globrunqputbatch).
    runnext is left alone."""
    t = p.runqtail
    room = RUNQ_SIZE - (t - p.runqhead)
    k = min(room, len(gs))
    ring = p.runq
    for i in range(k):
        ring[(t + i) % RUNQ_SIZE] = gs[i]
    p.runqtail = t + k
    if k < len(gs):
        rt.runq.extend(gs[k:])


def runqget(p: P):
    """Take the next G from p: runnext first (it inherits the time slice),
    then the head of the ring.  Returns (g, inherit_time) or (None, False)."""
    g = p.runnext
    if g is not None:
        p.runnext = None
        return g, True
    h = p.runqhead
    if h == p.runqtail:
        return None, False
    i = h % RUNQ_SIZE
    g = p.runq[i]
    p.runq[i] = None
    p.runqhead = h + 1
    return g, False


def runqgrab(victim: P, steal_runnext: bool) -> list:
    """Take half (rounded up) of victim's ring; if it is empty and
    steal_runnext, take its runnext instead (Go's last-resort steal)."""
    h, t = victim.runqhead, victim.runqtail
    n = t - h
    n = n - n // 2
    if n == 0:
        if steal_runnext and victim.runnext is not None:
            g = victim.runnext
            victim.runnext = None
            return [g]
        return []
    out = []
    for i in range(n):
        j = (h + i) % RUNQ_SIZE
        out.append(victim.runq[j])
        victim.runq[j] = None
    victim.runqhead = h + n
    return out


def runqsteal(rt, p: P, victim: P, steal_runnext: bool):
    """Steal half of victim's queue into p's; return one G to run now."""
    batch = runqgrab(victim, steal_runnext)
    if not batch:
        return None
    g = batch.pop()
    for g2 in batch:
        rt.runqput(rt, p, g2, False)
    if rt.tracing:
        rt.trace_event("steal", p, g, len(batch) + 1, victim.id)
    return g


def globrunqget(rt, p: P, max_: int):
    """Take a batch from the global queue: n = len/gomaxprocs + 1, at most
    max_ (if > 0) and at most half a local ring.  Returns one G to run; the
    rest go to p's local ring."""
    q = rt.runq
    size = len(q)
    if size == 0:
        return None
    n = size // rt.gomaxprocs + 1
    if n > size:
        n = size
    if max_ > 0 and n > max_:
        n = max_
    if n > RUNQ_SIZE // 2:
        n = RUNQ_SIZE // 2
    g = q.popleft()
    n -= 1
    t = p.runqtail
    if rt.plain and RUNQ_SIZE - (t - p.runqhead) >= n:
        ring = p.runq                     # runqput of the batch, inlined: there is room
        for i in range(t, t + n):
            ring[i % RUNQ_SIZE] = q.popleft()
        p.runqtail = t + n
    else:
        for _ in range(n):
            rt.runqput(rt, p, q.popleft(), False)
    return g


def new_global_queue() -> deque:
    return deque()
