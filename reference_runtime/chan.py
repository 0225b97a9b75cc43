"""Channels (Go's ``runtime/chan.go``).

A channel (Go's ``hchan``) is a buffer of ``dataqsiz`` slots (``buf``,
``qcount`` = ``len(buf)``) and two FIFO queues of waiting goroutines:
``recvq`` and ``sendq``, holding one ``sudog`` per waiting G.  At most one
of the queues is non-empty at a time.  The three rules of ``chansend``:

1. a receiver is waiting: hand the value straight to it (no buffer copy)
   and make it ready; the sender does not block;
2. the buffer has room: append and return;
3. otherwise park on ``sendq`` until a receiver takes the value, or the
   channel is closed (then the sender panics).

``chanrecv`` mirrors them; with a full buffer and a sender waiting, it takes
the head of the buffer and moves the sender's value to the tail, so FIFO
order holds.  ``close`` wakes every waiter: receivers get the zero value
(``None`` here) and ``ok=False``, senders panic.

Go locks ``hchan.lock`` around all of this; on one host thread no lock is
needed.  Go's ring buffer (``sendx``/``recvx``) is a ``deque`` here: the
same FIFO, and the fastest one CPython has.
"""
from __future__ import annotations

from collections import deque

from . import sched
from .errors import CLOSE_OF_CLOSED, CLOSE_OF_NIL, MAKECHAN_SIZE, SEND_ON_CLOSED, Panic
from .g import Grunnable, Sudog, WaitReason

_NO_BUFFER = ()
_CHAN_SEND = WaitReason.CHAN_SEND
_CHAN_RECEIVE = WaitReason.CHAN_RECEIVE
# makechan's bound: Go refuses a buffer larger than maxAlloc (2^48 bytes on
# 64-bit Linux) less the hchan header (96 bytes); an element counts here as
# one 8-byte word, so ``chan(1 << 59)`` panics as ``make(chan int, 1<<59)``.
_MAX_ALLOC = 1 << 48
_HCHAN_SIZE = 96
MAX_CHAN_SIZE = (_MAX_ALLOC - _HCHAN_SIZE) // 8


def _dequeue(q: deque):
    """Next waiter that can still be woken (Go's waitq.dequeue): skip the
    sudogs of a select that another case already won.  A select's sudog
    taken here is marked done and becomes its G's param (the winning case)."""
    while q:
        sg = q.popleft()
        sel = sg.sel
        if sel is not None:
            if sel.done:
                continue
            sel.done = True
            sg.g.param = sg
        return sg
    return None


def _dequeue_select(q: deque, sg):
    """sg (just popped from q) belongs to a select: take it if that select
    is still waiting, else the next waiter that can be woken."""
    sel = sg.sel
    if sel.done:
        return _dequeue(q)
    sel.done = True
    sg.g.param = sg
    return sg


class Chan:
    """A Go channel.  ``chan(size)`` makes one; ``send``, ``recv``,
    ``recv_ok``, ``close``, ``len(ch)``, ``ch.cap``, ``for v in ch``."""

    __slots__ = ("buf", "dataqsiz", "recvq", "sendq", "closed", "__weakref__")

    def __init__(self, size: int = 0) -> None:
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"chan size must be an int, not {type(size).__name__}")
        if not 0 <= size <= MAX_CHAN_SIZE:
            raise Panic(MAKECHAN_SIZE)
        self.dataqsiz = size
        # an unbuffered channel has no buffer (as Go's hchan): an empty tuple
        # reads like an empty deque and saves one per channel
        self.buf = deque() if size else _NO_BUFFER
        self.recvq = deque()
        self.sendq = deque()
        self.closed = False

    # -------------------------------------------------------------- send

    def send(self, v: object) -> None:
        """Send v (``ch <- v``): blocks until a receiver takes it or the
        buffer has room.  Panics "send on closed channel"."""
        if self.closed:
            raise Panic(SEND_ON_CLOSED)
        rq = self.recvq
        if rq:
            sg = rq.popleft()
            if sg.sel is not None:
                sg = _dequeue_select(rq, sg)   # skip selects already won; tell it who won
            if sg is not None:            # hand v straight to the waiting receiver
                sg.elem = v
                sg.success = True
                g = sg.g
                rt = sched.current
                p = rt.curp
                if rt.plain and p is not None and p.runnext is None and not rt.npidle:
                    g.status = Grunnable  # goready, inlined: runnext was free, no idle P
                    g.wait_reason = ""
                    p.runnext = g
                else:
                    rt.goready(g)
                return
        if len(self.buf) < self.dataqsiz:
            self.buf.append(v)
            return
        rt = sched.current
        if rt is None:
            sched.getrt()
        g = rt.curg
        try:
            sg = g.sudog                  # one sudog per G, reused (Go's acquireSudog cache)
        except AttributeError:            # no goroutine running: another OS thread called
            raise sched.not_on_a_goroutine(rt) from None
        if sg is None:
            sg = g.sudog = Sudog(g, None, None, None, 0)
        sg.elem = v
        sg.c = self
        sg.success = False
        sq = sg.q = self.sendq
        sq.append(sg)
        rt._schedule(_CHAN_SEND)        # gopark
        if not sg.success:
            raise Panic(SEND_ON_CLOSED)

    def try_send(self, v: object) -> bool:
        """Send if it can be done without blocking (``select`` with
        ``default``); False otherwise.  Panics on a closed channel."""
        if self.closed:
            raise Panic(SEND_ON_CLOSED)
        rq = self.recvq
        if rq:
            sg = _dequeue(rq)
            if sg is not None:
                sg.elem = v
                sg.success = True
                g = sg.g
                g.param = sg
                sched.current.goready(g)
                return True
        if len(self.buf) < self.dataqsiz:
            self.buf.append(v)
            return True
        return False

    # -------------------------------------------------------------- recv

    def recv(self) -> object:
        """Receive (``<-ch``): blocks until a value arrives; None once the
        channel is closed and drained."""
        sq = self.sendq
        if sq and not self.buf:           # unbuffered, a sender waiting: the common case
            sg = sq.popleft()
            if sg.sel is not None:
                sg = _dequeue_select(sq, sg)
            if sg is not None:
                sg.success = True
                g = sg.g
                rt = sched.current
                p = rt.curp
                if rt.plain and p is not None and p.runnext is None and not rt.npidle:
                    g.status = Grunnable  # goready, inlined (as in send)
                    g.wait_reason = ""
                    p.runnext = g
                else:
                    rt.goready(g)
                return sg.elem
            return self.recv_ok()[0]
        if self.buf or self.closed:
            return self.recv_ok()[0]
        rt = sched.current                # park on recvq: _recv_block, inlined
        if rt is None:
            sched.getrt()
        g = rt.curg
        try:
            sg = g.sudog
        except AttributeError:            # no goroutine running: another OS thread called
            raise sched.not_on_a_goroutine(rt) from None
        if sg is None:
            sg = g.sudog = Sudog(g, None, None, None, 0)
        sg.elem = None
        sg.c = self
        sg.success = False
        rq = sg.q = self.recvq
        rq.append(sg)
        rt._schedule(_CHAN_RECEIVE)     # gopark
        return sg.elem

    def recv_ok(self) -> tuple:
        """Receive with Go's comma-ok (``v, ok := <-ch``): ``(v, True)`` for
        a sent value, ``(None, False)`` once closed and drained."""
        buf = self.buf
        if buf:
            v = buf.popleft()
            sq = self.sendq
            if sq:
                sg = _dequeue(sq)
                if sg is not None:        # a sender waited for room: its value joins the tail
                    buf.append(sg.elem)
                    sg.success = True
                    sched.current.goready(sg.g)
            return v, True
        sq = self.sendq
        if sq:
            sg = sq.popleft()
            if sg.sel is not None:
                sg = _dequeue_select(sq, sg)
            if sg is not None:            # unbuffered: take the value from the sender
                sg.success = True
                sched.current.goready(sg.g)
                return sg.elem, True
        if self.closed:
            return None, False
        return self._recv_block()

    def _recv_block(self) -> tuple:
        """Park on recvq until a sender hands a value over, or close."""
        rt = sched.current
        if rt is None:
            sched.getrt()
        g = rt.curg
        try:
            sg = g.sudog                  # one sudog per G, reused
        except AttributeError:            # no goroutine running: another OS thread called
            raise sched.not_on_a_goroutine(rt) from None
        if sg is None:
            sg = g.sudog = Sudog(g, None, None, None, 0)
        sg.elem = None
        sg.c = self
        sg.success = False
        rq = sg.q = self.recvq
        rq.append(sg)
        rt._schedule(_CHAN_RECEIVE)     # gopark
        return sg.elem, sg.success

    def try_recv(self) -> tuple:
        """Receive without blocking: ``(v, ok, True)`` if a receive happened
        (ok False when closed and drained), ``(None, False, False)`` if it
        would block."""
        if self.buf or _has_live(self.sendq) or self.closed:
            v, ok = self.recv_ok()
            return v, ok, True
        return None, False, False

    # ------------------------------------------------------------- close

    def close(self) -> None:
        """Close the channel (Go's closechan): receivers drain the buffer
        then get (None, False); waiting senders panic.  Panics "close of
        closed channel"."""
        if self.closed:
            raise Panic(CLOSE_OF_CLOSED)
        self.closed = True
        woken = []
        for q, ok in ((self.recvq, False), (self.sendq, False)):
            while q:
                sg = _dequeue(q)
                if sg is None:
                    break
                if q is self.recvq:
                    sg.elem = None
                sg.success = ok
                sg.g.param = sg
                woken.append(sg.g)
        if woken:
            # Go collects the waiters on a gList, a stack, and readies them
            # from its top: the last collected first (each into runnext)
            rt = sched.getrt()
            for g in reversed(woken):
                rt.goready(g)

    # ------------------------------------------------------------ queries

    def __len__(self) -> int:
        return len(self.buf)

    @property
    def cap(self) -> int:
        return self.dataqsiz

    def __iter__(self):
        """``for v in ch``: receive until the channel is closed and drained."""
        buf = self.buf
        sq = self.sendq
        recv_ok = self.recv_ok
        while True:
            if buf and not sq:            # a buffered value and no sender waiting: take it
                yield buf.popleft()
                continue
            v, ok = recv_ok()
            if not ok:
                return
            yield v

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return (f"<chan cap={self.dataqsiz} len={len(self.buf)}{state} "
                f"recvq={len(self.recvq)} sendq={len(self.sendq)}>")


def _has_live(q: deque) -> bool:
    for sg in q:
        if sg.sel is None or not sg.sel.done:
            return True
    return False


class NilChan(Chan):
    """The nil channel: send and receive block forever, close panics."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(0)

    def send(self, v: object) -> None:
        sched.getrt().gopark(WaitReason.CHAN_SEND_NIL)

    def try_send(self, v: object) -> bool:
        return False

    def recv(self) -> object:
        sched.getrt().gopark(WaitReason.CHAN_RECEIVE_NIL)

    def recv_ok(self) -> tuple:
        sched.getrt().gopark(WaitReason.CHAN_RECEIVE_NIL)
        return None, False

    def try_recv(self) -> tuple:
        return None, False, False

    def close(self) -> None:
        raise Panic(CLOSE_OF_NIL)

    def __repr__(self) -> str:
        return "<nil chan>"


#: Go's nil channel value: a send or receive on it blocks forever, and a
#: select case on it is never chosen.
nilchan = NilChan()


def chan(size: int = 0) -> Chan:
    """Make a channel with `size` buffer slots (``make(chan T, size)``)."""
    return Chan(size)
