"""gfput forgets to keep the record: breaks rule (1), the record goes on rt.gfree."""
def gfget(rt):
    # Go's gList is a stack: the G freed last is reused first (its record,
    # and in Go its stack, are the most likely to still be in the caches).
    return rt.gfree.pop() if rt.gfree else None

def gfput(rt, g):
    pass
