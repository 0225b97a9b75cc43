"""gfget takes the oldest record (pop(0)): breaks rule (2), the free list is a stack."""
def gfget(rt):
    # Go's gList is a stack: the G freed last is reused first (its record,
    # and in Go its stack, are the most likely to still be in the caches).
    return rt.gfree.pop(0) if rt.gfree else None

def gfput(rt, g):
    rt.gfree.append(g)
