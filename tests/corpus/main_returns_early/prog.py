"""Port of prog.go: when main returns, other goroutines are abandoned."""
from reference_runtime import chan, go, sleep


def main():
    for i in range(1, 4):
        def late(i=i):
            try:
                sleep(i * 0.200)
                print("late goroutine", i)
            finally:
                print("deferred in abandoned goroutine", i)
        go(late)
    block = chan()

    def blocked():
        try:
            block.recv()
        finally:
            print("deferred in blocked goroutine")

    go(blocked)
    sleep(0.010)
    print("main returns")
