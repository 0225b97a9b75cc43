"""Copies the used words to the bottom of the new stack (delta from lo): breaks rule (2), every word keeps its distance from the top."""
from reference_runtime.models.stacks import PTR_SIZE, STACK_GUARD, frames

def copystack(mem, g, newsize):
    old = g.stack
    used = old.hi - g.sched.sp
    new = mem.stackalloc(newsize)
    delta = new.lo - old.lo
    # memmove: every used word keeps its distance from the top
    for addr in range(g.sched.sp, old.hi, PTR_SIZE):
        mem.store(addr + delta, mem.load(addr))
    # adjustframe / adjustpointers: only stack-map pointer words into the old stack
    for fn, sp in frames(g):
        for off in fn.ptrmap:
            slot = sp + delta + off
            p = mem.load(slot)
            if old.lo <= p < old.hi:
                mem.store(slot, p + delta)
    g.stack = new
    g.stackguard0 = new.lo + STACK_GUARD
    g.sched.sp = g.sched.sp + delta
    mem.stackfree(old)
