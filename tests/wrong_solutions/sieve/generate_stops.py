"""generate sends only up to 100 and returns, breaking 'generate sends forever'."""
from gokernel import chan, go

def generate(ch):
    for i in range(2, 101):
        ch.send(i)

def filter(inp, out, prime):
    while True:
        i = inp.recv()
        if i % prime != 0:
            out.send(i)

def primes(n):
    ch = chan()
    go(generate, ch)
    found = []
    for _ in range(n):
        prime = ch.recv()
        found.append(prime)
        ch1 = chan()
        go(filter, ch, ch1, prime)
        ch = ch1
    return found
