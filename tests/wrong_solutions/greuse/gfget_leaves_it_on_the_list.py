"""gfget returns the last record without taking it off: breaks rule (2), a record is never handed out twice."""
def gfget(rt):
    # Go's gList is a stack: the G freed last is reused first (its record,
    # and in Go its stack, are the most likely to still be in the caches).
    return rt.gfree[-1] if rt.gfree else None

def gfput(rt, g):
    rt.gfree.append(g)
