"""gfput keeps a copy of the record instead of the record itself: breaks rule (1), the record itself."""
def gfget(rt):
    # Go's gList is a stack: the G freed last is reused first (its record,
    # and in Go its stack, are the most likely to still be in the caches).
    return rt.gfree.pop() if rt.gfree else None

def gfput(rt, g):
    import copy
    rt.gfree.append(copy.copy(g))
