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
    g.sched.sp = new hi - bytes used."""
    S, m, g = _setup()
    used = g.stack.hi - g.sched.sp
    values = [m.load(g, 0, level) for level in range(len(g.frames))]
    old = g.stack
    sol.copystack(m.mem, g, 8192)
    _moved(g, old, 8192)
    expect(g.stack.hi - g.sched.sp, used, "bytes used (g.stack.hi - g.sched.sp)")
    expect([m.load(g, 0, level) for level in range(len(g.frames))], values,
           "the value slot of each frame, innermost first")


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


@hidden
def test_a_deep_recursion_grows_by_doubling(sol):
    """A 500-frame recursion grows the stack 2K, 4K, ... 64K through your copystack, data intact."""
    S = _model()
    m = S.Machine(copystack=sol.copystack)
    g = m.newg()
    _list_on_stack(m, g, 500, size=96)
    expect([e[3] for e in m.events], [4096, 8192, 16384, 32768, 65536], "stack sizes after each growth")
    expect(_walk(m, g), [100 + i for i in reversed(range(500))], "values walked through the pointers")
    expect(m.mem.stack_inuse, 65536, "bytes of live stacks (old ones freed)")


@hidden
def test_saved_frame_pointers_are_adjusted(sol):
    """Saved frame pointers are adjusted too: the frame-pointer chain still walks every frame.

    Profilers and debuggers follow that chain."""
    S = _model()
    m = S.Machine(copystack=sol.copystack)
    g = m.newg()
    for i in range(40):
        m.call(g, S.Func(f"f{i}", 112))
    expect(m.frame_pointer_chain(g), [f"f{i}" for i in reversed(range(40))], "frame-pointer chain")


@hidden
def test_the_gc_shrinks_through_your_copystack(sol):
    """The GC's shrinkstack halves a mostly empty stack with your copystack, data intact."""
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
def test_pointer_bounds_are_half_open(sol):
    """The old stack's range is half-open: a pointer to hi - 8 moves, a pointer equal to hi does not."""
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

    mem.stackalloc(n) -> a Stack with .lo and .hi; mem.stackfree(stack);
    mem.load(addr) -> int; mem.store(addr, value).
    g.stack (lo, hi); g.sched.sp: the lowest address in use; g.stackguard0.
    frames(g) -> [(fn, sp), ...], innermost first; fn.ptrmap: the offsets
    (from sp) of the words of fn's frame that hold pointers.

    1. allocate the new stack; delta = new.hi - old.hi
    2. copy each used word, [g.sched.sp, old.hi), to its address + delta
    3. in the copy, add delta to each pointer word that points into [old.lo, old.hi)
    4. g.stack, g.stackguard0 (new.lo + STACK_GUARD) and g.sched.sp to the new stack
    5. free the old stack
    """
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
        "Write Go's copystack (runtime/stack.go) for the stack model of "
        "reference_runtime/models/stacks.py: copystack(mem, g, newsize) moves goroutine g to a "
        "new stack of newsize bytes. Allocate it, copy the used part [g.sched.sp, old.hi) so that "
        "every word keeps its distance from the top, then adjust the pointers: for each frame "
        "(frames(g) gives (fn, sp) pairs), each offset in fn.ptrmap is a word holding a pointer; "
        "if it points into the old stack [old.lo, old.hi), add delta = new.hi - old.hi. Leave "
        "every other word alone, even one whose value looks like a stack address. Finally set "
        "g.stack, g.stackguard0 = new.lo + STACK_GUARD and g.sched.sp, and free the old stack. "
        "The model's Machine calls your copystack to grow stacks (newstack) and to shrink them "
        "(shrinkstack)."),
    starter=STARTER,
    hints=[
        "Compute used = old.hi - g.sched.sp and delta = new.hi - old.hi first. Copying is "
        "mem.store(addr + delta, mem.load(addr)) for addr in range(g.sched.sp, old.hi, PTR_SIZE).",
        "Adjust in the new copy: a frame whose old SP was sp now starts at sp + delta, so its "
        "pointer word at offset off is at sp + delta + off. Call frames(g) before you change "
        "g.sched.sp, or compute the frames from the new sp.",
        "Test each pointer with old.lo <= p < old.hi (half-open, as Go's adjustpointers): a heap "
        "pointer or an integer slot (not in fn.ptrmap) must not change.",
        "Free the old stack last (mem.stackfree(old)): reading it afterwards faults.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="model",
)
