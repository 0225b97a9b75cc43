"""Parallel speed-up in virtual time: four workloads and what GOMAXPROCS does
to each (the course's notebook 08, exercise 08.1 ``speedup``).

Why virtual time.  Every goroutine of this runtime runs on one host thread,
so Python code cannot run faster with more Ps: the GIL and the single host
thread see to that.  Under the virtual clock (``clock="virtual"``, Go's
faketime) ``work(seconds)`` is *simulated* CPU time: the calling G holds its
P for that long while the other Ps go on, so N goroutines doing
``work(1.0)`` on P processors finish when the Ps have shared out N seconds
of CPU.  That is the parallel machine the model below predicts, with Go's
rules: a P runs one G at a time; a G that blocks (a channel, a lock, a
sleep) holds no P; sysmon preempts a G that ran 10 ms (``forcePreemptNS``,
runtime/proc.go) and it goes to the global run queue, so CPU-bound
goroutines share the Ps in 10 ms slices rather than running to the end.

The workloads (dicts, so that a learner's ``predict`` reads them plainly):

``{"kind": "independent", "n": N, "work": w}``
    N goroutines, each ``work(w)``; main waits on a WaitGroup.  With
    preemption the Ps share the N*w seconds: N*w/P, but never less than w
    (one goroutine cannot use two Ps).  Without preemption
    (``preempt="off"``) each G runs to the end: ceil(N/P) rounds of w.

``{"kind": "mutex", "n": N, "work": w}``
    The same, with all the work under one ``Mutex``: the lock runs one
    holder at a time, N*w for any P.

``{"kind": "pipeline", "items": K, "produce": a, "consume": b}``
    A producer does ``work(a)`` per item and sends it on an unbuffered
    channel; a consumer receives it and does ``work(b)``.  On one P the two
    take turns: K*(a+b).  On two Ps or more they overlap, and the slower
    stage sets the pace: K*max(a, b), plus the faster stage once (the first
    item's production, or the last item's consumption).  A third P has
    nothing to do.

``{"kind": "sleep", "n": N, "sleep": s, "work": w}``
    N goroutines each ``sleep(s)`` then ``work(w)``.  Sleeping holds no P
    (a timer wakes the G), so the sleeps overlap on any P: s, then the work
    as in "independent".

``predict`` is the reference predictor; ``measure`` runs a workload and
returns the virtual seconds it took.  ``TOLERANCE`` is how close a
prediction must be: the 10 ms time slices do not always divide evenly
among the Ps (real Go 1.19 shows the same imbalance: 8 CPU-bound goroutines
took 579 ms where 560 was ideal, +3%).
"""
from __future__ import annotations

import math

#: relative error allowed between a prediction and the measured time
TOLERANCE = 0.10

KINDS = ("independent", "mutex", "pipeline", "sleep")


def predict(workload: dict, procs: int) -> float:
    """Seconds of virtual time the workload takes on `procs` Ps, with Go's
    preemption (a G is preempted after 10 ms and the Ps share the CPU)."""
    kind = workload["kind"]
    if kind == "independent":
        n, w = workload["n"], workload["work"]
        return max(w, n * w / procs)
    if kind == "mutex":
        return workload["n"] * workload["work"]
    if kind == "pipeline":
        k, a, b = workload["items"], workload["produce"], workload["consume"]
        if procs == 1:
            return k * (a + b)
        return k * max(a, b) + min(a, b)
    if kind == "sleep":
        n, s, w = workload["n"], workload["sleep"], workload["work"]
        return s + (max(w, n * w / procs) if w > 0 else 0.0)
    raise ValueError(f"unknown workload kind {kind!r}; known: {', '.join(KINDS)}")


def predict_without_preemption(workload: dict, procs: int) -> float:
    """The same, when goroutines are never preempted (``preempt="off"``):
    each CPU-bound G keeps its P until it blocks or ends, so N equal
    goroutines run in ceil(N/P) rounds."""
    kind = workload["kind"]
    if kind == "independent":
        return math.ceil(workload["n"] / procs) * workload["work"]
    if kind == "sleep":
        return workload["sleep"] + math.ceil(workload["n"] / procs) * workload["work"]
    return predict(workload, procs)


# --------------------------------------------------------------------------
# Running the workloads

def _programs(rt):
    """The four workloads as programs written against a runtime module
    (reference_runtime, or gokernel: the same API)."""

    def spawn_and_wait(n, body):
        wg = rt.WaitGroup()
        for i in range(n):
            wg.add(1)

            def one(i=i):
                try:
                    body(i)
                finally:
                    wg.done()
            rt.go(one)
        wg.wait()

    def independent(w):
        spawn_and_wait(w["n"], lambda i: rt.work(w["work"]))

    def mutex(w):
        mu = rt.Mutex()

        def body(i):
            with mu:
                rt.work(w["work"])
        spawn_and_wait(w["n"], body)

    def pipeline(w):
        c = rt.chan()
        done = rt.chan()

        def producer():
            for i in range(w["items"]):
                rt.work(w["produce"])
                c.send(i)
            c.close()

        def consumer():
            for _ in c:
                rt.work(w["consume"])
            done.send(None)
        rt.go(producer)
        rt.go(consumer)
        done.recv()

    def sleep(w):
        def body(i):
            rt.sleep(w["sleep"])
            rt.work(w["work"])
        spawn_and_wait(w["n"], body)

    return {"independent": independent, "mutex": mutex, "pipeline": pipeline, "sleep": sleep}


def measure(workload: dict, procs: int, *, runtime=None, seed: int = 1,
            preempt: str = "async", run_kwargs: dict | None = None) -> float:
    """Run the workload on `procs` Ps under the virtual clock and return the
    virtual seconds main took.  `runtime` is the module to run on (default
    reference_runtime; the notebooks pass gokernel)."""
    if runtime is None:
        import reference_runtime as runtime
    prog = _programs(runtime)[workload["kind"]]

    def main():
        t0 = runtime.now()
        prog(workload)
        return runtime.now() - t0

    kw = dict(run_kwargs or {})
    return runtime.run(main, gomaxprocs=procs, clock="virtual", seed=seed, preempt=preempt, **kw)


def speedup(workload: dict, procs_list, **kw) -> list[float]:
    """Measured speed-up T(1)/T(P) for each P of `procs_list`."""
    t1 = measure(workload, 1, **kw)
    return [t1 / measure(workload, p, **kw) for p in procs_list]
