"""Port of prog.go: Once runs its function exactly once, and every caller
of do() returns only after it has finished."""
from reference_runtime import Mutex, Once, WaitGroup, go, sleep


def main():
    once = Once()
    wg = WaitGroup()
    mu = Mutex()
    inits = 0
    saw_ready = 0
    ready = False

    def init():
        nonlocal inits, ready
        inits += 1
        print("initialising")
        sleep(0.020)
        ready = True

    def caller():
        nonlocal saw_ready
        try:
            once.do(init)
            mu.lock()
            if ready:
                saw_ready += 1
            mu.unlock()
        finally:
            wg.done()

    for _ in range(10):
        wg.add(1)
        go(caller)
    wg.wait()
    print("inits:", inits, "callers that saw it ready:", saw_ready)
    once.do(lambda: print("second function ran"))
    print("second Do did nothing")
