"""Port of prog.go: parked senders and parked receivers are served FIFO."""
from reference_runtime import WaitGroup, chan, go, sleep


def main():
    ch = chan()
    for name in ["a", "b", "c", "d"]:
        go(ch.send, name)
        sleep(0.010)                     # let it park before the next one
    for _ in range(4):
        print("received", ch.recv())

    inp = chan()
    got = [0] * 4
    wg = WaitGroup()
    for i in range(4):
        wg.add(1)

        def receiver(i=i):
            try:
                got[i] = inp.recv()
            finally:
                wg.done()
        go(receiver)
        sleep(0.010)
    for v in range(1, 5):
        inp.send(v * 100)
    wg.wait()
    for i, v in enumerate(got):
        print("receiver", i, "got", v)
