"""Port of prog.go: WaitGroup waits for every Done, and can be reused."""
from reference_runtime import Mutex, WaitGroup, go, sleep


def main():
    wg = WaitGroup()
    results = [0] * 10
    for i in range(10):
        wg.add(1)

        def worker(i=i):
            try:
                sleep((10 - i) / 1000)
                results[i] = i * i
            finally:
                wg.done()
        go(worker)
    wg.wait()
    print("[" + " ".join(map(str, results)) + "]")

    zero = WaitGroup()
    zero.wait()
    print("wait on a zero counter returned")

    total = 0
    mu = Mutex()

    def inc():
        nonlocal total
        try:
            mu.lock()
            total += 1
            mu.unlock()
        finally:
            wg.done()

    for rnd in range(1, 4):
        wg.add(rnd)
        for _ in range(rnd):
            go(inc)
        wg.wait()
        print("round", rnd, "total", total)
