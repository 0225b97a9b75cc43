"""closechan wakes only the receivers: breaks rule (5), parked senders wake and panic."""
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
    if sg is not None:              # a receiver waits: hand v over directly
        sg.elem = v
        _wake(sg, True)
        return
    me = Sudog(getg(), v, c, None, 0)
    c.sendq.append(me)
    gopark(WaitReason.CHAN_SEND)
    if not me.success:              # woken by close
        raise Panic(SEND_ON_CLOSED)


def chanrecv(c):
    sg = dequeue(c.sendq)
    if sg is not None:              # a sender waits: take its value
        _wake(sg, True)
        return sg.elem, True
    if c.closed:
        return None, False
    me = Sudog(getg(), None, c, None, 0)
    c.recvq.append(me)
    gopark(WaitReason.CHAN_RECEIVE)
    return me.elem, me.success


def closechan(c):
    if c.closed:
        raise Panic(CLOSE_OF_CLOSED)
    c.closed = True
    woken = []
    for q in (c.recvq,):
        while True:
            sg = dequeue(q)
            if sg is None:
                break
            if q is c.recvq:
                sg.elem = None
            sg.success = False
            sg.g.param = sg
            woken.append(sg.g)
    for g in reversed(woken):       # Go's gList is a stack: the last pushed is readied first
        goready(g)
