"""chanrecv answers (None, False) on a closed channel before looking at the buffer: breaks rule (3), buffered values are still received."""
from gokernel.rt import (getg, gopark, goready, dequeue, Sudog, WaitReason, Panic,
                         SEND_ON_CLOSED, CLOSE_OF_CLOSED)


def _wake(sg, success):
    """Go's send()/recv() tail: tell the waiter what happened, make it ready."""
    sg.success = success
    sg.g.param = sg
    goready(sg.g)


def chansend(c, v):
    if c.closed:
        raise Panic(SEND_ON_CLOSED)
    sg = dequeue(c.recvq)
    if sg is not None:                  # a receiver waits: straight to it, not via the buffer
        sg.elem = v
        _wake(sg, True)
        return
    if len(c.buf) < c.dataqsiz:         # room in the buffer
        c.buf.append(v)
        return
    me = Sudog(getg(), v, c, None, 0)
    c.sendq.append(me)
    gopark(WaitReason.CHAN_SEND)
    if not me.success:
        raise Panic(SEND_ON_CLOSED)


def chanrecv(c):
    sg = dequeue(c.sendq)
    if sg is not None:
        if c.dataqsiz == 0:             # unbuffered: the sender's value itself
            v = sg.elem
        else:                           # full buffer: its head; the sender's value to the tail
            v = c.buf.popleft()
            c.buf.append(sg.elem)
        _wake(sg, True)
        return v, True
    if c.closed:
        return None, False
    if c.buf:
        return c.buf.popleft(), True
    me = Sudog(getg(), None, c, None, 0)
    c.recvq.append(me)
    gopark(WaitReason.CHAN_RECEIVE)
    return me.elem, me.success


def closechan(c):
    if c.closed:
        raise Panic(CLOSE_OF_CLOSED)
    c.closed = True
    woken = []
    for q in (c.recvq, c.sendq):
        while True:
            sg = dequeue(q)
            if sg is None:
                break
            if q is c.recvq:
                sg.elem = None
            sg.success = False
            sg.g.param = sg
            woken.append(sg.g)
    for g in reversed(woken):           # Go's gList is a stack
        goready(g)
