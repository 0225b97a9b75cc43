"""Calls the reference's runqget directly instead of rt.runqget: breaks rule (5), the queues are reached through rt's parts."""
GLOBAL_CHECK_PERIOD = 61

def nextg(rt, p):
    # Fairness: every 61st schedule, one G from the global queue first, so
    # goroutines that keep the local queue busy cannot starve it.
    if p.schedtick % GLOBAL_CHECK_PERIOD == 0 and rt.runq:
        g = rt.globrunqget(rt, p, 1)
        if g is not None:
            return g, False
    # The local queues: runnext (inherits the time slice), then the ring.
    from reference_runtime.runq import runqget
    g, inherit = runqget(p)
    if g is not None:
        return g, inherit
    # The global queue: a batch, one G to run and the rest to p's ring.
    if rt.runq:
        g = rt.globrunqget(rt, p, 0)
        if g is not None:
            return g, False
    return None, False
