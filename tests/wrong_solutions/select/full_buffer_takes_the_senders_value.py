"""A receive case with a sender parked on a full buffer takes the sender's value, not the buffer's head: values come out in the order they went in."""
from gokernel.rt import (runtime, getg, gopark, goready, dequeue, Sudog, WaitReason, Panic,
                         SEND_ON_CLOSED)

RECV, RECV_OK, SEND = 0, 1, 2      # the case kinds in scases


class Select:
    """Shared by the sudogs of one parked select: dequeue() sets done when a
    channel operation completes one of them (Go's selectDone)."""
    def __init__(self):
        self.done = False


def _wake(sg):
    sg.success = True
    sg.g.param = sg
    goready(sg.g)


def _try(kind, c, v):
    """Pass 1 for one case (Go's labels recv, bufrecv, rclose, send, bufsend):
    (True, result) if it completed, (False, None) if it would block."""
    if kind == SEND:
        if c.closed:
            raise Panic(SEND_ON_CLOSED)
        sg = dequeue(c.recvq)
        if sg is not None:                  # a receiver waits: hand over directly
            sg.elem = v
            _wake(sg)
            return True, None
        if len(c.buf) < c.dataqsiz:
            c.buf.append(v)
            return True, None
        return False, None
    sg = dequeue(c.sendq)
    if sg is not None:                      # a sender waits
        val = sg.elem
        _wake(sg)
        ok = True
    elif c.buf:
        val, ok = c.buf.popleft(), True
    elif c.closed:
        val, ok = None, False
    else:
        return False, None
    return True, ((val, ok) if kind == RECV_OK else val)


def selectgo(scases, dflt):
    # pass 1: poll in a random order (Go's pollorder: inside-out Fisher-Yates)
    rng = runtime().rng
    order = []
    for n, case in enumerate(scases):
        j = int(rng.random() * (n + 1))
        order.append(None)
        order[n] = order[j]
        order[j] = case
    for i, kind, c, v in order:
        done, result = _try(kind, c, v)
        if done:
            return i, result
    if dflt >= 0:
        return dflt, None

    # pass 2: a sudog on every channel, one Select record for all, and park
    g = getg()
    sel = Select()
    waiting = []
    for i, kind, c, v in scases:
        sg = Sudog(g, v if kind == SEND else None, c, sel, i)
        q = c.sendq if kind == SEND else c.recvq
        q.append(sg)
        waiting.append((q, sg, kind))
    g.param = None
    gopark(WaitReason.SELECT)        # with no cases at all, nobody ever wakes us

    # pass 3: the waker left the winning sudog in g.param; unqueue the rest
    won = g.param
    g.param = None
    kind = None
    for q, sg, k in waiting:
        if sg is won:
            kind = k
        else:
            try:
                q.remove(sg)
            except ValueError:
                pass
    if kind == SEND:
        if not won.success:
            raise Panic(SEND_ON_CLOSED)
        return won.case, None
    if kind == RECV_OK:
        return won.case, (won.elem, won.success)
    return won.case, won.elem

