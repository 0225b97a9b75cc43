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
    """8 goroutines each doing work(1.0): 8 s on 1 P, 4 s on 2, 2 s on 4, 1 s on 8."""
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
    """2 goroutines of work(0.5) take 0.5 s on 4 or 8 Ps: idle Ps do not help."""
    _check(sol, {"kind": "independent", "n": 2, "work": 0.5}, [4, 8])


@public
def test_all_the_work_under_one_mutex_does_not_speed_up(sol):
    """8 x work(0.1), each holding one Mutex: 0.8 s on any number of Ps."""
    _check(sol, {"kind": "mutex", "n": 8, "work": 0.1}, [1, 2, 4, 8])


@public
def test_a_pipeline_is_as_fast_as_its_slowest_stage(sol):
    """A pipeline of 20 items, work(0.05) to produce and work(0.03) to consume.

    One unbuffered channel between the two stages: on 1 P the stages take
    turns, on 2 or more they overlap."""
    _check(sol, {"kind": "pipeline", "items": 20, "produce": 0.05, "consume": 0.03}, [1, 2, 4])


@public
def test_sleeping_goroutines_hold_no_p(sol):
    """8 goroutines each sleep(1.0): 1 s on any number of Ps; then with work(0.1).

    The sleeps overlap whatever GOMAXPROCS is; the work after them is
    shared by the Ps."""
    _check(sol, {"kind": "sleep", "n": 8, "sleep": 1.0, "work": 0.0}, [1, 2, 8])
    _check(sol, {"kind": "sleep", "n": 8, "sleep": 1.0, "work": 0.1}, [1, 2, 8])


@hidden
def test_uneven_counts_of_goroutines_and_ps(sol):
    """Counts of goroutines that do not divide evenly among the Ps.

    10 x work(0.25) on 3, 4 and 8 Ps; 16 x work(0.5) on 2, 5 and 6 Ps;
    12 x work(0.25) on 12 and 16 Ps; one work(2.0) on 1 and 4 Ps."""
    _check(sol, {"kind": "independent", "n": 10, "work": 0.25}, [3, 4, 8])
    _check(sol, {"kind": "independent", "n": 16, "work": 0.5}, [2, 5, 6])
    _check(sol, {"kind": "independent", "n": 12, "work": 0.25}, [12, 16])
    _check(sol, {"kind": "independent", "n": 1, "work": 2.0}, [1, 4])


@hidden
def test_other_mutex_workloads(sol):
    """5 x work(0.3) under one Mutex on 3 and 16 Ps; a single goroutine on 2 Ps."""
    _check(sol, {"kind": "mutex", "n": 5, "work": 0.3}, [3, 16])
    _check(sol, {"kind": "mutex", "n": 1, "work": 0.2}, [2])


@hidden
def test_a_pipeline_whose_consumer_is_slower(sol):
    """A pipeline whose consumer is the slower stage, and a pipeline of one item.

    30 items, work(0.01) to produce and work(0.04) to consume, on 1, 2 and
    3 Ps; one item (work(0.2) then work(0.1)): the stages cannot overlap."""
    _check(sol, {"kind": "pipeline", "items": 30, "produce": 0.01, "consume": 0.04}, [1, 2, 3])
    _check(sol, {"kind": "pipeline", "items": 1, "produce": 0.2, "consume": 0.1}, [1, 2])


@hidden
def test_sleep_then_work_with_many_goroutines(sol):
    """12 goroutines each sleep(0.5) then work(0.2), on 3, 5 and 16 Ps."""
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
        "on `procs` Ps. Under the virtual clock, work(w) holds the goroutine's P for w seconds "
        "of simulated CPU while the other Ps go on; a goroutine that blocks (a channel, a "
        "Mutex, a sleep) holds no P; and, as in Go, a goroutine is preempted after 10 ms "
        "(forcePreemptNS) so that runnable goroutines share the Ps. The four workloads are "
        "described in the starter's docstring. Each test runs a workload with "
        "reference_runtime under the virtual clock for several GOMAXPROCS and checks that "
        "your prediction is within 10% of the measured time. "
        "The notebook's experiments above this exercise measure each workload: read the "
        "numbers before writing the formulas."),
    starter=STARTER,
    hints=[
        "independent: the Ps share N*w seconds of CPU, N*w/procs; but one goroutine runs on "
        "one P at a time, so it can never take less than w.",
        "mutex: only the holder runs; everyone else is parked on the lock (holding no P). "
        "The number of Ps does not matter.",
        "pipeline on one P: the two stages take turns, K*(a+b). On two or more Ps they "
        "overlap and the slower stage sets the pace: K*max(a, b), plus the faster stage once "
        "(the first item must be produced before anything is consumed, or the last one "
        "consumed after everything is produced).",
        "sleep: the sleeps all overlap, on any number of Ps (a timer wakes each goroutine); "
        "then the work is the 'independent' case (0 if w is 0).",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="analysis",
    timeout=30.0,
)
