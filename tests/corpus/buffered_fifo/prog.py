"""Port of prog.go: a buffered channel is a FIFO queue."""
from reference_runtime import chan, default, go, select, sleep


def main():
    ch = chan(4)
    print("len", len(ch), "cap", ch.cap)
    for i in range(1, 5):
        ch.send(i * i)
    print("len", len(ch), "cap", ch.cap)
    i, _ = select((ch.send, 99), default)
    print("sent 99" if i == 0 else "full")
    a = ch.recv()
    b = ch.recv()
    print(a, b)
    ch.send(100)
    while len(ch) > 0:
        print(ch.recv())

    big = chan(3)

    def producer():
        for i in range(10):
            big.send(i)
        big.close()

    go(producer)
    sleep(0.020)                         # the producer fills the buffer and parks
    print("buffered before consuming:", len(big))
    values = [v for v in big]
    print("[" + " ".join(str(v) for v in values) + "]")
