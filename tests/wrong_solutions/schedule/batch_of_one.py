"""Takes one G from the global queue when the local one is empty (max 1): breaks rule (3), a batch, globrunqget(rt, p, 0)."""
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
        g = rt.globrunqget(rt, p, 1)
        if g is not None:
            return g, False
    return None, False
