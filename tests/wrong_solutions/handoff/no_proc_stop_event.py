"""A P that goes idle records nothing, breaking 'record ("proc_stop", p) in the trace when rt.tracing'."""
def handoffp(rt, p):
    # local or global work: start an M for p straight away
    if not p.runqempty() or rt.runq:
        rt.startm(p, False)
        return
    # no one is spinning or idle: someone must look for work that may appear
    if rt.nmspinning + rt.npidle == 0:
        rt.nmspinning += 1
        rt.startm(p, True)
        return
    # our help is not needed: p goes idle
    p.m = None
    rt._pidleput(p)
