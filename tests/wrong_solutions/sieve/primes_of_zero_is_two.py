"""primes starts from a known first prime 2, so primes(0) is [2]: primes(n) returns the first n primes."""
from gokernel import chan, go

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

def primes(n):
    ch = chan()
    go(generate, ch)
    found = [ch.recv()]
    ch1 = chan()
    go(filter, ch, ch1, found[0])
    ch = ch1
    for _ in range(n - 1):
        prime = ch.recv()
        found.append(prime)
        ch1 = chan()
        go(filter, ch, ch1, prime)
        ch = ch1
    return found

