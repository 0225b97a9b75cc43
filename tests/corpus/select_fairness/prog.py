"""Port of prog.go: select chooses uniformly among ready cases (wide bounds)."""
from reference_runtime import chan, select


def within(n, total, lo, hi):
    return "true" if total * lo <= n * 100 <= total * hi else "false"


def main():
    N = 10000
    a = chan()
    a.close()
    b = chan()
    b.close()
    counts = [0, 0]
    for _ in range(N):
        k, _ = select(a.recv, b.recv)
        counts[k] += 1
    print("closed a 40-60%:", within(counts[0], N, 40, 60),
          "closed b 40-60%:", within(counts[1], N, 40, 60))

    chans = [chan(1), chan(1), chan(1)]
    for c in chans:
        c.send(1)
    cnt = [0, 0, 0]
    M = 9000
    x, y, z = chans
    for _ in range(M):
        k, v = select(x.recv, y.recv, z.recv)
        cnt[k] += 1
        chans[k].send(v)
    for i, c in enumerate(cnt):
        print("buffered case", i, "25-42%:", within(c, M, 25, 42))

    s1 = chan(1)
    s2 = chan(1)
    n = [0, 0]
    for _ in range(N):
        k, _ = select((s1.send, 1), (s2.send, 2))
        n[k] += 1
        (s1, s2)[k].recv()
    print("send 1 40-60%:", within(n[0], N, 40, 60), "send 2 40-60%:", within(n[1], N, 40, 60))
