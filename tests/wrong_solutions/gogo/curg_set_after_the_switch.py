"""gogo sets m.curg only once the switch returns: breaks rule (2), buf.g is current before it runs."""
import greenlet

def gosave(m, buf):
    buf.glet = greenlet.getcurrent()
    buf.g = m.curg

def gogo(m, buf):
    if buf.glet is None:
        # a goroutine that has not run yet: its greenlet starts in buf.ctxt
        # and returns to g0 when it finishes
        buf.glet = greenlet.greenlet(buf.ctxt, parent=m.g0.sched.glet)
        buf.ctxt = None
    ret, buf.ret = buf.ret, None
    out = buf.glet.switch(ret)
    m.curg = buf.g
    return out

def mcall(m, fn):
    g = m.curg
    gosave(m, g.sched)
    m.curg = m.g0
    return m.g0.sched.glet.switch((fn, g))
