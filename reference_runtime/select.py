"""select (Go's ``runtime/select.go``, ``selectgo``).

Three passes, as in Go:

1. Visit the cases in a random order (``pollorder``, an inside-out
   Fisher-Yates shuffle from the run's generator) and take the first one
   that can proceed now.  The shuffle is what makes select fair: with two
   ready channels each is chosen about half the time, and no case can
   starve another by its position in the source.
A select of one case (no default) is the plain channel operation, as Go's
compiler makes it: it waits as ``chan receive``, not ``select``.

2. None ready: with a ``default`` case, take it.  Otherwise enqueue one
   sudog per case on each channel's queue, all pointing to one ``Select``
   record, and park with wait reason ``select``.
3. Woken by one channel: that waker marked the Select done (Go's
   ``selectDone`` CAS), so no other channel can also complete it; remove
   the other sudogs from their queues and report the winning case.

Go also sorts the channels by address (``lockorder``) and locks them in
that order, so that two selects over the same channels cannot deadlock on
each other's locks.  With every goroutine on one host thread there are no
channel locks to order.
"""
from __future__ import annotations

from threading import get_ident

from . import sched
from .chan import Chan, NilChan
from .errors import SEND_ON_CLOSED, Panic
from .g import Sudog, WaitReason

_RECV, _RECV_OK, _SEND = 0, 1, 2


class _Default:
    """The ``default`` case of a select."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "default"


#: Pass as a select case: chosen when no other case is ready.
default = _Default()


class Select:
    """Shared by the sudogs of one blocked select; ``done`` once a channel
    operation has completed it."""

    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done = False


# a case names the channel method; subclasses of Chan (a learner's) count too
_KINDS = {"send": _SEND, "recv": _RECV, "recv_ok": _RECV_OK}


def _parse(cases: tuple):
    """-> (list of (index, kind, chan, value) for non-nil channels,
    index of default or -1)."""
    out = []
    dflt = -1
    for i, case in enumerate(cases):
        if case is default:
            if dflt >= 0:
                raise TypeError("select: multiple defaults")
            dflt = i
            continue
        if type(case) is tuple:
            if len(case) != 2:
                raise TypeError(f"select: case {i}: a send case is (ch.send, value), got {case!r}")
            fn, v = case
        else:
            fn, v = case, None
        c = getattr(fn, "__self__", None)
        if not isinstance(c, Chan):
            raise TypeError(f"select: case {i}: expected ch.recv, ch.recv_ok, (ch.send, v) "
                            f"or default, got {case!r}")
        kind = _KINDS.get(getattr(fn, "__name__", None))
        if kind is None:
            raise TypeError(f"select: case {i}: unsupported channel method {fn!r}")
        if type(c) is NilChan:
            continue                      # nil channel: the case is never chosen
        if kind == _SEND and type(case) is not tuple:
            raise TypeError(f"select: case {i}: a send case is (ch.send, value)")
        if kind != _SEND and type(case) is tuple:
            raise TypeError(f"select: case {i}: a receive case is ch.recv or ch.recv_ok, "
                            "not a tuple")
        out.append((i, kind, c, v))
    return out, dflt


def select(*cases):
    """Go's select statement.  Cases: ``ch.recv``, ``ch.recv_ok``,
    ``(ch.send, v)``, ``default``.  Returns ``(index, value)``: the received
    value for ``recv``, ``(v, ok)`` for ``recv_ok``, None for a send or
    default.  With no cases, blocks forever."""
    rt = sched.current
    if rt is None:
        rt = sched.getrt()
    if not cases:
        rt.gopark(WaitReason.SELECT_NO_CASES)
        return None
    scases, dflt = _parse(cases)
    if len(cases) == 1 and dflt < 0:
        return one_case(cases[0])
    return selectgo(scases, dflt, rt)


def one_case(case):
    """A select with one case and no default, as Go's compiler rewrites it
    (walk/select.go): the plain channel operation, so it blocks as one
    ("chan receive", "chan receive (nil chan)", "chan send").  A case plus
    default becomes selectnbrecv/selectnbsend, which selectgo's pass 1
    already is."""
    if type(case) is tuple:
        case[0](case[1])
        return 0, None
    return 0, case()


def selectgo(scases: list, dflt: int, rt=None):
    """The runtime's part of a select (Go's ``selectgo``), for a statement
    the compiler did not rewrite: `scases` is a list of ``(index, kind,
    chan, value)`` for the non-nil channels (kind 0 recv, 1 recv_ok, 2
    send), `dflt` the index of ``default`` or -1.  Returns ``(index,
    value)`` as ``select`` does."""
    if rt is None:
        rt = sched.getrt()
    # pass 1: poll in random order
    norder = len(scases)
    if norder > 1:
        rnd = rt.rng.random
        order = [None] * norder
        for n in range(norder):
            j = int(rnd() * (n + 1))
            order[n] = order[j]
            order[j] = scases[n]
    else:
        order = scases
    for i, kind, c, v in order:
        if kind == _SEND:
            if c.closed:
                raise Panic(SEND_ON_CLOSED)
            if c.try_send(v):
                return i, None
        else:
            if c.buf or c.closed or _live(c.sendq):
                val, ok = c.recv_ok()
                return i, ((val, ok) if kind == _RECV_OK else val)
    if dflt >= 0:
        return dflt, None
    if not scases:
        # every case is on a nil channel: Go parks in selectgo with reason
        # "select"; only `select {}` (no cases at all) is "select (no cases)"
        rt.gopark(WaitReason.SELECT)
        return None
    # pass 2: enqueue on every channel and park
    if get_ident() != rt.host_ident:
        raise sched.foreign_thread_error(rt)
    g = rt.curg
    sel = Select()
    waiting = []
    for i, kind, c, v in scases:
        q = c.sendq if kind == _SEND else c.recvq
        sg = Sudog(g, v, c, sel, i, q)
        q.append(sg)
        waiting.append(sg)
    g.waiting = waiting
    g.param = None
    rt.gopark(WaitReason.SELECT)
    # pass 3: the waker set g.param to the winning sudog; dequeue the rest
    won = g.param
    g.param = None
    g.waiting = None
    for sg in waiting:
        if sg is not won:
            _remove(sg.q, sg)
    i = won.case
    kind = None
    for j, k, c, v in scases:
        if j == i:
            kind = k
            break
    if kind == _SEND:
        if not won.success:
            raise Panic(SEND_ON_CLOSED)
        return i, None
    if kind == _RECV_OK:
        return i, (won.elem, won.success)
    return i, won.elem


def _live(q) -> bool:
    for sg in q:
        if sg.sel is None or not sg.sel.done:
            return True
    return False


def _remove(q, sg) -> None:
    """Take a losing case's sudog off its channel queue (Go's dequeueSudoG):
    usually it is at one end; otherwise search."""
    if q:
        if q[-1] is sg:
            q.pop()
        elif q[0] is sg:
            q.popleft()
        else:
            try:
                q.remove(sg)
            except ValueError:
                pass
