"""gfput inserts at the front while gfget pops the end: breaks rule (2), a stack (both at one end)."""
def gfget(rt):
    # Go's gList is a stack: the G freed last is reused first (its record,
    # and in Go its stack, are the most likely to still be in the caches).
    return rt.gfree.pop() if rt.gfree else None

def gfput(rt, g):
    rt.gfree.insert(0, g)
