"""p's work is judged by its ring alone, breaking 'runnext counts as work of its own'."""
def handoffp(rt, p):
    # local or global work: start an M for p straight away
    if p.runqtail != p.runqhead or rt.runq:
        rt.startm(p, False)
        return
    # no one is spinning or idle: someone must look for work that may appear
    if rt.nmspinning + rt.npidle == 0:
        rt.nmspinning += 1
        rt.startm(p, True)
        return
    # our help is not needed: p goes idle
    p.m = None
    if rt.tracing:
        rt.trace_event("proc_stop", p, None)
    rt._pidleput(p)
