"""Records the split at the depth after fn's frame: breaks rule (2), st.used before the frame."""
from collections import Counter

from reference_runtime.models.stacks import SEG_EXTRA, SEG_MIN, Segment

def morestack(st, fn):
    size = max(fn.size + SEG_EXTRA, SEG_MIN)
    st.segments.append(Segment(st.mem.stackalloc(size)))
    st.trace.append(("split", fn.name, st.used + fn.size))

def lessstack(st, fn):
    seg = st.segments.pop()
    st.mem.stackfree(seg.stack)
    st.trace.append(("unsplit", fn.name, st.used))

def hot_splits(trace, threshold):
    counts = Counter((name, depth) for kind, name, depth in trace if kind == "split")
    hot = [(name, depth, n) for (name, depth), n in counts.items() if n >= threshold]
    hot.sort(key=lambda t: (-t[2], t[0], t[1]))
    return hot
