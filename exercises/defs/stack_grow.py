"""Exercise 01.1: growing a stack by copying it — copystack (Go's runtime/stack.go)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public


def _model():
    from reference_runtime.models import stacks
    return stacks


def _list_on_stack(machine, g, n, size=64):
    """n frames, each holding a value (offset 0) and a pointer (offset 8) to
    the value slot of its caller's frame: a linked list through the stack."""
    S = _model()
    node = S.Func("node", size, ptrs=(8,))
    for i in range(n):
        machine.call(g, node)
        machine.store(g, 0, 100 + i)
        if len(g.frames) > 1:
            machine.store(g, 8, machine.addr(g, 0, level=1))


def _walk(machine, g):
    """The values of the list, innermost first, by following the pointers."""
    out = []
    p = machine.addr(g, 0)
    while p:
        out.append(machine.mem.load(p))
        p = machine.mem.load(p + 8)
    return out


def _moved(g, old, newsize):
    """Fail unless g is now on a new stack of newsize bytes."""
    expect((g.stack != old, g.stack.hi - g.stack.lo), (True, newsize),
           "(g.stack is a new stack, its size)")


def _setup(nframes=10):
    """A machine (reference copystack), a goroutine with a 2 KB stack holding
    a linked list of nframes 64-byte frames, not yet grown."""
    S = _model()
    m = S.Machine()
    g = m.newg()
    _list_on_stack(m, g, nframes)
    assert g.stack.size == S.STACK_MIN
    return S, m, g


@public
def test_the_goroutine_moves_to_a_new_stack_of_the_new_size(sol):
    """g ends up on a new 4096-byte stack, with its guard set, and the old stack is freed.

    After copystack(mem, g, 4096): g.stack is a new stack of 4096 bytes,
    g.stackguard0 = g.stack.lo + STACK_GUARD, one stack allocated, one freed."""
    S, m, g = _setup()
    old = g.stack
    allocs, frees = m.mem.stack_allocs, m.mem.stack_frees
    sol.copystack(m.mem, g, 4096)
    expect(g.stack.size, 4096, "g.stack.hi - g.stack.lo")
    expect(g.stack != old, True, "g.stack is a new stack")
    expect(g.stackguard0, g.stack.lo + S.STACK_GUARD, "g.stackguard0")
    expect((m.mem.stack_allocs - allocs, m.mem.stack_frees - frees), (1, 1),
           "(stacks allocated, stacks freed) by copystack")
    expect(m.mem.is_live(old.lo), False, "old stack still allocated")


@public
def test_the_used_part_is_copied_to_the_top_of_the_new_stack(sol):
    """The used words are copied to the top of the new stack, and g.sched.sp follows them.

    Each word keeps its distance from hi: the value slots read the same, and
    g.sched.sp = new hi - bytes used.  Every used word, up to the outermost
    frame's return PC at hi - 8, is in the new stack (a pointer into the old
    stack moved by delta, any other word as it was)."""
    S, m, g = _setup()
    used = g.stack.hi - g.sched.sp
    values = [m.load(g, 0, level) for level in range(len(g.frames))]
    old = g.stack
    words = [m.mem.load(a) for a in range(g.sched.sp, old.hi, S.PTR_SIZE)]
    sol.copystack(m.mem, g, 8192)
    _moved(g, old, 8192)
    expect(g.stack.hi - g.sched.sp, used, "bytes used (g.stack.hi - g.sched.sp)")
    expect([m.load(g, 0, level) for level in range(len(g.frames))], values,
           "the value slot of each frame, innermost first")
    delta = g.stack.hi - old.hi
    expect([m.mem.load(a) for a in range(g.stack.hi - used, g.stack.hi, S.PTR_SIZE)],
           [w + delta if old.lo <= w < old.hi else w for w in words],
           "the used words of the new stack, from g.sched.sp up to hi")


@public
def test_pointers_into_the_stack_move_with_it(sol):
    """Pointers into the old stack are adjusted, so a linked list through the frames still walks.

    Each frame holds a pointer to its caller's value slot; after the move it
    must point at the new copy (old address + delta)."""
    S, m, g = _setup()
    before = _walk(m, g)
    old = g.stack
    sol.copystack(m.mem, g, 4096)
    _moved(g, old, 4096)
    try:
        after = _walk(m, g)
    except S.Fault as e:
        raise AssertionError(f"walking the list after the move: {e} (a pointer still points "
                             "into the old stack)") from None
    expect(after, before, "values walked through the pointers")


@public
def test_only_pointer_words_into_the_old_stack_change(sol):
    """Only pointer words into the old stack change: heap pointers and integers stay as they are.

    A heap pointer stays; an integer (not in the stack map) whose value looks
    like a stack address stays; a pointer into [old.lo, old.hi) moves."""
    S = _model()
    m = S.Machine()
    g = m.newg()
    fn = S.Func("f", 64, ptrs=(0, 8))           # 0, 8: pointers; 16: an integer
    m.call(g, fn)
    heap = m.mem.heapalloc(64)
    m.store(g, 0, heap)                          # pointer to the heap
    m.store(g, 8, m.addr(g, 24))                 # pointer to a slot of this frame
    lookalike = m.addr(g, 24)
    m.store(g, 16, lookalike)                    # an int that looks like a stack address
    old = g.stack
    old_hi = old.hi
    sol.copystack(m.mem, g, 4096)
    _moved(g, old, 4096)
    delta = g.stack.hi - old_hi
    expect(m.load(g, 0), heap, "heap pointer (must not change)")
    expect(m.load(g, 8), lookalike + delta, "pointer into the stack (must move by delta)")
    expect(m.load(g, 16), lookalike, "integer slot (not in the stack map: must not change)")


@public
def test_pointer_bounds_are_half_open(sol):
    """The old stack's range is half-open, [old.lo, old.hi): a pointer to hi - 8 moves,
    a pointer equal to hi (the first byte past the stack) does not."""
    S = _model()
    m = S.Machine()
    g = m.newg()
    fn = S.Func("f", 48, ptrs=(0, 8))
    m.call(g, fn)
    old = g.stack
    m.store(g, 0, old.hi - 8)
    m.store(g, 8, old.hi)
    sol.copystack(m.mem, g, 4096)
    _moved(g, old, 4096)
    delta = g.stack.hi - old.hi
    expect(m.load(g, 0), old.hi - 8 + delta, "pointer to old hi - 8")
    expect(m.load(g, 8), old.hi, "pointer equal to old hi")


@public
def test_saved_frame_pointers_are_adjusted(sol):
    """Saved frame pointers are adjusted too, so the frame-pointer chain still walks
    every frame after the stack grows through your copystack.

    Profilers and debuggers follow that chain; in the model the saved frame
    pointer is one of the words listed in fn.ptrmap."""
    S = _model()
    m = S.Machine(copystack=sol.copystack)
    g = m.newg()
    for i in range(40):
        m.call(g, S.Func(f"f{i}", 112))
    expect(m.frame_pointer_chain(g), [f"f{i}" for i in reversed(range(40))], "frame-pointer chain")


@hidden
def test_a_deep_recursion_grows_by_doubling(sol):
    """A 500-frame recursion grows the stack 2K, 4K, ... 64K through your copystack, with
    its data intact and only the last stack still allocated."""
    S = _model()
    m = S.Machine(copystack=sol.copystack)
    g = m.newg()
    _list_on_stack(m, g, 500, size=96)
    expect([e[3] for e in m.events], [4096, 8192, 16384, 32768, 65536], "stack sizes after each growth")
    expect(_walk(m, g), [100 + i for i in reversed(range(500))], "values walked through the pointers")
    expect(m.mem.stack_inuse, 65536, "bytes of live stacks (old ones freed)")


@hidden
def test_the_gc_shrinks_through_your_copystack(sol):
    """The GC's shrinkstack halves a mostly empty stack with your copystack, with its
    data intact."""
    S = _model()
    m = S.Machine(copystack=sol.copystack)
    g = m.newg()
    _list_on_stack(m, g, 200)
    for _ in range(195):
        m.ret(g)
    expect(m.gc(g), 1, "stacks shrunk by the first gc")
    expect(g.stack.size, 8192, "stack size after shrinking from 16384")
    expect(_walk(m, g), [104, 103, 102, 101, 100], "values walked after shrinking")


@hidden
def test_other_goroutines_are_not_touched(sol):
    """Growing one goroutine leaves another goroutine's stack as it was."""
    S = _model()
    m = S.Machine(copystack=sol.copystack)
    g1, g2 = m.newg(), m.newg()
    _list_on_stack(m, g2, 10)
    g2_stack = g2.stack
    before = _walk(m, g2)
    _list_on_stack(m, g1, 100)
    expect(g2.stack, g2_stack, "g2.stack")
    expect(_walk(m, g2), before, "g2's list")
    expect(len(_walk(m, g1)), 100, "g1's list length")


STARTER = '''\
from reference_runtime.models.stacks import PTR_SIZE, STACK_GUARD, frames

def copystack(mem, g, newsize):
    """Move goroutine g to a new stack of newsize bytes (Go's copystack).

    Afterwards g runs on a new stack from mem.stackalloc(newsize) holding the
    same used words at the same distance from its top, with the pointer
    words into the old stack moved along, g.sched.sp and g.stackguard0
    (new.lo + STACK_GUARD) matching it; the old stack is freed.

    mem.load(addr) -> int, mem.store(addr, value), mem.stackfree(stack);
    g.stack has .lo and .hi; frames(g) -> [(fn, sp), ...] from g.sched.sp,
    innermost first; fn.ptrmap: offsets from sp of fn's pointer words."""
    ...
'''


def _reference():
    from reference_runtime.models import stacks
    return {"copystack": stacks.copystack}


EXERCISE = Exercise(
    id="stack_grow",
    notebook="01",
    number=1,
    title="Growing a stack by copying: copystack",
    points=15,
    provides=["copystack"],
    statement=(
        "Write Go's copystack (runtime/stack.go; adjustframe and adjustpointers do the "
        "pointer work) for the stack model of reference_runtime/models/stacks.py: "
        "copystack(mem, g, newsize) moves goroutine g to a new stack of newsize bytes. "
        "The model's Machine calls it to grow a stack (newstack, doubling) and to shrink "
        "one (the GC's shrinkstack). What must hold afterwards: "
        "(1) g is on a new stack of newsize bytes, and the old one is freed: one "
        "allocation, one free. "
        "(2) The used part, [g.sched.sp, old.hi), is in the new stack with every word at "
        "the same distance from the top (stacks grow down, so the top is where the "
        "outermost frame lives), and g.sched.sp has moved with it. "
        "(3) Every pointer into the old stack now points at the same place in the new "
        "one: it moved by delta = new.hi - old.hi. Go knows which words are pointers from "
        "each frame's stack map (here fn.ptrmap, offsets from the frame's SP; the model "
        "lists the saved frame pointer there too, which Go's adjustframe fixes on its "
        "own), so only those words change; a heap pointer, or an "
        "integer whose value merely looks like a stack address, stays as it was "
        "(adjustpointers tests each one against the old range). "
        "(4) The old range is half-open, old.lo <= p < old.hi: old.hi itself is the first "
        "byte past the stack. "
        "(5) g.stackguard0 = new.lo + STACK_GUARD, so the function prologues compare "
        "against the new stack. Moving a stack is possible because escape analysis keeps "
        "pointers to stack data out of the heap: the pointers to adjust are on the stack "
        "itself (the runtime's own exceptions, such as a channel operation's sudog, are "
        "fixed separately, by adjustsudogs)."),
    starter=STARTER,
    hints=[
        "copystack is a memmove followed by a walk over the frames. Read copystack, "
        "adjustframe and adjustpointers in Go's runtime/stack.go: which words does Go "
        "change, and how does it recognise a pointer into the old stack?",
        "Work out delta before copying anything. frames(g) computes each frame's SP from "
        "g.sched.sp: the SPs it gives are old-stack addresses until you move g.sched.sp, "
        "so the copy of a word at old address a is at a + delta.",
        "Only the words at fn.ptrmap offsets may change, and only if their value is in "
        "the half-open old range. Free the old stack last: reading it after the free "
        "faults.",
        "for addr in range(g.sched.sp, old.hi, PTR_SIZE): mem.store(addr + delta, "
        "mem.load(addr)); then for fn, sp in frames(g): for off in fn.ptrmap: slot = sp + "
        "delta + off; p = mem.load(slot); if old.lo <= p < old.hi: mem.store(slot, p + "
        "delta).",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="model",
)
