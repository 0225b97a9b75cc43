"""Port of prog.go: a Mutex makes read-yield-write increments atomic."""
from reference_runtime import Mutex, WaitGroup, go, gosched


def main():
    mu = Mutex()
    wg = WaitGroup()
    counter = 0

    def worker():
        nonlocal counter
        try:
            for _ in range(200):
                mu.lock()
                c = counter
                gosched()
                counter = c + 1
                mu.unlock()
        finally:
            wg.done()

    for _ in range(50):
        wg.add(1)
        go(worker)
    wg.wait()
    print("counter", counter)
