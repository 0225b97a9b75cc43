"""Helpers the exercises' tests share (not an exercise: it has no EXERCISE)."""
from __future__ import annotations


def gs(n: int, first: int = 1) -> list:
    """n fresh G records with goids first, first + 1, ..."""
    from reference_runtime.g import G
    out = []
    for i in range(n):
        g = G()
        g.goid = first + i
        out.append(g)
    return out


def goid(g):
    return None if g is None else g.goid


def decisions(events) -> list:
    """The schedule a trace records: (time, P, goid) of each run event.  A
    repeated run event is one decision (the trace's verbosity, not the
    scheduler's choice)."""
    out = []
    for e in events:
        if e.kind == "run" and (not out or out[-1] != (round(e.time, 9), e.p, e.goid)):
            out.append((round(e.time, 9), e.p, e.goid))
    return out
