"""A pipeline on several Ps is paced by the producer alone: the slower stage sets the pace."""
def predict(workload, procs):
    kind = workload["kind"]
    if kind == "independent":
        n, w = workload["n"], workload["work"]
        # the Ps share n*w seconds of CPU in 10 ms slices; one goroutine uses one P at most
        return max(w, n * w / procs)
    if kind == "mutex":
        n, w = workload["n"], workload["work"]
        # one holder at a time, the others parked: no P count helps
        return n * w
    if kind == "pipeline":
        k, a, b = workload["items"], workload["produce"], workload["consume"]
        if procs == 1:
            return k * (a + b)                  # the stages take turns on the one P
        return k * a + b
    if kind == "sleep":
        n, s, w = workload["n"], workload["sleep"], workload["work"]
        # sleeping holds no P: the sleeps overlap; then the work is shared
        return s + (max(w, n * w / procs) if w > 0 else 0.0)
    raise ValueError(f"unknown workload {kind!r}")
