"""threads is len(rt.allm), breaking 'threads counts every M plus sysmon's thread (Go's mcount())'."""
def schedtrace_line(rt, t):
    queues = " ".join(str(p.runqtail - p.runqhead) for p in rt.allp)   # runnext not counted
    return (f"SCHED {int(t * 1000)}ms: gomaxprocs={rt.gomaxprocs} idleprocs={rt.npidle} "
            f"threads={len(rt.allm)} spinningthreads={rt.nmspinning} "
            f"idlethreads={len(rt.midle)} runqueue={len(rt.runq)} [{queues}]")
