"""The stack model's goroutine life cycle (reference_runtime/models/stacks.py):
Go 1.19's adaptive starting stack size (runtime/stack.go:
gcComputeStartingStackSize; proc.go: newproc1, gfput, gfget)."""
from __future__ import annotations

from reference_runtime.models import stacks as S


def _deep(machine: S.Machine, g: S.G, frames: int, size: int = 64) -> None:
    for i in range(frames):
        machine.call(g, S.Func(f"f{i}", size))


def _unwind(machine: S.Machine, g: S.G) -> None:
    while g.frames:
        machine.ret(g)


def test_a_brand_new_goroutine_gets_2_kb_even_after_a_gc_raised_the_starting_size():
    m = S.Machine()
    gs = [m.newproc() for _ in range(10)]
    for g in gs:
        _deep(m, g, 80)
    m.gc(*gs)
    assert m.starting_stack_size == 8192
    fresh = m.newproc()                    # free list empty: malg(_StackMin)
    assert fresh.stack.size == 2048


def test_a_gc_sets_the_starting_size_to_the_average_scanned_stack_plus_the_guard_rounded_to_a_power_of_two():
    m = S.Machine()
    a, b = m.newproc(), m.newproc()
    _deep(m, a, 20, 160)                   # 3,200 bytes used
    _deep(m, b, 10, 160)                   # 1,600 bytes used
    m.gc(a, b)
    # average 2,400 + _StackGuard 928 = 3,328 -> 4,096
    assert m.starting_stack_size == 4096


def test_a_reused_g_starts_with_the_starting_size_the_last_gc_computed():
    m = S.Machine()
    deep = [m.newproc() for _ in range(4)]
    for g in deep:
        _deep(m, g, 80)
    m.gc(*deep)
    for g in deep:
        _unwind(m, g)
        m.goexit(g)                        # 8 KB stacks: the standard size now, kept
    g = m.newproc()
    assert g.stack.size == 8192
    assert g.goid == 5                     # a reused G gets a new goid
    assert g.used == 0 and g.frames == []


def test_gfput_frees_a_stack_that_is_not_the_standard_size_and_gfget_allocates_one():
    m = S.Machine()
    g = m.newproc()
    _deep(m, g, 40)                        # 2,560 bytes: grows past 2 KB
    assert g.stack.size > 2048
    _unwind(m, g)
    frees = m.mem.stack_frees
    m.goexit(g)
    assert g.stack is None and m.mem.stack_frees == frees + 1
    again = m.newproc()
    assert again is g and again.stack.size == m.starting_stack_size == 2048


def test_gfget_replaces_a_kept_stack_whose_size_a_later_gc_changed():
    m = S.Machine()
    small = m.newproc()
    m.goexit(small)                        # 2 KB = standard: kept
    assert small.stack is not None
    deep = m.newg()                        # a second, live goroutine (malg)
    _deep(m, deep, 80)
    m.gc(deep)
    assert m.starting_stack_size == 8192
    g = m.newproc()
    assert g is small and g.stack.size == 8192


def test_a_gc_that_scanned_no_stack_resets_the_starting_size_to_2_kb():
    m = S.Machine()
    g = m.newproc()
    _deep(m, g, 80)
    m.gc(g)
    assert m.starting_stack_size == 8192
    m.gc()
    assert m.starting_stack_size == 2048


def test_with_adaptivestackstart_off_every_goroutine_starts_with_2_kb():
    m = S.Machine(adaptivestackstart=False)
    gs = [m.newproc() for _ in range(4)]
    for g in gs:
        _deep(m, g, 80)
    m.gc(*gs)
    assert m.starting_stack_size == 2048
    for g in gs:
        _unwind(m, g)
        m.goexit(g)
    assert {m.newproc().stack.size for _ in range(4)} == {2048}


def test_goexit_refuses_a_goroutine_that_still_has_frames():
    m = S.Machine()
    g = m.newproc()
    m.call(g, S.Func("f", 64))
    try:
        m.goexit(g)
    except RuntimeError as e:
        assert "frames" in str(e)
    else:
        raise AssertionError("goexit accepted a goroutine with a frame on its stack")
