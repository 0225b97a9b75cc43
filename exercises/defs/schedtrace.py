"""Exercise 08.2: Go's GODEBUG=schedtrace line, from the scheduler's state
(runtime/proc.go, schedtrace; the answer key is Sysmon.schedtrace_line in
reference_runtime/sysmon.py)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public
from exercises.defs._support import gs as _gs


def _reference_line(rt, t):
    from reference_runtime.sysmon import Sysmon
    return Sysmon(rt).schedtrace_line(t)


def _fresh(procs: int):
    from reference_runtime.sched import Runtime
    return Runtime(gomaxprocs=procs, clock="virtual")


def _lines_of_a_run(sol, main, **kw):
    """Run main under the virtual clock with schedtrace on; at each line the
    reference's and the learner's text for the same state, as two lists."""
    from reference_runtime import run, sysmon
    ref, mine, errors = [], [], []
    original = sysmon.Sysmon.print_schedtrace

    def capture(self, t):
        ref.append(self.schedtrace_line(t))
        try:
            mine.append(sol.schedtrace_line(self.rt, t))
        except Exception as e:           # noqa: BLE001 - raised after the run, not inside it
            errors.append(e)
            mine.append(None)
    sysmon.Sysmon.print_schedtrace = capture
    try:
        run(main, clock="virtual", **kw)
    finally:
        sysmon.Sysmon.print_schedtrace = original
    if errors:
        raise errors[0]
    return ref, mine


def _cpu_bound(n, seconds):
    from reference_runtime import WaitGroup, go, sleep, work

    def main():
        wg = WaitGroup()
        for _ in range(n):
            wg.add(1)

            def body():
                try:
                    work(seconds)
                finally:
                    wg.done()
            go(body)
        wg.wait()
        sleep(0.03)
    return main


@public
def test_a_fresh_runtime_with_four_idle_ps(sol):
    """A Runtime with 4 Ps before anything runs, at t=0."""
    rt = _fresh(4)
    expect(sol.schedtrace_line(rt, 0.0),
           "SCHED 0ms: gomaxprocs=4 idleprocs=4 threads=1 spinningthreads=0 idlethreads=0 "
           "runqueue=0 [0 0 0 0]", "schedtrace_line(fresh runtime, 0.0)")


@public
def test_the_time_is_in_whole_milliseconds_rounded_down(sol):
    """t=0.0199999 s prints as 19ms, t=1.5 s as 1500ms (Go divides nanoseconds by 1e6)."""
    rt = _fresh(1)
    for t in (0.0199999, 1.5, 0.0009):
        expect(sol.schedtrace_line(rt, t), _reference_line(rt, t), f"schedtrace_line(rt, {t})")


@public
def test_local_queues_count_the_ring_but_not_runnext(sol):
    """P0 holds 3 Gs in its ring and 1 in runnext, P2 holds 5; 2 Gs are on the global queue.

    Go prints runqtail - runqhead for each P: the G in runnext is not counted."""
    from reference_runtime.runq import runqput
    rt = _fresh(3)
    gs = _gs(11)
    for g in gs[:3]:
        runqput(rt, rt.allp[0], g, False)
    runqput(rt, rt.allp[0], gs[3], True)
    for g in gs[4:9]:
        runqput(rt, rt.allp[2], g, False)
    rt.runq.extend(gs[9:])
    expect(sol.schedtrace_line(rt, 0.25), _reference_line(rt, 0.25), "schedtrace_line(rt, 0.25)")


@public
def test_every_line_of_eight_cpu_bound_goroutines_on_two_ps(sol):
    """8 goroutines doing work(0.05) on 2 Ps, then a sleep: a line every 20 ms."""
    ref, mine = _lines_of_a_run(sol, _cpu_bound(8, 0.05), gomaxprocs=2, seed=1, schedtrace=20)
    expect(mine, ref, "the lines of the run")


@hidden
def test_threads_blocked_in_system_calls_are_counted(sol):
    """Goroutines in blocking system calls hold Ms: threads and idlethreads grow."""
    import time

    from reference_runtime import WaitGroup, go, syscall, work

    def main():
        wg = WaitGroup()
        for i in range(5):
            wg.add(1)

            def body(i=i):
                try:
                    syscall(time.sleep, 0.01)
                    work(0.01 * (i + 1))
                finally:
                    wg.done()
            go(body)
        wg.wait()
    ref, mine = _lines_of_a_run(sol, main, gomaxprocs=2, seed=2, schedtrace=5)
    expect(mine, ref, "the lines of the run", varies=True)      # real sleeps: the lines vary


@hidden
def test_four_ps_with_busy_local_queues(sol):
    """A producer spawning 200 short goroutines on 4 Ps fills the local queues."""
    from reference_runtime import WaitGroup, chan, go, sleep, work

    def main():
        c = chan(100)
        wg = WaitGroup()

        def consumer():
            for _ in c:
                work(0.0005)
            wg.done()
        wg.add(2)
        go(consumer)
        go(consumer)
        for i in range(200):
            go(lambda: work(0.001))
            c.send(i)
            if i % 50 == 0:
                sleep(0.003)
        c.close()
        wg.wait()
    ref, mine = _lines_of_a_run(sol, main, gomaxprocs=4, seed=3, schedtrace=5)
    expect(mine, ref, "the lines of the run")


@hidden
def test_gomaxprocs_changed_during_the_run(sol):
    """GOMAXPROCS goes from 1 to 3 during the run: the line follows allp."""
    from reference_runtime import WaitGroup, go, gomaxprocs, work

    def main():
        gomaxprocs(3)
        wg = WaitGroup()
        for _ in range(6):
            wg.add(1)
            go(lambda: (work(0.02), wg.done()))
        wg.wait()
    ref, mine = _lines_of_a_run(sol, main, gomaxprocs=1, seed=4, schedtrace=10)
    expect(mine, ref, "the lines of the run")


STARTER = '''\
def schedtrace_line(rt, t):
    """Go's GODEBUG=schedtrace line for the Runtime rt, t seconds after the start,
    on one line, one space between the fields:

    SCHED <ms>ms: gomaxprocs=<Ps> idleprocs=<idle Ps> threads=<Ms>
        spinningthreads=<spinning Ms> idlethreads=<idle Ms> runqueue=<global queue>
        [<each P's local queue, separated by spaces>]
    """
    ...
'''


def _reference():
    return {"schedtrace_line": _reference_line}


EXERCISE = Exercise(
    id="schedtrace",
    notebook="08",
    number=2,
    title="The schedtrace line, from the scheduler's state",
    points=5,
    provides=["schedtrace_line"],
    statement=(
        "Write schedtrace_line(rt, t): the line Go prints every N ms under "
        "GODEBUG=schedtrace=N (runtime/proc.go, schedtrace), for the Runtime rt "
        "(reference_runtime/sched.py) t seconds after the program started. Its fields, in "
        "Go's order: the time in whole milliseconds (rounded down); gomaxprocs, the number of "
        "Ps; idleprocs, the Ps on the idle list; threads, every M started so far plus "
        "sysmon's thread (Go's mcount()); spinningthreads, Ms looking for work; idlethreads, "
        "Ms parked on the idle list; runqueue, the length of the global run queue; then, in "
        "brackets, the length of each P's local ring, separated by spaces. The tests compare "
        "your line with the reference's for hand-built states and at every line of whole "
        "runs under the virtual clock."),
    starter=STARTER,
    hints=[
        "The Runtime's fields: rt.gomaxprocs, rt.npidle, rt.allm (every M), rt.nmspinning, "
        "rt.midle (idle Ms), rt.runq (the global queue), rt.allp (the Ps).",
        "threads is len(rt.allm) + 1: the +1 is sysmon, which runs on its own thread without "
        "a P.",
        "A P's local queue length is p.runqtail - p.runqhead, exactly what Go prints: the G "
        "in p.runnext is not counted.",
        "The time: int(t * 1000) ms. The brackets: '[' + ' '.join(lengths) + ']', with one "
        "space before '['.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="model",
)
