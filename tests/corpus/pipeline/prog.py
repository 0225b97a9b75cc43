"""Port of prog.go: pipeline stages, then fan-out and fan-in."""
from reference_runtime import WaitGroup, chan, go


def gen(*nums):
    out = chan()

    def run():
        for n in nums:
            out.send(n)
        out.close()

    go(run)
    return out


def sq(inp):
    out = chan()

    def run():
        for n in inp:
            out.send(n * n)
        out.close()

    go(run)
    return out


def odd(inp):
    out = chan()

    def run():
        for n in inp:
            if n % 2 == 1:
                out.send(n)
        out.close()

    go(run)
    return out


def merge(*cs):
    wg = WaitGroup()
    out = chan(10)
    wg.add(len(cs))

    def forward(c):
        for n in c:
            out.send(n)
        wg.done()

    for c in cs:
        go(forward, c)

    def closer():
        wg.wait()
        out.close()

    go(closer)
    return out


def main():
    for v in odd(sq(gen(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))):
        print(v)
    for v in sq(sq(gen(1, 2, 3))):
        print(v)

    inp = gen(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
    values = sorted(merge(sq(inp), sq(inp), sq(inp)))
    print("[" + " ".join(map(str, values)) + "]")
