"""gfget pops an empty list and raises IndexError: breaks rule (3), None when the list is empty."""
def gfget(rt):
    # Go's gList is a stack: the G freed last is reused first (its record,
    # and in Go its stack, are the most likely to still be in the caches).
    return rt.gfree.pop()

def gfput(rt, g):
    rt.gfree.append(g)
