"""The scheduler as a program sees it: the go statement, Gosched, Goexit,
NumGoroutine, GOMAXPROCS, goroutine states and wait reasons, goroutine
ids, main returning, system calls and preemption (runtime/proc.go:
newproc, runqput/runnext, goschedImpl, goexit0, Goexit, NumGoroutine,
GOMAXPROCS, entersyscall/exitsyscall, sysmon/preemptone; runtime2.go:
the _G states and waitReason strings).
"""
from __future__ import annotations

import os
import threading

import pytest

from reference_runtime import (Deadlock, GStatus, Mutex, Once, RunTimeout, WaitGroup, WaitReason,
                               chan, current_goroutine, go, goexit, gomaxprocs, gosched, nilchan,
                               num_goroutine, run, select, sleep, syscall)


def run1(main, *args, **kw):
    kw.setdefault("gomaxprocs", 1)
    kw.setdefault("clock", "virtual")
    kw.setdefault("seed", 1)
    return run(main, *args, **kw)


def wait_exited(g, tries=1000):
    """Yield until g has finished (its G record is dead)."""
    for _ in range(tries):
        if g.status == GStatus.Gdead:
            return
        gosched()
    raise AssertionError(f"{g!r} did not exit")


# ------------------------------------------------------------------ run

def test_run_returns_mains_result_and_passes_its_arguments():
    assert run1(lambda a, b: (a, b), "x", 2) == ("x", 2)


def test_run_cannot_be_called_from_inside_a_run():
    def main():
        try:
            run(lambda: None)
        except RuntimeError as e:
            return str(e)

    assert "already running" in run1(main)


def test_runtime_functions_outside_run_raise_a_clear_error():
    for call in (lambda: go(print), gosched, num_goroutine, lambda: sleep(1)):
        with pytest.raises(RuntimeError, match=r"run\("):
            call()


def test_go_rejects_what_is_not_callable():
    def main():
        try:
            go(42)
        except TypeError as e:
            return str(e)

    assert "not callable" in run1(main)


# -------------------------------------------------------------- the go statement

def test_go_runs_fn_with_its_arguments_and_keyword_arguments():
    def main():
        out = chan(1)
        go(lambda a, b, *, c: out.send((a, b, c)), 1, 2, c=3)
        return out.recv()

    assert run1(main) == (1, 2, 3)


def test_a_new_goroutine_runs_next_before_those_already_queued():
    """Go puts a new G in runnext: spawning 0..4 then blocking runs
    4, 0, 1, 2, 3 (Go 1.19 with GOMAXPROCS=1)."""
    def main():
        order, wg = [], WaitGroup()
        for i in range(5):
            wg.add(1)
            go(lambda i=i: (order.append(i), wg.done()))
        wg.wait()
        return order

    assert run1(main) == [4, 0, 1, 2, 3]


def test_a_goroutine_made_ready_by_a_channel_runs_next(wait_parked):
    """goready also uses runnext: the receiver woken by a send runs before
    goroutines that were already queued."""
    def main():
        c, order, wg = chan(), [], WaitGroup()
        wg.add(3)
        wait_parked(go(lambda: (c.recv(), order.append("woken"), wg.done())), "chan receive")
        go(lambda: (order.append("queued"), wg.done()))
        c.send(None)          # the woken receiver takes runnext; "queued" moves to the queue
        wg.done()
        wg.wait()
        return order

    assert run1(main) == ["woken", "queued"]


def test_main_is_goroutine_1_and_goids_increase():
    def main():
        ids = [current_goroutine().goid]
        ids += [go(nilchan.recv).goid for _ in range(3)]
        return ids

    assert run1(main) == [1, 2, 3, 4]


def test_goids_are_never_reused_although_g_records_are():
    def main():
        ids = []
        for _ in range(50):
            done = chan()
            g = go(done.close)
            ids.append(g.goid)
            done.recv()
            wait_exited(g)
        return ids

    ids = run1(main)
    assert len(set(ids)) == 50
    assert ids == sorted(ids)


def test_goids_are_unique_with_several_ps():
    def main():
        wg, ids = WaitGroup(), []
        for _ in range(100):
            wg.add(1)
            ids.append(go(lambda: (gosched(), wg.done())).goid)
        wg.wait()
        return ids

    ids = run1(main, gomaxprocs=4)
    assert len(set(ids)) == 100 and 1 not in ids


# ----------------------------------------------------------------- gosched

def test_gosched_lets_every_runnable_goroutine_run_before_the_caller_resumes():
    """Go 1.19, GOMAXPROCS=1: go a; go b; Gosched() prints b, a, main."""
    def main():
        order = []
        go(order.append, "a")
        go(order.append, "b")
        gosched()
        order.append("main")
        return order

    assert run1(main) == ["b", "a", "main"]


def test_gosched_with_nothing_else_to_run_returns():
    def main():
        for _ in range(3):
            gosched()
        return "ok"

    assert run1(main) == "ok"


# ----------------------------------------------------------------- goexit

def test_goexit_ends_the_goroutine_running_its_finally_blocks():
    def main():
        log, done = [], chan()

        def g():
            try:
                try:
                    goexit()
                    log.append("after goexit")
                finally:
                    log.append("inner defer")
            finally:
                log.append("outer defer")
                done.close()

        go(g)
        done.recv()
        return log

    assert run1(main) == ["inner defer", "outer defer"]


def test_goexit_is_not_caught_by_except_exception():
    def main():
        log, done = [], chan()

        def g():
            try:
                goexit()
            except Exception:
                log.append("caught")
            finally:
                done.close()
            log.append("continued")

        go(g)
        done.recv()
        return log

    assert run1(main) == []


def test_goexit_in_main_lets_the_others_finish_then_reports_no_goroutines():
    log = []

    def main():
        def worker():
            sleep(1)
            log.append("worker finished")
        go(worker)
        goexit()

    with pytest.raises(Deadlock) as ei:
        run1(main)
    assert log == ["worker finished"]
    assert str(ei.value) == "fatal error: no goroutines (main called runtime.Goexit) - deadlock!"
    assert ei.value.goroutines == []


def test_goexit_in_main_runs_mains_finally_blocks_first():
    log = []

    def main():
        go(lambda: (sleep(1), log.append("worker finished")))
        try:
            goexit()
        finally:
            log.append("main's defer")

    with pytest.raises(Deadlock):
        run1(main)
    assert log == ["main's defer", "worker finished"]


def test_goexit_in_main_with_a_blocked_goroutine_is_an_ordinary_deadlock():
    """Go 1.19: the report lists the blocked goroutine, not main."""
    def main():
        g = go(chan().recv)
        main.goid = g.goid
        goexit()

    with pytest.raises(Deadlock) as ei:
        run1(main)
    assert str(ei.value).startswith("fatal error: all goroutines are asleep - deadlock!")
    assert ei.value.goroutines == [(main.goid, "chan receive")]


# ------------------------------------------------------------ num_goroutine

def test_num_goroutine_counts_the_goroutines_that_exist():
    def main():
        counts = [num_goroutine()]
        gates = [chan() for _ in range(3)]
        gs = [go(gate.recv) for gate in gates]
        counts.append(num_goroutine())          # runnable ones count too
        for gate, g in zip(gates, gs):
            gate.send(None)
            wait_exited(g)
            counts.append(num_goroutine())
        return counts

    assert run1(main) == [1, 4, 3, 2, 1]


# ------------------------------------------------------ G states, wait reasons

def test_goroutine_states_use_gos_names_and_numbers():
    assert [(s.name, int(s)) for s in GStatus] == [
        ("Gidle", 0), ("Grunnable", 1), ("Grunning", 2), ("Gsyscall", 3),
        ("Gwaiting", 4), ("Gdead", 6)]
    assert [str(s) for s in GStatus] == ["idle", "runnable", "running", "syscall",
                                         "waiting", "dead"]


def test_a_goroutine_goes_runnable_running_waiting_runnable_dead(wait_parked):
    def main():
        c = chan()
        seen = {}

        def body():
            seen["inside"] = current_goroutine().status
            c.recv()

        g = go(body)
        seen["spawned"] = g.status
        wait_parked(g, "chan receive")
        seen["parked"] = g.status
        c.send(None)
        seen["woken"] = g.status
        wait_exited(g)
        seen["exited"] = g.status
        seen["main"] = current_goroutine().status
        return seen

    assert run1(main) == {
        "spawned": GStatus.Grunnable, "inside": GStatus.Grunning,
        "parked": GStatus.Gwaiting, "woken": GStatus.Grunnable,
        "exited": GStatus.Gdead, "main": GStatus.Grunning}


def test_a_goroutine_made_runnable_has_no_wait_reason(wait_parked):
    def main():
        c = chan()
        g = go(c.recv)
        wait_parked(g, "chan receive")
        c.send(None)
        return g.status, g.wait_reason

    assert run1(main) == (GStatus.Grunnable, "")


def _blocked_in_mutex():
    mu = Mutex()
    mu.lock()
    mu.lock()


def _blocked_in_waitgroup():
    wg = WaitGroup()
    wg.add(1)
    wg.wait()


@pytest.mark.parametrize("block, reason", [
    (lambda: chan().recv(), "chan receive"),
    (lambda: chan().recv_ok(), "chan receive"),
    (lambda: chan().send(1), "chan send"),
    (lambda: nilchan.recv(), "chan receive (nil chan)"),
    (lambda: nilchan.send(1), "chan send (nil chan)"),
    (lambda: select(chan().recv, chan().recv), "select"),
    (lambda: select(), "select (no cases)"),
    (lambda: sleep(100), "sleep"),
    (_blocked_in_waitgroup, "sync.WaitGroup.Wait"),
    (_blocked_in_mutex, "sync.Mutex.Lock"),
], ids=lambda x: x if isinstance(x, str) else "")
def test_a_parked_goroutine_reports_gos_wait_reason(block, reason, wait_parked):
    def main():
        g = go(block)
        wait_parked(g, reason)
        return g.wait_reason

    assert run1(main) == reason


def test_wait_reason_constants_are_gos_strings():
    assert (WaitReason.CHAN_RECEIVE, WaitReason.CHAN_SEND, WaitReason.SELECT,
            WaitReason.SELECT_NO_CASES, WaitReason.SLEEP, WaitReason.CHAN_RECEIVE_NIL,
            WaitReason.CHAN_SEND_NIL, WaitReason.IO_WAIT) == (
        "chan receive", "chan send", "select", "select (no cases)", "sleep",
        "chan receive (nil chan)", "chan send (nil chan)", "IO wait")


# ------------------------------------------------------------ main returns

def test_main_returning_abandons_blocked_goroutines_without_a_deadlock(wait_parked):
    def main():
        wait_parked(go(chan().recv), "chan receive")
        wait_parked(go(sleep, 1000), "sleep")
        return "main returned"

    assert run1(main) == "main returned"


def test_main_returning_abandons_goroutines_that_never_ran():
    log = []

    def main():
        for i in range(3):
            go(log.append, i)
        return "main returned"

    assert run1(main) == "main returned"
    assert log == []


def test_an_abandoned_goroutine_never_resumes_but_is_unwound_by_run(wait_parked):
    """In Go the process simply ends; in-process, run() must leave nothing
    alive, so it unwinds the abandoned goroutine: its finally block runs,
    the code after its blocking call never does."""
    log = []

    def main():
        def blocked():
            try:
                chan().recv()
                log.append("resumed")
            finally:
                log.append("unwound")

        wait_parked(go(blocked), "chan receive")
        log.append("main returns")

    run1(main)
    assert log == ["main returns", "unwound"]


# --------------------------------------------------------------- gomaxprocs

def test_gomaxprocs_reports_and_sets_the_number_of_ps():
    def main():
        return gomaxprocs(), gomaxprocs(2), gomaxprocs(0), gomaxprocs()

    assert run1(main, gomaxprocs=3) == (3, 3, 2, 2)


def test_gomaxprocs_below_one_does_not_change_the_setting():
    """Go: "If n < 1, it does not change the current setting"."""
    def main():
        return gomaxprocs(-1), gomaxprocs()

    assert run1(main, gomaxprocs=2) == (2, 2)


def test_gomaxprocs_defaults_to_the_environment_variable(monkeypatch):
    monkeypatch.setenv("GOMAXPROCS", "3")
    assert run(gomaxprocs) == 3


@pytest.mark.parametrize("env", [None, "", "zero", "0", "-2"])
def test_gomaxprocs_defaults_to_the_cpus_of_the_affinity_mask_without_a_valid_environment_variable(
        monkeypatch, env):
    # (this test pinned os.cpu_count() before; Go's getproccount counts the
    # CPUs in sched_getaffinity, so under taskset -c 0 the default is 1)
    if env is None:
        monkeypatch.delenv("GOMAXPROCS", raising=False)
    else:
        monkeypatch.setenv("GOMAXPROCS", env)
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert run(gomaxprocs) == expected


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this OS")
def test_the_default_gomaxprocs_counts_the_affinity_mask_not_the_machine(monkeypatch):
    monkeypatch.delenv("GOMAXPROCS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert run(gomaxprocs) == 1


def test_gomaxprocs_must_be_a_positive_int():
    with pytest.raises(ValueError):
        run(lambda: None, gomaxprocs=0)


@pytest.mark.parametrize("option", [dict(clock="wall"), dict(preempt="sometimes"),
                                    dict(gomaxprocs=-2), dict(gomaxprocs="4")])
def test_run_rejects_unknown_options_with_a_clear_error(option):
    with pytest.raises(ValueError, match=next(iter(option))):
        run(lambda: None, **option)


# --------------------------------------------------------------- syscalls

def test_syscall_returns_the_functions_result():
    assert run1(lambda: syscall(pow, 2, 10)) == 1024


def test_syscall_raises_the_functions_exception_in_the_goroutine():
    def main():
        try:
            syscall(int, "not a number")
        except ValueError:
            return "caught"

    assert run1(main) == "caught"


def test_a_goroutine_in_a_blocking_syscall_does_not_block_the_others():
    """One P: while goroutine 2 sits in a system call, its P is handed
    off and main runs; the call is released by main itself."""
    def main():
        release, done = threading.Event(), chan(1)
        g = go(lambda: done.send(syscall(release.wait, 30)))
        for _ in range(100_000):
            if g.status == GStatus.Gsyscall:
                break
            gosched()
        state = g.status
        release.set()
        return state, done.recv()

    assert run(main, gomaxprocs=1) == (GStatus.Gsyscall, True)


def test_a_goroutine_in_a_syscall_is_not_deadlocked_but_the_program_is_once_it_returns():
    """Go's checkdead does not count a goroutine in a system call as
    asleep; when the call returns and the goroutine exits, main is alone
    and blocked forever."""
    def main():
        go(syscall, threading.Event().wait, 0.05)
        chan().recv()

    with pytest.raises(Deadlock) as ei:
        run(main, gomaxprocs=1)
    assert ei.value.goroutines == [(1, "chan receive")]


# --------------------------------------------------------------- preemption

def _spinner_program():
    stop = [False]
    spins = [0]

    def spin():                    # a loop with no function calls
        while not stop[0]:
            spins[0] += 1

    def main():
        go(spin)
        gosched()                  # the spinner runs; only preemption brings main back
        stop[0] = True
        return "main ran again"

    return main


def test_async_preemption_stops_a_loop_without_calls():
    assert run(_spinner_program(), gomaxprocs=1, preempt="async", timeout=20) == \
        "main ran again"


def test_without_preemption_a_spinning_goroutine_starves_the_others():
    with pytest.raises(RunTimeout):
        run(_spinner_program(), gomaxprocs=1, preempt="off", timeout=0.3)


def test_call_preemption_cannot_stop_a_loop_without_calls():
    """Go 1.2 to 1.13: preemption only at function entry."""
    with pytest.raises(RunTimeout):
        run(_spinner_program(), gomaxprocs=1, preempt="calls", timeout=0.3)


def test_call_preemption_stops_a_loop_that_calls_a_function():
    stop = [False]

    def step(n):
        return n + 1

    def main():
        def spin():
            n = 0
            while not stop[0]:
                n = step(n)
        go(spin)
        gosched()
        stop[0] = True
        return "main ran again"

    assert run(main, gomaxprocs=1, preempt="calls", timeout=20) == "main ran again"


def test_off_the_main_thread_async_preemption_falls_back_to_calls_and_says_so():
    """Signals reach only the main thread (DESIGN.md): a run started in
    another thread warns, and still preempts a loop that makes calls."""
    result = {}

    def step(n):
        return n + 1

    def in_thread():
        stop = [False]

        def main():
            def spin():
                n = 0
                while not stop[0]:
                    n = step(n)
            go(spin)
            gosched()
            stop[0] = True
            return "main ran again"

        with pytest.warns(RuntimeWarning, match="preempt='calls'"):
            result["value"] = run(main, gomaxprocs=1, preempt="async", timeout=20)

    t = threading.Thread(target=in_thread)
    t.start()
    t.join(60)
    assert not t.is_alive()
    assert result == {"value": "main ran again"}


# ------------------------------------------- whole programs, against Go 1.19

def _buffered_producer_consumer(out):
    wg, c = WaitGroup(), chan(2)
    wg.add(2)

    def producer():
        for i in range(6):
            c.send(i)
            out.append(f"s{i}")
        c.close()
        wg.done()

    def consumer():
        for v in c:
            out.append(f"r{v}")
        wg.done()

    go(producer)
    go(consumer)
    wg.wait()


def _unbuffered_pipeline(out):
    wg, a, b = WaitGroup(), chan(), chan()
    wg.add(3)

    def gen():
        for i in range(4):
            a.send(i)
            out.append(f"g{i}")
        a.close()
        wg.done()

    def mul():
        for v in a:
            b.send(v * 10)
            out.append(f"m{v}")
        b.close()
        wg.done()

    def printer():
        for v in b:
            out.append(f"p{v}")
        wg.done()

    go(gen)
    go(mul)
    go(printer)
    wg.wait()


def _worker_pool(out):
    wg, jobs, results = WaitGroup(), chan(10), chan(10)
    for w in range(3):
        wg.add(1)

        def worker(w=w):
            for j in jobs:
                out.append(f"w{w}j{j}")
                results.send(j * 2)
            wg.done()
        go(worker)
    for j in range(7):
        jobs.send(j)
    jobs.close()
    wg.wait()


def _ping_pong_with_gosched(out):
    wg, ping, pong = WaitGroup(), chan(), chan()
    wg.add(1)

    def player():
        for v in ping:
            out.append(f"pi{v}")
            gosched()
            pong.send(v + 1)
        wg.done()

    go(player)
    v = 0
    for _ in range(3):
        ping.send(v)
        v = pong.recv()
        out.append(f"po{v}")
    ping.close()
    wg.wait()


def _mutex_with_gosched_inside(out):
    wg, mu = WaitGroup(), Mutex()
    for g in range(3):
        wg.add(1)

        def f(g=g):
            for i in range(3):
                mu.lock()
                out.append(f"L{g}{i}")
                gosched()
                out.append(f"U{g}{i}")
                mu.unlock()
            wg.done()
        go(f)
    wg.wait()


def _once_with_gosched_inside(out):
    wg, once = WaitGroup(), Once()
    for g in range(3):
        wg.add(1)

        def f(g=g):
            def init():
                out.append(f"init{g}")
                gosched()
                out.append("initdone")
            once.do(init)
            out.append(f"after{g}")
            wg.done()
        go(f)
    wg.wait()


# What Go 1.19.8 prints for the same programs written in Go, with
# runtime.GOMAXPROCS(1) (the same in every run).
GO_PROGRAMS = [
    (_buffered_producer_consumer, "s0 s1 s2 r0 r1 r2 r3 s3 s4 s5 r4 r5"),
    (_unbuffered_pipeline, "m0 p0 g0 g1 m1 g2 p10 p20 m2 m3 p30 g3"),
    (_worker_pool, "w2j0 w2j1 w2j2 w2j3 w2j4 w2j5 w2j6"),
    (_ping_pong_with_gosched, "pi0 po1 pi1 po2 pi2 po3"),
    (_mutex_with_gosched_inside,
     "L20 U20 L21 U21 L22 U22 L00 U00 L01 U01 L02 U02 L10 U10 L11 U11 L12 U12"),
    (_once_with_gosched_inside, "init2 initdone after2 after0 after1"),
]


@pytest.mark.parametrize("program, go_output", GO_PROGRAMS,
                         ids=[p.__name__.strip("_") for p, _ in GO_PROGRAMS])
@pytest.mark.parametrize("clock", ["real", "virtual"])
def test_classic_programs_on_one_p_interleave_exactly_as_go(program, go_output, clock):
    """runnext, the local queue, direct channel handoff and the semaphore
    queues together fix the order on one P; Go's order is the spec."""
    out = []
    run(program, out, gomaxprocs=1, clock=clock, seed=1)
    assert " ".join(out) == go_output
