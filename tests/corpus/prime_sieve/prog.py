"""Port of prog.go: the concurrent prime sieve."""
from reference_runtime import chan, go


def generate(ch):
    i = 2
    while True:
        ch.send(i)
        i += 1


def filter(inp, out, prime):
    while True:
        i = inp.recv()
        if i % prime != 0:
            out.send(i)


def main():
    ch = chan()
    go(generate, ch)
    for _ in range(25):
        prime = ch.recv()
        print(prime)
        ch1 = chan()
        go(filter, ch, ch1, prime)
        ch = ch1
