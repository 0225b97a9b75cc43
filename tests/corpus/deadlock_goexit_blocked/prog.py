"""Port of prog.go: main calls goexit() while another goroutine blocks forever."""
from reference_runtime import chan, go, goexit, sleep


def main():
    c = chan()

    def g():
        sleep(0.020)
        print("goroutine blocks on a receive")
        c.recv()

    go(g)
    goexit()
