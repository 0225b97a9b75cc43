"""Goroutine stacks, as a model of Go's ``runtime/stack.go`` (Go 1.19, linux/amd64),
and of the segmented stacks Go used up to 1.2 (``runtime/stack.c`` of Go 1.2).

Why a model.  This runtime's goroutines run on greenlets, whose stacks are
C stacks copied in and out by greenlet's C code; nothing there resembles
Go's stacks.  So this module models Go's: a toy address space of 8-byte
words, goroutines with a stack ``[lo, hi)``, functions with frame sizes and
stack maps, and the two growth strategies Go has had.  The course's
exercises 01.1 (``copystack``) and 01.2 (``morestack``/``lessstack`` and hot
split detection) are written against it; the functions here are the answer
key.

Contiguous stacks (Go 1.3 and later)
------------------------------------

A brand-new goroutine starts with ``_StackMin`` = 2048 bytes (8 KB in Go
1.2 and 1.3; 2 KB since Go 1.4).  Since Go 1.19 a goroutine whose G is
reused from the free list starts with ``startingStackSize`` instead
(``debug.adaptivestackstart = 1``): every GC sets it to the average stack
size the GC scanned plus ``_StackGuard``, rounded up to a power of two
(``gcComputeStartingStackSize`` in stack.go); ``gfput`` keeps a dead G's
stack only if it has that size and ``gfget`` allocates one of that size
(proc.go).  ``Machine.newproc``, ``Machine.goexit`` and ``Machine.gc`` model
this; ``Machine.newg`` is ``malg``, a new G.  Every function's prologue compares the stack pointer
with ``g.stackguard0`` = ``stack.lo + _StackGuard`` (928 bytes on
linux/amd64: room for one ``_StackSmall`` frame plus a chain of NOSPLIT
functions).  When the new frame would cross the guard the prologue calls
``morestack``, which saves the context in ``g.sched`` and calls ``newstack``
on the scheduler stack.  ``newstack`` doubles the size (more if the frame
needs it) and ``copystack`` moves the goroutine:

1. allocate a new stack; ``delta = new.hi - old.hi``;
2. copy the used part, ``[sched.sp, old.hi)``, to the same distance from
   the top of the new stack;
3. adjust every pointer *into the old stack* by ``delta``: walking the
   frames (``gentraceback`` with ``adjustframe``), each frame's stack map
   says which words are pointers (``adjustpointers``), and the saved frame
   pointer of each frame is one too.  Only words the map marks as pointers
   are touched: an integer that happens to look like a stack address must
   stay as it is, which is why Go needs precise stack maps to move stacks
   (C cannot: it does not know which words are pointers);
4. switch ``g.stack``, ``g.stackguard0`` and ``g.sched.sp`` to the new
   stack, and free the old one.

Pointers into a stack can only live on that stack (escape analysis moves
anything else to the heap), plus a few runtime records Go adjusts by hand
(``adjustctxt``, ``adjustdefers``, ``adjustpanics``, ``adjustsudogs``); the
model keeps the stack-resident ones.  The GC shrinks stacks
(``shrinkstack``): to half, when less than a quarter is in use (counting
``_StackLimit`` of headroom), never below 2 KB.

Stack history, briefly: Go 1.3's ``newstack`` copied a stack only when
every frame on its top segment was copyable (``copyabletopsegment`` in
stack.c) and otherwise still added a segment; Go 1.4, with the runtime
rewritten in Go and precise stack maps everywhere, made every stack
contiguous (no more segments, no more hot split) and cut the starting size
from 8 KB to 2 KB.

Segmented stacks (Go 1.2 and earlier)
-------------------------------------

A stack was a list of segments.  When a frame did not fit, ``newstack``
allocated a new segment of ``max(frame + args + StackExtra, StackMin)``
bytes (StackExtra = 2048, StackMin = 8192 in Go 1.2) with a ``Stktop``
record at its top linking back, and ran the function there; the function
returned into ``lessstack``, whose ``oldstack`` freed the segment at once.
A call at a segment boundary inside a loop therefore allocates and frees a
segment on every iteration: the *hot split* that made Go 1.3 switch to
contiguous stacks.

Layout of the model
-------------------

Addresses are ints; blocks are bump-allocated and never reused, so a stale
pointer into a freed stack faults (``Fault``) instead of reading someone
else's data, like Go's debug mode ``stackFaultOnFree``.  A frame, from its
lowest address (its SP) up::

    sp + 0 ...          locals; those at offsets in fn.ptrs hold pointers
    sp + size - 16      saved frame pointer: address of the caller's saved-FP slot (0 at the bottom)
    sp + size - 8       return PC: a code address, never adjusted

``Func.ptrmap`` lists every pointer slot of a frame: the locals in
``ptrs`` and the saved frame pointer.
"""
from __future__ import annotations

import bisect
from collections import Counter
from typing import Callable, NamedTuple

PTR_SIZE = 8                 # goarch.PtrSize
STACK_MIN = 2048             # _StackMin (= _FixedStack on linux): a brand-new G's stack (8192 before Go 1.4)
STACK_SMALL = 128            # _StackSmall: frames this small only compare SP with the guard
STACK_BIG = 4096             # _StackBig: larger frames need an underflow-safe check
STACK_GUARD = 928            # _StackGuard on linux/amd64 (StackGuardMultiplier 1, _StackSystem 0)
STACK_LIMIT = STACK_GUARD - STACK_SMALL   # _StackLimit = 800: what NOSPLIT chains may use
MAX_STACK = 1_000_000_000    # maxstacksize on 64-bit (proc.go: main sets it)
HEAP_BASE = 0xC000000000     # where Go's heap arenas start on linux/amd64
CODE_BASE = 0x401000         # return PCs point into the text segment
FRAME_OVERHEAD = 2 * PTR_SIZE  # return PC + saved frame pointer

# Go 1.2's segmented stacks (runtime/stack.h of Go 1.2)
SEG_MIN = 8192               # StackMin: the smallest segment
SEG_EXTRA = 2048             # StackExtra: room beyond the frame that split
SEG_GUARD = 256              # StackGuard
SEG_SMALL = 64               # StackSmall
SEG_TOP = 88                 # sizeof(Stktop): the record at the top of a segment


class Fault(Exception):
    """A load or store outside every live block: the toy machine's segfault."""


class StackOverflow(Exception):
    """Go's "goroutine stack exceeds N-byte limit" / "fatal error: stack overflow"."""


class Stack(NamedTuple):
    """Go's ``stack`` struct: the bounds ``[lo, hi)`` of a goroutine stack."""

    lo: int
    hi: int

    @property
    def size(self) -> int:
        return self.hi - self.lo

    def __repr__(self) -> str:
        return f"Stack(lo={self.lo:#x}, hi={self.hi:#x}, size={self.size})"


class _Block:
    __slots__ = ("lo", "hi", "kind", "words", "live")

    def __init__(self, lo: int, hi: int, kind: str) -> None:
        self.lo = lo
        self.hi = hi
        self.kind = kind
        self.words: dict[int, int] = {}
        self.live = True


class Memory:
    """A toy address space of 8-byte words.

    ``stackalloc``/``stackfree`` hand out stacks (Go's ``stackalloc`` in
    stack.go), ``heapalloc`` heap objects.  Fresh memory reads as 0.  Blocks
    are never reused and are separated by an unmapped gap, so reading a freed
    stack, or past the end of one, raises ``Fault``."""

    GAP = 4096

    def __init__(self, base: int = HEAP_BASE) -> None:
        self._next = base
        self._starts: list[int] = []
        self._blocks: list[_Block] = []
        self.stack_allocs = 0        # stacks (or segments) allocated
        self.stack_frees = 0         # stacks (or segments) freed
        self.stack_inuse = 0         # bytes of live stacks (Go's StackInuse)

    # -- allocation
    def _alloc(self, n: int, kind: str) -> _Block:
        if n <= 0 or n % PTR_SIZE:
            raise ValueError(f"{kind} size must be a positive multiple of {PTR_SIZE}, not {n}")
        b = _Block(self._next, self._next + n, kind)
        self._next += n + self.GAP
        self._starts.append(b.lo)
        self._blocks.append(b)
        return b

    def stackalloc(self, n: int) -> Stack:
        """A new stack of n bytes (uninitialised in Go; zero here)."""
        b = self._alloc(n, "stack")
        self.stack_allocs += 1
        self.stack_inuse += n
        return Stack(b.lo, b.hi)

    def stackfree(self, stk: Stack) -> None:
        """Free a stack; its addresses fault from now on."""
        b = self._find(stk.lo)
        if b.kind != "stack" or b.lo != stk.lo or b.hi != stk.hi:
            raise Fault(f"stackfree of {stk!r}: not a stack allocated by stackalloc")
        b.live = False
        b.words = {}
        self.stack_frees += 1
        self.stack_inuse -= stk.size

    def heapalloc(self, n: int) -> int:
        """A heap object of n bytes; returns its address."""
        return self._alloc(n, "heap").lo

    # -- access
    def _find(self, addr: int) -> _Block:
        i = bisect.bisect_right(self._starts, addr) - 1
        if i >= 0:
            b = self._blocks[i]
            if b.lo <= addr < b.hi:
                if not b.live:
                    raise Fault(f"fault at {addr:#x}: that {b.kind} was freed "
                                f"([{b.lo:#x}, {b.hi:#x}))")
                return b
        raise Fault(f"fault at {addr:#x}: no memory mapped there")

    def load(self, addr: int) -> int:
        """The word at addr."""
        if addr % PTR_SIZE:
            raise Fault(f"misaligned load at {addr:#x}")
        return self._find(addr).words.get(addr, 0)

    def store(self, addr: int, value: int) -> None:
        """Write the word at addr."""
        if addr % PTR_SIZE:
            raise Fault(f"misaligned store at {addr:#x}")
        if not isinstance(value, int):
            raise TypeError(f"a word holds an int, not {type(value).__name__}")
        self._find(addr).words[addr] = value

    def is_live(self, addr: int) -> bool:
        try:
            self._find(addr)
            return True
        except Fault:
            return False


class Func:
    """A function as the runtime sees it: a name, a frame size and a stack
    map (Go's ``_func`` with its ``funcdata``).

    ``ptrs``: offsets (from the frame's SP) of the locals that hold pointers.
    The two top words of every frame are the saved frame pointer (a pointer)
    and the return PC (not one)."""

    __slots__ = ("name", "size", "ptrs")

    def __init__(self, name: str, size: int, ptrs: tuple = ()) -> None:
        if size < FRAME_OVERHEAD or size % PTR_SIZE:
            raise ValueError(f"frame size must be a multiple of {PTR_SIZE}, at least "
                             f"{FRAME_OVERHEAD}: {size}")
        for off in ptrs:
            if off % PTR_SIZE or not 0 <= off < size - FRAME_OVERHEAD:
                raise ValueError(f"pointer slot {off} is not a local of a {size}-byte frame")
        self.name = name
        self.size = size
        self.ptrs = tuple(sorted(ptrs))

    @property
    def fp_slot(self) -> int:
        """Offset of the saved frame pointer."""
        return self.size - 2 * PTR_SIZE

    @property
    def pc_slot(self) -> int:
        """Offset of the return PC."""
        return self.size - PTR_SIZE

    @property
    def ptrmap(self) -> tuple:
        """Offsets of every word of the frame that holds a pointer."""
        return self.ptrs + (self.fp_slot,)

    def __repr__(self) -> str:
        return f"Func({self.name!r}, size={self.size}, ptrs={self.ptrs})"


class Gobuf:
    """The two fields of Go's ``gobuf`` the stack code uses: sp, pc."""

    __slots__ = ("sp", "pc")

    def __init__(self, sp: int, pc: str) -> None:
        self.sp = sp
        self.pc = pc

    def __repr__(self) -> str:
        return f"Gobuf(sp={self.sp:#x}, pc={self.pc!r})"


class G:
    """A goroutine, for the stack model: its stack, guard, saved SP and the
    functions on its stack, outermost first (Go finds those by unwinding
    from ``sched.sp``; ``frames(g)`` does that)."""

    __slots__ = ("goid", "stack", "stackguard0", "sched", "frames")

    def __init__(self, goid: int, stack: Stack) -> None:
        self.goid = goid
        self.stack = stack
        self.stackguard0 = stack.lo + STACK_GUARD
        self.sched = Gobuf(stack.hi, "goexit")
        self.frames: list[Func] = []

    @property
    def used(self) -> int:
        """Bytes of stack in use: hi - sp."""
        return self.stack.hi - self.sched.sp

    def __repr__(self) -> str:
        return f"<G {self.goid} {self.stack!r} used={self.used}>"


def frames(g: G) -> list[tuple[Func, int]]:
    """(function, frame SP) for each frame of g, innermost first, computed
    from ``g.sched.sp`` and the frame sizes (Go's ``gentraceback``)."""
    out = []
    sp = g.sched.sp
    for fn in reversed(g.frames):
        out.append((fn, sp))
        sp += fn.size
    return out


def needs_morestack(sp: int, stackguard: int, framesize: int, small: int = STACK_SMALL) -> bool:
    """The function prologue's check (cmd/internal/obj/x86 ``stacksplit``):
    small frames compare SP with the guard; bigger ones SP - (size - small)."""
    if framesize <= small:
        return sp <= stackguard
    return sp - (framesize - small) <= stackguard


def copystack(mem: Memory, g: G, newsize: int) -> None:
    """Move g to a new stack of newsize bytes (Go's ``copystack``): copy the
    used part to the top of the new stack, adjust the pointers into the old
    stack by the distance moved, switch g over, free the old stack."""
    old = g.stack
    used = old.hi - g.sched.sp
    new = mem.stackalloc(newsize)
    delta = new.hi - old.hi
    for addr in range(g.sched.sp, old.hi, PTR_SIZE):        # memmove
        mem.store(addr + delta, mem.load(addr))
    for fn, sp in frames(g):                                 # adjustframe
        for off in fn.ptrmap:                                # adjustpointers
            slot = sp + delta + off
            p = mem.load(slot)
            if old.lo <= p < old.hi:
                mem.store(slot, p + delta)
    g.stack = new
    g.stackguard0 = new.lo + STACK_GUARD
    g.sched.sp = new.hi - used
    mem.stackfree(old)


class Machine:
    """Runs calls and returns on model goroutines, growing stacks in the
    prologue as Go does (``morestack`` -> ``newstack`` -> ``copystack``)
    and shrinking them when asked (the GC's ``shrinkstack``).

    ``copystack`` is pluggable: the exercise's version or this module's.
    ``events`` records each move: (kind, goid, old size, new size, bytes copied)."""

    def __init__(self, copystack: Callable | None = None, mem: Memory | None = None,
                 max_stack: int = MAX_STACK, adaptivestackstart: bool = True) -> None:
        self.mem = mem if mem is not None else Memory()
        self.copystack = copystack if copystack is not None else globals()["copystack"]
        self.max_stack = max_stack
        self.events: list[tuple] = []
        self.copied = 0
        self.calls = 0
        self._goid = 0
        #: GODEBUG=adaptivestackstart (1 by default since Go 1.19)
        self.adaptivestackstart = adaptivestackstart
        #: Go's startingStackSize: the stack gfget gives a reused G
        self.starting_stack_size = STACK_MIN
        #: dead Gs (Go's gFree lists), the one freed last at the end
        self.gfree: list[G] = []

    def newg(self, size: int = STACK_MIN) -> G:
        """A brand-new goroutine with a fresh stack (Go's ``malg``; ``newproc``
        calls it with ``_StackMin`` when the free list is empty)."""
        self._goid += 1
        return G(self._goid, self.mem.stackalloc(size))

    # -- goroutine life cycle: newproc / goexit, with G reuse
    def newproc(self) -> G:
        """Start a goroutine as Go's ``newproc1`` does: reuse a dead G
        (``gfget``, whose stack is ``startingStackSize``) or, with none free,
        allocate a new one with a 2 KB stack (``malg(_StackMin)``)."""
        g = self.gfget()
        return g if g is not None else self.newg(STACK_MIN)

    def goexit(self, g: G) -> None:
        """g's function returned (Go's ``goexit0``): put it on the free list."""
        if g.frames:
            raise RuntimeError(f"goexit of {g!r} with {len(g.frames)} frames still on its stack")
        self.gfput(g)

    def gfput(self, g: G) -> None:
        """Keep dead g for reuse (Go's ``gfput``): its stack stays with it
        only if it has the standard size, ``startingStackSize``; any other
        stack (grown, or sized before the last GC changed the standard) is
        freed."""
        if g.stack is not None and g.stack.size != self.starting_stack_size:
            self.mem.stackfree(g.stack)
            g.stack = None
            g.stackguard0 = 0
        self.gfree.append(g)

    def gfget(self) -> G | None:
        """A dead G to reuse, or None (Go's ``gfget``): a kept stack whose
        size is no longer ``startingStackSize`` is freed, and a G without a
        stack gets one of ``startingStackSize`` bytes.  The G gets a new goid."""
        if not self.gfree:
            return None
        g = self.gfree.pop()
        if g.stack is not None and g.stack.size != self.starting_stack_size:
            self.mem.stackfree(g.stack)
            g.stack = None
        if g.stack is None:
            g.stack = self.mem.stackalloc(self.starting_stack_size)
        g.stackguard0 = g.stack.lo + STACK_GUARD
        g.sched = Gobuf(g.stack.hi, "goexit")
        self._goid += 1
        g.goid = self._goid
        return g

    # -- calls
    def call(self, g: G, fn: Func) -> int:
        """Enter fn on g: the prologue check (growing the stack as often as
        needed), then push its frame.  Returns the frame's SP."""
        while needs_morestack(g.sched.sp, g.stackguard0, fn.size):
            self.newstack(g, fn)
        sp = g.sched.sp - fn.size
        if sp < g.stack.lo:
            raise Fault(f"stack overflow past lo: frame of {fn.name} at {sp:#x} below "
                        f"{g.stack!r} (was stackguard0 updated?)")
        caller_fp = self._fp_slot(g)
        g.sched.sp = sp
        mem = self.mem
        for off in range(0, fn.fp_slot, PTR_SIZE):
            mem.store(sp + off, 0)
        mem.store(sp + fn.fp_slot, caller_fp)
        mem.store(sp + fn.pc_slot, CODE_BASE + 16 * len(g.frames))
        g.frames.append(fn)
        g.sched.pc = fn.name
        self.calls += 1
        return sp

    def ret(self, g: G) -> None:
        """Return from g's innermost function."""
        fn = g.frames.pop()
        g.sched.sp += fn.size
        g.sched.pc = g.frames[-1].name if g.frames else "goexit"

    def _fp_slot(self, g: G) -> int:
        if not g.frames:
            return 0
        return g.sched.sp + g.frames[-1].fp_slot

    # -- locals: addressed from SP, as compiled code does
    def addr(self, g: G, off: int, level: int = 0) -> int:
        """Address of the local at offset off in a frame (level 0: innermost)."""
        if not 0 <= level < len(g.frames):
            raise IndexError(f"no frame at level {level}: g has {len(g.frames)} frames")
        sp = g.sched.sp
        for i in range(1, level + 1):
            sp += g.frames[-i].size
        return sp + off

    def load(self, g: G, off: int, level: int = 0) -> int:
        return self.mem.load(self.addr(g, off, level))

    def store(self, g: G, off: int, value: int, level: int = 0) -> None:
        self.mem.store(self.addr(g, off, level), value)

    def frame_pointer_chain(self, g: G) -> list[str]:
        """Follow the saved frame pointers from the innermost frame to the
        outermost (what a profiler or debugger does); returns the function
        names found.  Faults if the chain points into freed memory."""
        if not g.frames:
            return []
        by_slot = {sp + fn.fp_slot: fn.name for fn, sp in frames(g)}
        slot = g.sched.sp + g.frames[-1].fp_slot
        names = []
        while slot:
            if slot not in by_slot:
                raise Fault(f"frame pointer {slot:#x} points to no frame of {g!r}")
            names.append(by_slot[slot])
            slot = self.mem.load(slot)
            if len(names) > len(g.frames):
                raise Fault("frame pointer chain loops")
        return names

    # -- growth and shrinking
    def newstack(self, g: G, fn: Func) -> None:
        """Grow g's stack so that fn's frame fits (Go's ``newstack``): double
        it, and keep doubling while the frame plus the guard would not fit."""
        oldsize = g.stack.size
        newsize = oldsize * 2
        while newsize - g.used < fn.size + STACK_GUARD:      # funcMaxSPDelta
            newsize *= 2
        if newsize > self.max_stack:
            raise StackOverflow(f"runtime: goroutine stack exceeds {self.max_stack}-byte limit\n"
                                "fatal error: stack overflow")
        self._move(g, newsize, "grow")

    def shrinkstack(self, g: G) -> bool:
        """Halve g's stack if it uses less than a quarter of it (counting
        _StackLimit of headroom), never below 2 KB (Go's ``shrinkstack``).
        Returns whether it moved."""
        oldsize = g.stack.size
        newsize = oldsize // 2
        if newsize < STACK_MIN:
            return False
        if g.used + STACK_LIMIT >= oldsize // 4:
            return False
        self._move(g, newsize, "shrink")
        return True

    def gc(self, *gs: G) -> int:
        """A garbage collection over the live goroutines gs: each one's stack
        is scanned (Go's ``scanstack``: try to shrink it, and count its used
        size, ``hi - sp``), then mark termination sets ``startingStackSize``
        (``gcComputeStartingStackSize``).  Returns how many stacks shrank."""
        shrunk = 0
        scanned = 0
        for g in gs:
            shrunk += self.shrinkstack(g)
            scanned += g.used
        self.compute_starting_stack_size(scanned, len(gs))
        return shrunk

    def compute_starting_stack_size(self, scanned_size: int, scanned_stacks: int) -> int:
        """Go 1.19's ``gcComputeStartingStackSize``: the average scanned
        stack size plus ``_StackGuard`` (so a goroutine using the average
        does not grow at once), clamped to [2 KB, max stack], rounded up to
        a power of two.  With no stacks scanned, 2 KB.  Does nothing when
        ``adaptivestackstart`` is off.  Returns the new size."""
        if not self.adaptivestackstart:
            return self.starting_stack_size
        if scanned_stacks == 0:
            self.starting_stack_size = STACK_MIN
            return STACK_MIN
        avg = scanned_size // scanned_stacks + STACK_GUARD
        avg = max(STACK_MIN, min(avg, self.max_stack))
        self.starting_stack_size = 1 << (avg - 1).bit_length()     # round2
        return self.starting_stack_size

    def _move(self, g: G, newsize: int, kind: str) -> None:
        oldsize, used = g.stack.size, g.used
        self.copystack(self.mem, g, newsize)
        if g.stack.size != newsize or g.used != used:
            raise RuntimeError(f"copystack(mem, g, {newsize}) left g with {g.stack!r} and "
                               f"{g.used} bytes used (expected a {newsize}-byte stack, "
                               f"{used} bytes used)")
        self.copied += used
        self.events.append((kind, g.goid, oldsize, newsize, used))


# ---------------------------------------------------------------------------
# Segmented stacks (Go 1.2)

class Segment:
    """One segment of a Go 1.2 stack: its memory, its own SP, its guard,
    and how many frames live in it."""

    __slots__ = ("stack", "sp", "guard", "nframes")

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.sp = stack.hi - SEG_TOP          # the Stktop record sits at the top
        self.guard = stack.lo + SEG_GUARD
        self.nframes = 0

    def __repr__(self) -> str:
        return f"Segment(size={self.stack.size}, free={self.sp - self.stack.lo}, frames={self.nframes})"


class SegmentedStack:
    """A goroutine's stack in Go 1.2: a list of segments, the current one
    last; the frames with the segment each lives in; a trace of splits."""

    def __init__(self, mem: Memory) -> None:
        self.mem = mem
        self.segments: list[Segment] = [Segment(mem.stackalloc(SEG_MIN))]
        self.frames: list[tuple[Func, Segment]] = []
        self.trace: list[tuple] = []

    @property
    def used(self) -> int:
        """Bytes of frames on the whole stack (the goroutine's stack depth)."""
        return sum(fn.size for fn, _ in self.frames)

    def __repr__(self) -> str:
        return f"<SegmentedStack {len(self.segments)} segments, {len(self.frames)} frames>"


def seg_morestack(st: SegmentedStack, fn: Func) -> None:
    """fn's frame does not fit in the current segment: allocate a new one of
    max(fn.size + SEG_EXTRA, SEG_MIN) bytes, make it current, and record
    ("split", fn.name, st.used) in st.trace (Go 1.2's ``newstack``)."""
    size = max(fn.size + SEG_EXTRA, SEG_MIN)
    st.segments.append(Segment(st.mem.stackalloc(size)))
    st.trace.append(("split", fn.name, st.used))


def seg_lessstack(st: SegmentedStack, fn: Func) -> None:
    """fn, the first frame of the current segment, returned: free the
    segment, go back to the previous one, and record ("unsplit", fn.name,
    st.used) (Go 1.2's ``lessstack`` -> ``oldstack``)."""
    seg = st.segments.pop()
    st.mem.stackfree(seg.stack)
    st.trace.append(("unsplit", fn.name, st.used))


def hot_splits(trace: list, threshold: int) -> list[tuple[str, int, int]]:
    """The hot splits in a trace: (function, stack depth, splits) for every
    place where a function split the stack ``threshold`` times or more at
    the same depth, most splits first (then by name, then depth)."""
    counts = Counter((name, depth) for kind, name, depth in trace if kind == "split")
    hot = [(name, depth, n) for (name, depth), n in counts.items() if n >= threshold]
    hot.sort(key=lambda t: (-t[2], t[0], t[1]))
    return hot


class SegmentedMachine:
    """Runs calls and returns on Go 1.2 segmented stacks.  ``morestack``
    and ``lessstack`` are pluggable (exercise 01.2)."""

    def __init__(self, morestack: Callable | None = None, lessstack: Callable | None = None,
                 mem: Memory | None = None) -> None:
        self.mem = mem if mem is not None else Memory()
        self.morestack = morestack if morestack is not None else seg_morestack
        self.lessstack = lessstack if lessstack is not None else seg_lessstack
        self.calls = 0

    def newg(self) -> SegmentedStack:
        return SegmentedStack(self.mem)

    def call(self, st: SegmentedStack, fn: Func) -> None:
        """Enter fn: the prologue check against the current segment's guard;
        on failure ``morestack`` must make a fresh segment current."""
        seg = st.segments[-1]
        if needs_morestack(seg.sp, seg.guard, fn.size, SEG_SMALL):
            n = len(st.segments)
            self.morestack(st, fn)
            seg = st.segments[-1]
            if len(st.segments) != n + 1 or seg.nframes:
                raise RuntimeError("morestack must append one new, empty Segment to st.segments")
            if needs_morestack(seg.sp, seg.guard, fn.size, SEG_SMALL):
                raise RuntimeError(f"the new segment ({seg.stack.size} bytes) has no room for "
                                   f"{fn.name}'s {fn.size}-byte frame")
        seg.sp -= fn.size
        seg.nframes += 1
        st.frames.append((fn, seg))
        self.calls += 1

    def ret(self, st: SegmentedStack) -> None:
        """Return from the innermost function; if it was the first frame of
        a segment, it returns into ``lessstack``."""
        fn, seg = st.frames.pop()
        seg.sp += fn.size
        seg.nframes -= 1
        if seg.nframes == 0 and len(st.segments) > 1 and seg is st.segments[-1]:
            n = len(st.segments)
            self.lessstack(st, fn)
            if len(st.segments) != n - 1 or st.segments[-1] is seg:
                raise RuntimeError("lessstack must remove the current segment from st.segments")


# ---------------------------------------------------------------------------
# Programs for the notebook and the tests

def loop_at_depth(machine, st_or_g, depth_frames: list[Func], callee: Func, iterations: int) -> None:
    """Call down through depth_frames, then call (and return from) callee
    ``iterations`` times in a loop, then unwind.  Works on both machines."""
    for fn in depth_frames:
        machine.call(st_or_g, fn)
    for _ in range(iterations):
        machine.call(st_or_g, callee)
        machine.ret(st_or_g)
    for _ in depth_frames:
        machine.ret(st_or_g)


def padding(nbytes: int, name: str = "pad") -> list[Func]:
    """Frames totalling nbytes (a multiple of 8, in frames of at most 512
    bytes) to put a loop at a chosen stack depth."""
    out = []
    while nbytes > 0:
        n = min(512, nbytes)
        if 0 < nbytes - n < FRAME_OVERHEAD:
            n -= FRAME_OVERHEAD
        if n < FRAME_OVERHEAD or n % PTR_SIZE:
            raise ValueError("padding must be a multiple of 8 and at least 16 bytes")
        out.append(Func(f"{name}{len(out)}", n))
        nbytes -= n
    return out
