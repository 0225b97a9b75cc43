"""Port of prog.go: a select case on the nil channel is never chosen."""
from reference_runtime import after, chan, default, go, nilchan, select


def main():
    nilc = nilchan
    ready = chan(1)
    counts = [0, 0, 0]
    for i in range(1000):
        ready.send(i)
        k, _ = select(nilc.recv, (nilc.send, 1), ready.recv)
        counts[k] += 1
    print("nil recv:", counts[0], "nil send:", counts[1], "ready:", counts[2])

    k, _ = select(nilc.recv, (nilc.send, 1), default)
    print(["nil recv chosen", "nil send chosen", "only nil cases: default"][k])

    a = chan()
    b = chan()

    def send_a(a=a):
        for i in range(3):
            a.send(i)
        a.close()

    def send_b(b=b):
        for i in range(10, 13):
            b.send(i)
        b.close()

    go(send_a)
    go(send_b)
    total, n = 0, 0
    while a is not nilc or b is not nilc:
        k, (v, ok) = select(a.recv_ok, b.recv_ok)
        if not ok:
            if k == 0:
                a = nilc
            else:
                b = nilc
            continue
        total += v
        n += 1
    print("merged", n, "values, sum", total)

    k, _ = select(nilc.recv, after(0.020).recv)
    print("nil chosen" if k == 0 else "the timer beat the nil channel")
