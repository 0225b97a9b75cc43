"""Writes the stolen Gs straight into p.runq instead of through rt.runqput: the others go on p's ring through rt.runqput(rt, p, g, False)."""
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
        p.runq[p.runqtail % RUNQ_SIZE] = g2
        p.runqtail += 1
    if rt.tracing:
        rt.trace_event("steal", p, g, len(batch) + 1, victim.id)
    return g

