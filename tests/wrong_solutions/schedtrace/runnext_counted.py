"""Each P's count includes runnext, breaking 'the local queue is the ring's length: runnext is not counted'."""
def schedtrace_line(rt, t):
    queues = " ".join(str(p.runqtail - p.runqhead + (p.runnext is not None)) for p in rt.allp)   # runnext not counted
    return (f"SCHED {int(t * 1000)}ms: gomaxprocs={rt.gomaxprocs} idleprocs={rt.npidle} "
            f"threads={len(rt.allm) + 1} spinningthreads={rt.nmspinning} "
            f"idlethreads={len(rt.midle)} runqueue={len(rt.runq)} [{queues}]")
