"""A G taken from the global queue batch inherits the time slice: breaks rule (4), inherit=False."""
GLOBAL_CHECK_PERIOD = 61

def nextg(rt, p):
    # Fairness: every 61st schedule, one G from the global queue first, so
    # goroutines that keep the local queue busy cannot starve it.
    if p.schedtick % GLOBAL_CHECK_PERIOD == 0 and rt.runq:
        g = rt.globrunqget(rt, p, 1)
        if g is not None:
            return g, False
    # The local queues: runnext (inherits the time slice), then the ring.
    g, inherit = rt.runqget(p)
    if g is not None:
        return g, inherit
    # The global queue: a batch, one G to run and the rest to p's ring.
    if rt.runq:
        g = rt.globrunqget(rt, p, 0)
        if g is not None:
            return g, True
    return None, False
