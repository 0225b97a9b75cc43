"""mcall runs fn(g) itself, on the goroutine's stack, before switching: breaks rule (4), fn runs on g0."""
import greenlet

def gosave(m, buf):
    buf.glet = greenlet.getcurrent()
    buf.g = m.curg

def gogo(m, buf):
    m.curg = buf.g
    if buf.glet is None:
        # a goroutine that has not run yet: its greenlet starts in buf.ctxt
        # and returns to g0 when it finishes
        buf.glet = greenlet.greenlet(buf.ctxt, parent=m.g0.sched.glet)
        buf.ctxt = None
    ret, buf.ret = buf.ret, None
    return buf.glet.switch(ret)

def mcall(m, fn):
    g = m.curg
    gosave(m, g.sched)
    m.curg = m.g0
    fn(g)
    return m.g0.sched.glet.switch((lambda g: None, g))
