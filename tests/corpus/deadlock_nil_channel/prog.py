"""Port of prog.go: send to and receive from the nil channel block forever."""
from reference_runtime import go, nilchan, sleep


def main():
    def g():
        c = nilchan
        c.send(1)

    go(g)
    sleep(0.010)                         # the goroutine parks on its send
    r = nilchan
    print("receiving from a nil channel")
    r.recv()
