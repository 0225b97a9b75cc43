"""Port of prog.go: a worker pool; output sorted so it does not depend on
which worker took which job."""
from reference_runtime import WaitGroup, chan, go, sleep


def worker(id, jobs, results, wg):
    try:
        for j in jobs:
            sleep((j % 3) / 1000)
            results.send((j, id, j * j))
    finally:
        wg.done()


def main():
    jobs = chan(100)
    results = chan(100)
    wg = WaitGroup()
    for w in range(1, 5):
        wg.add(1)
        go(worker, w, jobs, results, wg)
    for j in range(1, 21):
        jobs.send(j)
    jobs.close()

    def closer():
        wg.wait()
        results.close()

    go(closer)
    values = []
    per_worker = {}
    for _job, w, value in results:
        values.append(value)
        per_worker[w] = per_worker.get(w, 0) + 1
    values.sort()
    print("[" + " ".join(map(str, values)) + "]")
    total = sum(per_worker.get(w, 0) for w in range(1, 5))
    print("jobs done:", total, "by at most 4 workers:", "true" if len(per_worker) <= 4 else "false")
