"""On the 61st schedule returns what the global queue gives even when it is empty: breaks rule (2), the local queues serve as usual then."""
GLOBAL_CHECK_PERIOD = 61

def nextg(rt, p):
    # Fairness: every 61st schedule, one G from the global queue first, so
    # goroutines that keep the local queue busy cannot starve it.
    if p.schedtick % GLOBAL_CHECK_PERIOD == 0:
        g = rt.globrunqget(rt, p, 1)
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
