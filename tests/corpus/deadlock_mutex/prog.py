"""Port of prog.go: main and a goroutine both wait for a lock never unlocked."""
from reference_runtime import Mutex, go, sleep


def main():
    mu = Mutex()
    mu.lock()
    print("main holds the lock")

    def g():
        mu.lock()
        print("not reached")

    go(g)
    sleep(0.010)                         # the goroutine parks on the lock
    print("main locks again")
    mu.lock()
    print("not reached")
