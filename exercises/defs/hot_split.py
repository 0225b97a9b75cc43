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
    """Calls whose frames fit in the current segment allocate nothing and record nothing."""
    S, m = _machine(sol)
    st = m.newg()
    for _ in range(20):
        m.call(st, S.Func("small", 256))
    expect((len(st.segments), m.mem.stack_allocs, st.trace), (1, 1, []),
           "(segments, stacks allocated, trace)")


@public
def test_a_frame_that_does_not_fit_gets_a_new_segment(sol):
    """A frame past the end of the segment makes morestack add an 8192-byte segment and record the split.

    The trace entry is ("split", function name, st.used): st.used is the
    stack depth, in bytes of frames, before the new frame."""
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
    """When the frame that split returns, lessstack frees its segment and records the unsplit."""
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
    """A call in a loop at the boundary splits and unsplits on every iteration, and hot_splits reports it.

    1,000 iterations: 1,000 segments allocated and freed; hot_splits(trace,
    100) returns [("f", depth, 1000)]."""
    S, m = _machine(sol)
    st = m.newg()
    pad = S.padding(_boundary())
    S.loop_at_depth(m, st, pad, S.Func("f", 64), 1000)
    expect((m.mem.stack_allocs - 1, m.mem.stack_frees), (1000, 1000),
           "(segments allocated, segments freed) by the loop")
    expect(sol.hot_splits(st.trace, 100), [("f", _boundary(), 1000)], "hot_splits(trace, 100)")


@hidden
def test_a_big_frame_gets_a_segment_that_fits_it(sol):
    """A 10,000-byte frame gets a segment of its size plus StackExtra (12,048 bytes)."""
    S, m = _machine(sol)
    st = m.newg()
    m.call(st, S.Func("big", 10000))
    expect([s.stack.size for s in st.segments], [8192, 12048], "segment sizes")
    m.ret(st)
    expect(len(st.segments), 1, "segments after the return")


@hidden
def test_a_loop_away_from_the_boundary_never_splits(sol):
    """The same loop 1 KB above the boundary runs in the first segment: no split, nothing hot."""
    S, m = _machine(sol)
    st = m.newg()
    S.loop_at_depth(m, st, S.padding(_boundary() - 1024), S.Func("f", 64), 1000)
    expect(m.mem.stack_allocs, 1, "stacks allocated")
    expect(sol.hot_splits(st.trace, 2), [], "hot_splits(trace, 2)")


@hidden
def test_a_deep_recursion_done_once_is_not_hot(sol):
    """A recursion 200 frames deep splits once per segment, each at a new depth: nothing is hot."""
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
    """The same recursion run 50 times splits 50 times at each of its 6 boundaries: all 6 are hot."""
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


@hidden
def test_hot_splits_ranks_and_filters(sol):
    """hot_splits counts splits (not unsplits) per (function, depth), keeps counts >= threshold, most first.

    Ties are ordered by function name, then depth."""
    trace = ([("split", "b", 100)] * 3 + [("unsplit", "b", 100)] * 9 + [("split", "a", 300)] * 3
             + [("split", "c", 50)] * 5 + [("split", "a", 200)] * 3 + [("split", "d", 10)] * 2)
    expect(sol.hot_splits(trace, 3), [("c", 50, 5), ("a", 200, 3), ("a", 300, 3), ("b", 100, 3)],
           "hot_splits(trace, 3)")
    expect(sol.hot_splits([], 1), [], "hot_splits([], 1)")


STARTER = '''\
from reference_runtime.models.stacks import SEG_EXTRA, SEG_MIN, Segment

def morestack(st, fn):
    """fn's frame does not fit in the current segment (Go 1.2's newstack).
    Allocate a segment of max(fn.size + SEG_EXTRA, SEG_MIN) bytes with
    st.mem.stackalloc(size), append Segment(that stack) to st.segments (the
    last one is the current one), and append ("split", fn.name, st.used)
    to st.trace."""
    ...

def lessstack(st, fn):
    """fn was the first frame of the current segment and has returned (Go 1.2's
    lessstack -> oldstack). Remove that segment from st.segments, free its
    stack (st.mem.stackfree(segment.stack)) and append ("unsplit", fn.name,
    st.used) to st.trace."""
    ...

def hot_splits(trace, threshold):
    """Count the "split" events of trace per (function, depth); return
    [(function, depth, count), ...] for the counts >= threshold, most
    splits first, then by function name, then by depth."""
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
        "Write the two halves of Go 1.2's segmented stacks for the model's SegmentedMachine "
        "(reference_runtime/models/stacks.py), then a detector for their failure mode. "
        "morestack(st, fn) runs when fn's frame does not fit in the current segment: it appends "
        "a new Segment of max(fn.size + SEG_EXTRA, SEG_MIN) bytes to st.segments and records "
        "(\"split\", fn.name, st.used) in st.trace. lessstack(st, fn) runs when fn, the first "
        "frame of the current segment, returns: it removes that segment, frees its stack and "
        "records (\"unsplit\", fn.name, st.used). hot_splits(trace, threshold) finds the hot "
        "splits: the (function, depth) places that split threshold times or more, as "
        "(function, depth, count), most first (ties by name, then depth)."),
    starter=STARTER,
    hints=[
        "morestack: seg = Segment(st.mem.stackalloc(max(fn.size + SEG_EXTRA, SEG_MIN))); "
        "st.segments.append(seg); then the trace entry. The machine pushes fn's frame itself.",
        "lessstack: seg = st.segments.pop(); st.mem.stackfree(seg.stack); then the trace entry "
        "(st.used no longer counts fn's frame: the machine popped it already).",
        "hot_splits: collections.Counter over (name, depth) of the events whose kind is \"split\"; "
        "keep those with count >= threshold; sort with key=lambda t: (-t[2], t[0], t[1]).",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="model",
)
