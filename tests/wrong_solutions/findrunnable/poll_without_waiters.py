"""The network is polled whether or not anyone waits on it, breaking 'the network is polled only if rt.netpoller.waiters > 0'."""
def findrunnable(rt, p):
    from gokernel.rt import Grunnable
    # 1. timers that are due may make goroutines runnable
    if p.timers and p.timers[0][0] <= rt.nanotime():
        rt.run_timers(rt, p)
    # 2. runnext, the local ring, the global queue (with the 1-in-61 rule)
    g, inherit = rt.nextg(rt, p)
    if g is not None:
        return g, inherit
    # 3. the network, without blocking
    np = rt.netpoller
    if np is not None:
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
