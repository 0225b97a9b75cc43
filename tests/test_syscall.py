"""System calls on real OS threads, and sysmon handing their P to another
M (runtime/proc.go: entersyscall, exitsyscall, retake, handoffp)."""
from __future__ import annotations

import threading
import time

import pytest

from reference_runtime import WaitGroup, go, gosched, run, syscall
from reference_runtime.g import Gsyscall


def test_blocking_calls_overlap_on_os_threads_while_other_goroutines_run():
    """GOMAXPROCS=1: four goroutines each block in barrier.wait() (only
    possible to pass if all four calls run at once, on four threads), while
    a fifth, CPU-only goroutine keeps making progress on the one P."""
    barrier = threading.Barrier(4)
    progress_at_release = []

    def main():
        wg = WaitGroup()
        done = [False]
        counter = [0]

        def blocked(i):
            syscall(barrier.wait, 10)
            progress_at_release.append(counter[0])
            wg.done()

        for i in range(4):
            wg.add(1)
            go(blocked, i)

        def cpu():
            while not done[0]:
                counter[0] += 1
                gosched()
        go(cpu)
        wg.wait()
        done[0] = True
        return counter[0]

    total = run(main, gomaxprocs=1, timeout=20)
    assert len(progress_at_release) == 4
    assert total > 0 and max(progress_at_release) > 0


def test_the_p_is_handed_off_after_a_sysmon_tick_and_taken_back_on_return():
    events = []
    barrier = threading.Barrier(2)

    def main():
        wg = WaitGroup()
        wg.add(2)
        go(lambda: (syscall(barrier.wait, 10), wg.done()))
        go(lambda: (syscall(barrier.wait, 10), wg.done()))
        wg.wait()

    run(main, gomaxprocs=1, trace=events, timeout=20)
    kinds = [e.kind for e in events if e.kind.startswith(("syscall", "handoff"))]
    # the first call keeps the P until sysmon retakes it, so the second can enter
    assert kinds[:3] == ["syscall_enter", "handoff", "syscall_enter"]
    assert kinds.count("syscall_exit") == 2
    enter = next(e for e in events if e.kind == "syscall_enter")
    handoff = next(e for e in events if e.kind == "handoff")
    assert handoff.time - enter.time >= 20e-6           # at least one sysmon tick
    assert handoff.p == enter.p


def test_a_short_call_usually_keeps_its_p():
    """exitsyscall's fast path: a call that returns before sysmon retakes
    the P continues on it.  Whether sysmon got there first is a race (as in
    Go), so over 20 short calls at least one must take the fast path, and
    every call must return its result whichever path it took."""
    events = []

    def main():
        return [syscall(lambda i=i: i * 2) for i in range(20)]

    assert run(main, gomaxprocs=1, trace=events) == [i * 2 for i in range(20)]
    paths = [e.detail for e in events if e.kind == "syscall_exit"]
    assert len(paths) == 20
    assert set(paths) <= {"same P", "idle P", "global queue"}
    assert "same P" in paths


def test_the_goroutine_is_in_syscall_state_during_the_call():
    seen = []

    def main():
        from reference_runtime import current_goroutine
        g = current_goroutine()
        ev = threading.Event()

        def watch():
            seen.append(g.status)
            ev.set()
        go(watch)
        syscall(ev.wait, 5)

    run(main, gomaxprocs=1, timeout=10)
    assert seen == [Gsyscall]


def test_an_exception_in_the_call_is_raised_in_the_goroutine():
    def main():
        try:
            syscall(int, "not a number")
        except ValueError as e:
            return str(e)

    assert "invalid literal" in run(main)


def test_no_thread_outlives_the_run():
    before = set(threading.enumerate())

    def main():
        wg = WaitGroup()
        for _ in range(8):
            wg.add(1)
            go(lambda: (syscall(time.sleep, 0.01), wg.done()))
        wg.wait()

    run(main, gomaxprocs=2)
    assert set(threading.enumerate()) == before


def test_syscall_outside_a_goroutine_is_a_clear_error():
    with pytest.raises(RuntimeError, match="started by run"):
        syscall(time.sleep, 0)


# ---------------------------------------------- the P detached in a system call
# (proc.go: reentersyscall sets pp.m = 0, m.oldp = pp, m.p = 0, _Psyscall;
# retake and exitsyscallfast both CAS _Psyscall -> _Pidle: the winner owns the P)

def test_during_a_system_call_the_p_has_no_m_and_the_m_remembers_it_as_oldp():
    """Checked from inside the call (on the M's own thread): the M holds no
    P, its oldp is the P it left, and no P names the M as its owner, whether
    or not sysmon has retaken the P by then."""
    from reference_runtime import sched

    def main():
        rt = sched.current
        p = rt.curp
        m = p.m

        def inside():
            return (m.p, m.oldp is p, [q.id for q in rt.allp if q.m is m])
        return syscall(inside)

    m_p, oldp_is_its_p, ps_owned = run(main, gomaxprocs=2, timeout=10)
    assert m_p is None and oldp_is_its_p
    assert ps_owned == []


def _in_syscall(monkeypatch, n_ps=2):
    """A runtime whose P0 was just left by an M entering a system call, in
    the state reentersyscall leaves it; returns (rt, p0, m, g, tick)."""
    from reference_runtime import sched
    from reference_runtime.g import G
    from reference_runtime.runq import PStatus
    rt = sched.Runtime(gomaxprocs=n_ps, clock="virtual")
    monkeypatch.setattr(sched, "current", rt)
    p = rt._pidleget(rt.allp[0])
    m = rt.startm(p, False)
    rt.readyps.clear()
    g = G()
    g.goid = 7
    g.m = m
    g.status = Gsyscall
    p.syscalltick += 1
    m.in_syscall = True
    rt.nsyscall += 1
    p.m, m.oldp, m.p = None, p, None
    p.status = PStatus.Psyscall
    return rt, p, m, g, p.syscalltick


def test_exitsyscall_that_wins_the_p_back_wires_it_to_its_m_and_sysmons_retake_then_does_nothing(
        monkeypatch):
    from reference_runtime.runq import PStatus
    from reference_runtime.syscall import rt_exitsyscall, rt_retake
    rt, p, m, g, tick = _in_syscall(monkeypatch)
    rt_exitsyscall((rt, g, "result", None))
    assert p.status == PStatus.Prunning and p.m is m and m.p is p and m.oldp is None
    rt_retake((rt, p, tick))                     # sysmon lost the race
    assert p.status == PStatus.Prunning and p.m is m


def test_when_sysmon_wins_the_p_the_returning_goroutine_takes_another_idle_p(monkeypatch):
    from reference_runtime.runq import PStatus
    from reference_runtime.syscall import rt_exitsyscall, rt_retake
    rt, p, m, g, tick = _in_syscall(monkeypatch)
    rt_retake((rt, p, tick))                     # sysmon first: the P goes idle
    assert p.status == PStatus.Pidle and p in rt.pidle
    rt_exitsyscall((rt, g, "result", None))
    assert m.p is not None and m.p.status == PStatus.Prunning and m.oldp is None
    assert g.status != Gsyscall


def test_when_sysmon_wins_and_no_p_is_free_the_goroutine_goes_to_the_global_queue(monkeypatch):
    from reference_runtime.syscall import rt_exitsyscall, rt_retake
    rt, p, m, g, tick = _in_syscall(monkeypatch, n_ps=1)
    rt_retake((rt, p, tick))                     # handoffp: no one else looks for work,
    assert p.m is not None and p.m is not m      # so a new spinning M takes the P
    rt_exitsyscall((rt, g, "result", None))
    assert m.p is None and list(rt.runq) == [g] and m in rt.midle


def test_retake_looks_only_at_the_ps_own_queue_not_the_global_one(monkeypatch):
    """Go's retake leaves a P in a young system call alone when its own run
    queue is empty and someone is spinning or idle, whatever the global
    queue holds.  (This runtime's sysmon also required an empty global
    queue before.)"""
    import time as _time
    from reference_runtime.sysmon import Sysmon
    rt, p, m, g, tick = _in_syscall(monkeypatch, n_ps=2)   # P1 idle: npidle 1
    rt.runq.extend(_gs_for_retake())
    posted = []
    monkeypatch.setattr(type(rt), "post", lambda self, fn, arg: posted.append(arg))
    sm = Sysmon(rt)
    now = _time.monotonic()
    sm._retake(now)                              # first sight of this syscalltick
    sm._retake(now + 0.001)                      # 1 ms later: still young
    assert posted == []
    sm._retake(now + 0.011)                      # past 10 ms: retaken
    assert posted == [(rt, p, tick)]


def _gs_for_retake():
    from reference_runtime.g import G
    g = G()
    g.goid = 99
    return [g]
