"""The overflow leaves the moved Gs in their slots: a slot emptied no longer refers to its G."""
RUNQ_SIZE = 256

def runqput(rt, p, g, next):
    if next:
        old = p.runnext
        p.runnext = g
        if old is None:
            return
        g = old
    if p.runqtail - p.runqhead < RUNQ_SIZE:
        p.runq[p.runqtail % RUNQ_SIZE] = g
        p.runqtail += 1
        return
    # runqputslow: half the ring, then g, to the global queue
    n = (p.runqtail - p.runqhead) // 2
    batch = []
    for i in range(n):
        j = (p.runqhead + i) % RUNQ_SIZE
        batch.append(p.runq[j])

    p.runqhead += n
    batch.append(g)
    rt.runq.extend(batch)

def runqget(p):
    if p.runnext is not None:
        g = p.runnext
        p.runnext = None
        return g, True
    if p.runqhead == p.runqtail:
        return None, False
    i = p.runqhead % RUNQ_SIZE
    g = p.runq[i]
    p.runq[i] = None
    p.runqhead += 1
    return g, False
