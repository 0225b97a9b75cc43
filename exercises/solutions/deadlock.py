from gokernel.rt import Gwaiting

ALL_ASLEEP = "all goroutines are asleep - deadlock!"
GOEXIT = "no goroutines (main called runtime.Goexit) - deadlock!"


def checkdead(rt):
    # something outside the run queues will come back
    if rt.nsyscall or rt.busy:
        return None
    if rt.netpoller is not None and rt.netpoller.waiters:
        return None
    # a goroutine that can run
    if rt.runq or any(not p.runqempty() for p in rt.allp):
        return None
    if any(g.status != Gwaiting for g in rt.allg):
        return None
    # a live timer may wake someone
    for p in rt.allp:
        if any(t.seq == seq for when, seq, t in p.timers):
            return None
    if not rt.allg and rt.main_goexited:
        return GOEXIT
    return ALL_ASLEEP
