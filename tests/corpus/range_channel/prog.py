"""Port of prog.go: for range over a channel stops when closed and drained."""
from reference_runtime import chan, go


def gen(n):
    ch = chan()

    def producer():
        for i in range(n):
            ch.send(i)
        ch.close()

    go(producer)
    return ch


def main():
    total, count = 0, 0
    for v in gen(100):
        total += v
        count += 1
    print("count", count, "sum", total)

    b = chan(3)
    b.send("x")
    b.send("y")
    b.send("z")
    b.close()
    for s in b:
        print(s)

    e = chan()
    e.close()
    n = 0
    for _ in e:
        n += 1
    print("iterations over a closed empty channel:", n)
