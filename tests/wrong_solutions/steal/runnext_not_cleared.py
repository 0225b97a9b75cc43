"""A stolen runnext stays in victim.runnext, breaking 'victim.runnext is cleared when it is taken' (the G would run twice)."""
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
    if not batch:
        return None
    g = batch.pop()
    for g2 in batch:
        rt.runqput(rt, p, g2, False)
    if rt.tracing:
        rt.trace_event("steal", p, g, len(batch) + 1, victim.id)
    return g
