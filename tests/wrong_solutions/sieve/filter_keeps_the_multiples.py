"""filter passes on the multiples of its prime, breaking 'filter passes on the numbers that prime does not divide'."""
from gokernel import chan, go

def generate(ch):
    i = 2
    while True:
        ch.send(i)
        i += 1

def filter(inp, out, prime):
    while True:
        i = inp.recv()
        if i % prime == 0:
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
