"""spinningthreads and idlethreads are swapped, breaking Go's field order and meaning (spinning Ms, then idle Ms)."""
def schedtrace_line(rt, t):
    queues = " ".join(str(p.runqtail - p.runqhead) for p in rt.allp)   # runnext not counted
    return (f"SCHED {int(t * 1000)}ms: gomaxprocs={rt.gomaxprocs} idleprocs={rt.npidle} "
            f"threads={len(rt.allm) + 1} spinningthreads={len(rt.midle)} "
            f"idlethreads={rt.nmspinning} runqueue={len(rt.runq)} [{queues}]")
