"""Port of prog.go: an empty select blocks forever."""
from reference_runtime import chan, go, select


def main():
    done = chan()

    def g():
        print("goroutine ran and exits")
        done.send(True)

    go(g)
    done.recv()
    print("select {}")
    select()
