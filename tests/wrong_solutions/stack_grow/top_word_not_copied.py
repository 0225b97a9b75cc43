"""Copies all but the topmost used word: the used part is [g.sched.sp, old.hi)."""
from reference_runtime.models.stacks import PTR_SIZE, STACK_GUARD, frames

def copystack(mem, g, newsize):
    old = g.stack
    used = old.hi - g.sched.sp
    new = mem.stackalloc(newsize)
    delta = new.hi - old.hi
    # memmove: every used word keeps its distance from the top
    for addr in range(g.sched.sp, old.hi - PTR_SIZE, PTR_SIZE):
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
    g.sched.sp = new.hi - used
    mem.stackfree(old)
