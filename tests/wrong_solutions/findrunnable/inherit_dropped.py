"""A G from the run queues is returned with inherit False, breaking 'a G found by rt.nextg is returned with nextg's inherit flag'."""
def findrunnable(rt, p):
    from gokernel.rt import Grunnable
    # 1. timers that are due may make goroutines runnable
    if p.timers and p.timers[0][0] <= rt.nanotime():
        rt.run_timers(rt, p)
    # 2. runnext, the local ring, the global queue (with the 1-in-61 rule)
    g, inherit = rt.nextg(rt, p)
    if g is not None:
        return g, False
    # 3. the network, without blocking
    np = rt.netpoller
    if np is not None and np.waiters:
        gs = np.poll(0)
        if gs:
            g = gs.pop()
            g.status = Grunnable
            g.wait_reason = ""
            rt.injectglist(gs)
            return g, False
    # 4. steal from the other Ps
    if rt.gomaxprocs > 1:
        return rt.stealwork(rt, p)
    return None, False
