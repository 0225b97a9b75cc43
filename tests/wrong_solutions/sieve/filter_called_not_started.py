"""primes calls filter directly instead of starting it in a goroutine, breaking 'each prime starts a new filter goroutine' (main blocks inside filter)."""
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
    found = []
    for _ in range(n):
        prime = ch.recv()
        found.append(prime)
        ch1 = chan()
        filter(ch, ch1, prime)
        ch = ch1
    return found
