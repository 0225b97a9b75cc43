"""Exercise 01.2: segmented stacks and their hot split — morestack, lessstack
and hot_splits (Go 1.2's runtime/stack.c)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public


def _model():
    from reference_runtime.models import stacks
    return stacks


def _machine(sol):
    S = _model()
    return S, S.SegmentedMachine(morestack=sol.morestack, lessstack=sol.lessstack)


def _boundary():
    """Bytes of padding frames after which a 64-byte frame no longer fits
    in the first segment (8192 - Stktop 88 - guard 256)."""
    S = _model()
    return S.SEG_MIN - S.SEG_TOP - S.SEG_GUARD


@public
def test_a_frame_that_fits_does_not_split(sol):
    """Twenty calls whose frames fit in the first segment allocate no segment and leave
    the trace empty."""
    S, m = _machine(sol)
    st = m.newg()
    for _ in range(20):
        m.call(st, S.Func("small", 256))
    expect((len(st.segments), m.mem.stack_allocs, st.trace), (1, 1, []),
           "(segments, stacks allocated, trace)")


@public
def test_a_frame_that_does_not_fit_gets_a_new_segment(sol):
    """A small frame past the end of the segment makes morestack add a segment of SEG_MIN,
    8,192 bytes, and record ("split", function name, depth before the frame) in st.trace.

    st.used is the stack depth, in bytes of frames, before the new frame is
    pushed (the machine pushes it after morestack returns)."""
    S, m = _machine(sol)
    st = m.newg()
    for fn in S.padding(_boundary()):
        m.call(st, fn)
    depth = st.used
    m.call(st, S.Func("f", 64))
    expect([s.stack.size for s in st.segments], [8192, 8192], "segment sizes")
    expect(st.trace, [("split", "f", depth)], "st.trace")


@public
def test_returning_from_the_first_frame_of_a_segment_frees_it(sol):
    """When the frame that split returns, lessstack removes its segment from st.segments,
    frees its memory, and records ("unsplit", function name, depth) in st.trace."""
    S, m = _machine(sol)
    st = m.newg()
    for fn in S.padding(_boundary()):
        m.call(st, fn)
    depth = st.used
    m.call(st, S.Func("f", 64))
    m.ret(st)
    expect(len(st.segments), 1, "segments after the return")
    expect((m.mem.stack_allocs, m.mem.stack_frees), (2, 1), "(stacks allocated, stacks freed)")
    expect(st.trace, [("split", "f", depth), ("unsplit", "f", depth)], "st.trace")


@public
def test_a_loop_at_a_segment_boundary_is_a_hot_split(sol):
    """A call in a loop right at the segment boundary splits and unsplits on every
    iteration, and hot_splits reports that place.

    1,000 iterations allocate and free 1,000 segments; hot_splits(trace,
    100) returns [("f", depth, 1000)]."""
    S, m = _machine(sol)
    st = m.newg()
    pad = S.padding(_boundary())
    S.loop_at_depth(m, st, pad, S.Func("f", 64), 1000)
    expect((m.mem.stack_allocs - 1, m.mem.stack_frees), (1000, 1000),
           "(segments allocated, segments freed) by the loop")
    expect(sol.hot_splits(st.trace, 100), [("f", _boundary(), 1000)], "hot_splits(trace, 100)")


@public
def test_a_big_frame_gets_a_segment_of_its_size_plus_stack_extra(sol):
    """A 10,000-byte frame gets a segment of its size plus SEG_EXTRA, 12,048 bytes, and
    returning from it frees that segment.

    SEG_EXTRA is Go 1.2's StackExtra: without it, a frame bigger than
    SEG_MIN would get a segment with no room for the Stktop record and its
    own callees."""
    S, m = _machine(sol)
    st = m.newg()
    m.call(st, S.Func("big", 10000))
    expect([s.stack.size for s in st.segments], [8192, 12048], "segment sizes")
    m.ret(st)
    expect(len(st.segments), 1, "segments after the return")


@public
def test_hot_splits_counts_ranks_and_filters(sol):
    """hot_splits counts only the "split" events per (function, depth), keeps the places
    whose count is at least the threshold, and lists them most splits first, ties by
    function name and then by depth.

    In this trace c split 5 times, a at two depths and b 3 times each, d
    twice; b's 9 unsplits do not count.  With threshold 3 the answer is c,
    then a at 200, a at 300, b; d (2 < 3) is left out; an empty trace has
    no hot split."""
    trace = ([("split", "b", 100)] * 3 + [("unsplit", "b", 100)] * 9 + [("split", "a", 300)] * 3
             + [("split", "c", 50)] * 5 + [("split", "a", 200)] * 3 + [("split", "d", 10)] * 2)
    expect(sol.hot_splits(trace, 3), [("c", 50, 5), ("a", 200, 3), ("a", 300, 3), ("b", 100, 3)],
           "hot_splits(trace, 3)")
    expect(sol.hot_splits([], 1), [], "hot_splits([], 1)")


@hidden
def test_a_loop_away_from_the_boundary_never_splits(sol):
    """The same loop 1 KB above the boundary runs in the first segment: nothing splits
    and nothing is hot."""
    S, m = _machine(sol)
    st = m.newg()
    S.loop_at_depth(m, st, S.padding(_boundary() - 1024), S.Func("f", 64), 1000)
    expect(m.mem.stack_allocs, 1, "stacks allocated")
    expect(sol.hot_splits(st.trace, 2), [], "hot_splits(trace, 2)")


@hidden
def test_a_deep_recursion_done_once_is_not_hot(sol):
    """A recursion 200 frames deep splits once per segment, each time at a new depth, and
    unsplits at the same depths in reverse when it unwinds: nothing is hot."""
    S, m = _machine(sol)
    st = m.newg()
    rec = S.Func("walk", 256)
    for _ in range(200):
        m.call(st, rec)
    splits = [e for e in st.trace if e[0] == "split"]
    expect(len(st.segments), 7, "segments at depth 200")
    for _ in range(200):
        m.ret(st)
    expect((len(st.segments), m.mem.stack_frees), (1, 6), "(segments, segments freed) after unwinding")
    unsplits = [e for e in st.trace if e[0] == "unsplit"]
    expect([d for _, _, d in unsplits], [d for _, _, d in reversed(splits)],
           "unsplit depths: the split depths in reverse")
    expect(sol.hot_splits(st.trace, 2), [], "hot_splits(trace, 2)")


@hidden
def test_a_recursion_repeated_in_a_loop_is_hot_at_every_boundary(sol):
    """The same recursion run 50 times splits 50 times at each of its 6 boundaries, so
    all 6 places are hot, listed by depth."""
    S, m = _machine(sol)
    st = m.newg()
    rec = S.Func("walk", 256)
    for _ in range(50):
        for _ in range(200):
            m.call(st, rec)
        for _ in range(200):
            m.ret(st)
    hot = sol.hot_splits(st.trace, 50)
    expect([(name, n) for name, _, n in hot], [("walk", 50)] * 6, "(function, splits) of each hot split")
    expect([d for _, d, _ in hot], sorted(d for _, d, _ in hot), "hot splits of equal count, by depth")


STARTER = '''\
from reference_runtime.models.stacks import SEG_EXTRA, SEG_MIN, Segment

def morestack(st, fn):
    """fn's frame does not fit in the current segment (Go 1.2's newstack).

    When it returns, the current segment (the last of st.segments) is a new,
    empty Segment of max(fn.size + SEG_EXTRA, SEG_MIN) bytes taken from
    st.mem, and st.trace ends with ("split", fn.name, st.used)."""
    ...

def lessstack(st, fn):
    """fn, the first frame of the current segment, has returned (Go 1.2's
    lessstack -> oldstack).

    When it returns, that segment is no longer in st.segments, its memory
    is back in st.mem, and st.trace ends with ("unsplit", fn.name, st.used)."""
    ...

def hot_splits(trace, threshold):
    """The hot splits of trace: [(function, depth, count), ...] for each
    (function, depth) that split at least threshold times, most splits
    first, ties by function name, then depth.  Unsplits do not count."""
    ...
'''


def _reference():
    from reference_runtime.models import stacks
    return {"morestack": stacks.seg_morestack, "lessstack": stacks.seg_lessstack,
            "hot_splits": stacks.hot_splits}


EXERCISE = Exercise(
    id="hot_split",
    notebook="01",
    number=2,
    title="Segmented stacks and the hot split",
    points=10,
    provides=["morestack", "lessstack", "hot_splits"],
    statement=(
        "Go 1.0 to 1.2 grew a goroutine's stack by chaining segments (runtime/stack.c, "
        "runtime·newstack and runtime·oldstack, reached through morestack and lessstack in "
        "runtime/asm_amd64.s). Write both halves for the model's SegmentedMachine "
        "(reference_runtime/models/stacks.py), which calls them, and a detector for their "
        "failure mode. What must hold: "
        "(1) morestack(st, fn) runs when fn's frame does not fit; afterwards a new, empty "
        "Segment is current (last in st.segments) and holds max(fn.size + SEG_EXTRA, "
        "SEG_MIN) bytes: SEG_EXTRA is Go's StackExtra, room for fn's callees and the Stktop "
        "record, so that even a frame bigger than SEG_MIN fits; SEG_MIN (StackMin) is the "
        "smallest segment worth allocating. "
        "(2) It records (\"split\", fn.name, st.used) in st.trace, st.used being the depth "
        "before fn's frame. "
        "(3) lessstack(st, fn) runs when fn, the first frame of the current segment, has "
        "returned; afterwards that segment is gone from st.segments and its memory is "
        "freed (Go returned it to the stack cache), recorded as (\"unsplit\", fn.name, "
        "st.used). "
        "(4) hot_splits(trace, threshold) counts the split events (unsplits do not count) "
        "per (function, depth) and returns (function, depth, count) for each place that "
        "split threshold times or more, most splits first, ties by function name, then "
        "depth. A call in a loop right at a segment boundary allocates and frees a "
        "segment on every iteration: that hot split is why Go 1.3 moved to contiguous "
        "stacks that are copied when they grow (exercise 01.1)."),
    starter=STARTER,
    hints=[
        "The machine pushes and pops the frames itself; your two functions are the "
        "bookkeeping of a segment's life: where its memory comes from, when it becomes "
        "current, when it goes back, and the record of each event. Read runtime·newstack "
        "and runtime·oldstack in Go 1.2's src/pkg/runtime/stack.c.",
        "The size rule comes from newstack: the frame size, plus StackExtra, rounded up "
        "to StackMin. Without the extra, a frame bigger than a segment gets a segment "
        "too small for itself and the Stktop record (the model refuses it). Depth in "
        "both records is st.used at the moment you are called.",
        "hot_splits is a count and a sort: which events count, which counts are kept "
        "(is a place that split exactly threshold times hot?), and in what order "
        "(the most splits first; equal counts by name, then depth).",
        "morestack: st.segments.append(Segment(st.mem.stackalloc(max(fn.size + SEG_EXTRA, "
        "SEG_MIN)))); lessstack: st.mem.stackfree(st.segments.pop().stack); hot_splits: "
        "Counter((name, depth) for kind, name, depth in trace if kind == \"split\"), kept "
        "if n >= threshold, sorted with key=lambda t: (-t[2], t[0], t[1]).",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="model",
)
