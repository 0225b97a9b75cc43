"""Never looks at the global queue while the local one has Gs: breaks rule (2), every 61st schedule one G from the global queue first."""
GLOBAL_CHECK_PERIOD = 61

def nextg(rt, p):
    # Fairness: every 61st schedule, one G from the global queue first, so
    # goroutines that keep the local queue busy cannot starve it.
    if False:
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
            return g, False
    return None, False
