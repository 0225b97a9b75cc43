"""Calls a ticker's function before re-arming it, so a ticker stopped by its own function is re-armed anyway: a ticker is re-armed before its function runs."""
import heapq


def addtimer(rt, t, when):
    rt.timer_seq += 1
    t.seq = rt.timer_seq
    t.when = when
    p = rt.curp if rt.curp is not None else rt.allp[0]
    t.p = p
    heapq.heappush(p.timers, (when, t.seq, t))


def deltimer(rt, t):
    if t.seq < 0:
        return False
    t.seq = -1          # the heap entry goes stale; run_timers drops it
    return True


def run_timers(rt, p):
    now = rt.nanotime()
    ts = p.timers
    while ts and ts[0][0] <= now:
        when, seq, t = heapq.heappop(ts)
        if t.seq != seq:
            continue                        # stopped or reset since this entry was pushed
        if t.period > 0:
            t.f(t.arg)
            missed = int((now - when) / t.period)
            t.when = when + t.period * (1 + missed)
            rt.timer_seq += 1
            t.seq = rt.timer_seq
            heapq.heappush(ts, (t.when, t.seq, t))
        else:
            t.seq = -1
            t.f(t.arg)

