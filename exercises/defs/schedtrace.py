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
    """A Runtime with 4 Ps before anything runs, at t=0, prints four idle Ps, one thread (sysmon's) and empty queues."""
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
    """Every line (one each 20 ms) of 8 goroutines doing work(0.05) on 2 Ps, then a sleep, matches Go's."""
    ref, mine = _lines_of_a_run(sol, _cpu_bound(8, 0.05), gomaxprocs=2, seed=1, schedtrace=20)
    expect(mine, ref, "the lines of the run")


@public
def test_threads_blocked_in_system_calls_are_counted(sol):
    """Goroutines in blocking system calls hold Ms, which threads counts as
    Go's mcount() does; the Ms they leave behind when the calls return are
    idle (idlethreads): every line of the run matches Go's."""
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
    """Every line of a producer spawning 200 short goroutines on 4 Ps, which fills the local queues, matches Go's."""
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
    """GOMAXPROCS goes from 1 to 3 during the run: every line follows the Ps there are at its time."""
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
        "GODEBUG=schedtrace=N (Go 1.19, runtime/proc.go schedtrace), for the Runtime rt "
        "(reference_runtime/sched.py; Runtime.__init__ lists its fields) t seconds after "
        "the program started. It must be Go's line, field for field, as the starter's "
        "docstring lays it out: "
        "(1) the time in whole milliseconds, rounded down (Go prints nanoseconds / 1e6 as "
        "an integer); "
        "(2) gomaxprocs, the number of Ps now, and idleprocs, the Ps on the idle list "
        "(sched.npidle); "
        "(3) threads, every M started so far, those blocked in system calls and idle ones "
        "included, plus sysmon's own thread, which has no M here (Go's mcount() counts "
        "sysmon's M); "
        "(4) spinningthreads, the Ms spinning for work (sched.nmspinning), and idlethreads, "
        "the Ms parked on the idle list (sched.nmidle); "
        "(5) runqueue, the length of the global run queue only; "
        "(6) in brackets, each P's local queue length separated by spaces, which Go "
        "computes as runqtail - runqhead: the G in runnext is not counted. "
        "The tests compare your line with the reference's for hand-built states and at "
        "every line of whole runs under the virtual clock (public: one test per rule; "
        "hidden: busier runs and GOMAXPROCS changed during a run)."),
    starter=STARTER,
    hints=[
        "Read schedtrace in Go 1.19's runtime/proc.go: one print call, whose arguments "
        "name the scheduler's counters (sched.npidle, mcount(), sched.nmspinning, "
        "sched.nmidle, sched.runqsize) and then each P's t - h. Find the Runtime field that "
        "holds each of them.",
        "Two counts are easy to get wrong: runnext is outside the ring Go measures, and "
        "sysmon runs on a thread of its own that no M here stands for.",
        "The format: one space between fields, one space before the brackets, spaces "
        "between the P counts; the time is truncated, not rounded.",
        "In code: `queues = \" \".join(str(p.runqtail - p.runqhead) for p in rt.allp)`; "
        "`f\"SCHED {int(t * 1000)}ms: gomaxprocs={rt.gomaxprocs} idleprocs={rt.npidle} "
        "threads={len(rt.allm) + 1} spinningthreads={rt.nmspinning} "
        "idlethreads={len(rt.midle)} runqueue={len(rt.runq)} [{queues}]\"`.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="model",
)
