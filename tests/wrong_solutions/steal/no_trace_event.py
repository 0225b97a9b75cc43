"""The steal is not recorded, breaking 'with rt.tracing, a steal records trace_event("steal", p, g, n, victim.id)'."""
RUNQ_SIZE = 256

def runqsteal(rt, p, victim, steal_runnext):
    h, t = victim.runqhead, victim.runqtail
    n = t - h
    n -= n // 2
    batch = []
    for i in range(n):
        j = (h + i) % RUNQ_SIZE
        batch.append(victim.runq[j])
        victim.runq[j] = None
    victim.runqhead = h + n
    if not batch and steal_runnext and victim.runnext is not None:
        batch.append(victim.runnext)
        victim.runnext = None
    if not batch:
        return None
    g = batch.pop()
    for g2 in batch:
        rt.runqput(rt, p, g2, False)
    return g
