"""Exercise 08.1: predict the parallel speed-up of four workloads in virtual
time (the answer key is reference_runtime/models/speedup.py)."""
from __future__ import annotations

from exercises.core import Exercise, Mismatch, checked, collect_tests, hidden, public

TOLERANCE = 0.10      # as reference_runtime.models.speedup.TOLERANCE


def _check(sol, workload: dict, procs_list) -> None:
    """Run the workload on each P count under the virtual clock and compare
    the learner's prediction with the measured time, within TOLERANCE."""
    from reference_runtime.models.speedup import measure
    for procs in procs_list:
        measured = measure(workload, procs)
        got = sol.predict(dict(workload), procs)
        what = f"predict({workload}, procs={procs}) (measured {measured:.3f} s; allowed ±10%)"
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            raise Mismatch(what, f"a number of seconds, about {measured:.3f}", got)
        if abs(got - measured) > TOLERANCE * measured:
            raise Mismatch(what, round(measured, 3), round(got, 4))
        checked(what)


@public
def test_independent_goroutines_share_the_ps(sol):
    """8 goroutines each doing work(1.0) take 8 s on 1 P, 4 s on 2, 2 s on 4 and 1 s on 8."""
    _check(sol, {"kind": "independent", "n": 8, "work": 1.0}, [1, 2, 4, 8])


@public
def test_preemption_shares_the_ps_in_10ms_slices(sol):
    """3 x work(1.0) on 2 Ps take 1.5 s, 8 on 3 Ps 2.67 s: the Ps share the work.

    Go preempts a goroutine after 10 ms, so runnable goroutines take turns
    in 10 ms slices instead of running in ceil(N/P) rounds."""
    _check(sol, {"kind": "independent", "n": 3, "work": 1.0}, [2])
    _check(sol, {"kind": "independent", "n": 8, "work": 1.0}, [3])


@public
def test_one_goroutine_cannot_use_two_ps(sol):
    """2 goroutines of work(0.5) take 0.5 s on 4 or 8 Ps: a goroutine runs on one P at a time, so idle Ps do not help."""
    _check(sol, {"kind": "independent", "n": 2, "work": 0.5}, [4, 8])


@public
def test_all_the_work_under_one_mutex_does_not_speed_up(sol):
    """8 x work(0.1), each holding one Mutex, take 0.8 s on any number of Ps: only the holder runs."""
    _check(sol, {"kind": "mutex", "n": 8, "work": 0.1}, [1, 2, 4, 8])


@public
def test_a_pipeline_is_as_fast_as_its_slowest_stage(sol):
    """A pipeline of 20 items, work(0.05) to produce and work(0.03) to consume, is as fast as its slowest stage.

    One unbuffered channel between the two stages: on 1 P the stages take
    turns, on 2 or more they overlap, but a single item (work(0.2) then
    work(0.1)) cannot overlap with anything: 0.3 s on 2 Ps.  When the
    consumer is the slower stage (work(0.02) then work(0.05)), it sets the
    pace."""
    _check(sol, {"kind": "pipeline", "items": 20, "produce": 0.05, "consume": 0.03}, [1, 2, 4])
    _check(sol, {"kind": "pipeline", "items": 1, "produce": 0.2, "consume": 0.1}, [2])
    _check(sol, {"kind": "pipeline", "items": 20, "produce": 0.02, "consume": 0.05}, [2])


@public
def test_sleeping_goroutines_hold_no_p(sol):
    """8 goroutines each sleep(1.0) take 1 s on any number of Ps, and with work(0.1) after the sleep, 1 s plus the shared work.

    The sleeps overlap whatever GOMAXPROCS is; the work after them is
    shared by the Ps, and with more Ps than goroutines (4 x sleep(0.5) then
    work(0.4) on 8 Ps) each goroutine's own work is the floor: 0.9 s."""
    _check(sol, {"kind": "sleep", "n": 8, "sleep": 1.0, "work": 0.0}, [1, 2, 8])
    _check(sol, {"kind": "sleep", "n": 8, "sleep": 1.0, "work": 0.1}, [1, 2, 8])
    _check(sol, {"kind": "sleep", "n": 4, "sleep": 0.5, "work": 0.4}, [8])


@hidden
def test_uneven_counts_of_goroutines_and_ps(sol):
    """Predictions hold for counts of goroutines that do not divide evenly among the Ps.

    10 x work(0.25) on 3, 4 and 8 Ps; 16 x work(0.5) on 2, 5 and 6 Ps;
    12 x work(0.25) on 12 and 16 Ps; one work(2.0) on 1 and 4 Ps."""
    _check(sol, {"kind": "independent", "n": 10, "work": 0.25}, [3, 4, 8])
    _check(sol, {"kind": "independent", "n": 16, "work": 0.5}, [2, 5, 6])
    _check(sol, {"kind": "independent", "n": 12, "work": 0.25}, [12, 16])
    _check(sol, {"kind": "independent", "n": 1, "work": 2.0}, [1, 4])


@hidden
def test_other_mutex_workloads(sol):
    """5 x work(0.3) under one Mutex on 3 and 16 Ps, and a single goroutine on 2 Ps, take the serial time."""
    _check(sol, {"kind": "mutex", "n": 5, "work": 0.3}, [3, 16])
    _check(sol, {"kind": "mutex", "n": 1, "work": 0.2}, [2])


@hidden
def test_a_pipeline_whose_consumer_is_slower(sol):
    """Predictions hold for a pipeline whose consumer is the slower stage, and for one item on 1 P.

    30 items, work(0.01) to produce and work(0.04) to consume, on 1, 2 and
    3 Ps; one item (work(0.2) then work(0.1)) on 1 P."""
    _check(sol, {"kind": "pipeline", "items": 30, "produce": 0.01, "consume": 0.04}, [1, 2, 3])
    _check(sol, {"kind": "pipeline", "items": 1, "produce": 0.2, "consume": 0.1}, [1])


@hidden
def test_sleep_then_work_with_many_goroutines(sol):
    """12 goroutines that each sleep(0.5) then work(0.2) take the sleep plus the shared work, on 3, 5 and 16 Ps."""
    _check(sol, {"kind": "sleep", "n": 12, "sleep": 0.5, "work": 0.2}, [3, 5, 16])


STARTER = '''\
def predict(workload, procs):
    """Seconds of virtual time `workload` takes on `procs` Ps (GOMAXPROCS),
    with Go's preemption (a goroutine is preempted after 10 ms of CPU).

      {"kind": "independent", "n": N, "work": w}   N goroutines, each work(w)
      {"kind": "mutex", "n": N, "work": w}         the same, each holding one Mutex
      {"kind": "pipeline", "items": K, "produce": a, "consume": b}
                       a producer does work(a) per item and sends it on an unbuffered
                       channel; a consumer receives it and does work(b)
      {"kind": "sleep", "n": N, "sleep": s, "work": w}
                       N goroutines, each sleep(s), then work(w)
    """
    kind = workload["kind"]
    if kind == "independent":
        n, w = workload["n"], workload["work"]
        ...
    if kind == "mutex":
        n, w = workload["n"], workload["work"]
        ...
    if kind == "pipeline":
        k, a, b = workload["items"], workload["produce"], workload["consume"]
        ...
    if kind == "sleep":
        n, s, w = workload["n"], workload["sleep"], workload["work"]
        ...
'''


def _reference():
    from reference_runtime.models import speedup
    return {"predict": speedup.predict}


EXERCISE = Exercise(
    id="speedup",
    notebook="08",
    number=1,
    title="Predict the speed-up: CPU, a lock, a pipeline, sleeps",
    points=10,
    provides=["predict"],
    statement=(
        "Write predict(workload, procs): how many seconds of virtual time a workload takes "
        "on `procs` Ps (the four workloads are described in the starter's docstring). What "
        "your prediction must take into account, the runtime's rules, which are Go's: "
        "(1) work(w) holds the goroutine's P for w seconds of CPU while the other Ps go "
        "on, and a goroutine runs on one P at a time, so extra Ps cannot shorten one "
        "goroutine; "
        "(2) a goroutine is preempted after 10 ms of CPU (forcePreemptNS, checked by "
        "sysmon's retake in runtime/proc.go), so runnable goroutines share the Ps in 10 ms "
        "slices rather than running in whole rounds of procs at a time; "
        "(3) a goroutine that blocks (on a channel, a Mutex, a sleep) holds no P (gopark "
        "releases it): blocked time overlaps with anything, and only a Mutex's holder "
        "runs; "
        "(4) an unbuffered channel hands each value over only when both sides are there, "
        "so a pipeline's stages overlap only with more than one P, and the first item "
        "must be produced before anything can be consumed. "
        "Each test runs a workload with reference_runtime under the virtual clock for "
        "several GOMAXPROCS and checks that your prediction is within 10% of the measured "
        "time; the public tests cover each kind and each rule, the hidden ones add uneven "
        "counts, other sizes and a slower consumer. The notebook's experiments above this "
        "exercise measure the workloads: read the numbers before writing the formulas."),
    starter=STARTER,
    hints=[
        "For each kind, ask what the bottleneck is: the total CPU shared by the Ps, the "
        "longest single goroutine (rule 1), the one lock everyone waits on, or the slower "
        "stage. Read the tables above the exercise with that question in mind, and "
        "sysmon's retake in Go's runtime/proc.go for why no goroutine keeps a P longer "
        "than forcePreemptNS.",
        "Preemption (rule 2) means there are no 'rounds': 3 goroutines of 1 s on 2 Ps do "
        "not take 2 s. What does sharing in 10 ms slices make of the total CPU time?",
        "The pipeline on two or more Ps: once it is going, the slower stage sets the pace, "
        "one item per time of the slower stage; but the first item is produced before anything is "
        "consumed (or the last consumed after all are produced), and that time does not "
        "overlap. Sleeps all overlap, on any number of Ps.",
        "The formulas: independent `max(w, n * w / procs)`; mutex `n * w`; pipeline "
        "`k * (a + b)` on 1 P, else `k * max(a, b) + min(a, b)`; sleep `s` plus the "
        "independent formula for the work (0 when w is 0).",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="analysis",
    timeout=30.0,
)
