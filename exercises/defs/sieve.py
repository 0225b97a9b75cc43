"""Exercise 09.1: the concurrent prime sieve (a goroutine per prime, chained
by unbuffered channels), the classic Go program, on your runtime."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public

FIRST_PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71,
                73, 79, 83, 89, 97]


def _run(main, procs=1, seed=1):
    """Run a test program; a deadlock becomes a failed check naming what each
    goroutine waits for (Go's report, without the stack frames)."""
    from reference_runtime import Deadlock, run
    try:
        return run(main, gomaxprocs=procs, clock="virtual", seed=seed, timeout=4.0)
    except Deadlock as d:
        waits = ", ".join(f"goroutine {goid} [{reason}]" for goid, reason in d.goroutines)
        raise AssertionError(f"the program deadlocked: fatal error: {d.msg} "
                             f"({waits})") from None


def _primes_and_goroutines(sol, n, procs=1):
    from reference_runtime import num_goroutine

    def main():
        ps = sol.primes(n)
        return ps, num_goroutine()
    return _run(main, procs)


@public
def test_generate_sends_2_3_4_and_so_on(sol):
    """generate(ch) in a goroutine: the first six values received are 2 to 7."""
    from reference_runtime import chan, go

    def main():
        ch = chan()
        go(sol.generate, ch)
        return [ch.recv() for _ in range(6)]
    expect(_run(main), [2, 3, 4, 5, 6, 7], "values received from generate")


@public
def test_filter_drops_the_multiples_of_its_prime(sol):
    """filter(inp, out, 3) fed 2..12 passes on 2, 4, 5, 7, 8, 10, 11, in order."""
    from reference_runtime import chan, go

    def main():
        inp, out = chan(), chan()
        go(sol.filter, inp, out, 3)

        def feed():
            for i in range(2, 13):
                inp.send(i)
        go(feed)
        return [out.recv() for _ in range(7)]
    expect(_run(main), [2, 4, 5, 7, 8, 10, 11], "values filter passed on")


@public
def test_the_first_25_primes(sol):
    """primes(25) on one P: 2, 3, 5, ... 97, as the Go tour's sieve prints them."""
    ps, _ = _primes_and_goroutines(sol, 25)
    expect(ps, FIRST_PRIMES, "primes(25)")


@public
def test_a_goroutine_per_prime(sol):
    """After primes(25), at least 26 goroutines exist: main and a filter per prime.

    (And the generator: every one of them parked on a channel.)"""
    _, ng = _primes_and_goroutines(sol, 25)
    if ng < 26:
        expect(ng, "at least 26 (main, the generator, 25 filters)",
               "num_goroutine() after primes(25)")
    expect(ng >= 26, True, "at least 26 goroutines after primes(25)")


@hidden
def test_the_100th_prime_on_four_ps(sol):
    """primes(100) on 4 Ps: the 100th prime is 541, and the list is the same as on one P."""
    ps, ng = _primes_and_goroutines(sol, 100, procs=4)
    expect(ps[-1], 541, "primes(100)[-1]")
    expect(ps[:25], FIRST_PRIMES, "the first 25 of primes(100)")
    expect(ng >= 101, True, "at least 101 goroutines after primes(100)")


@hidden
def test_one_prime_and_none(sol):
    """primes(1) is [2]; primes(0) is []."""
    expect(_primes_and_goroutines(sol, 1)[0], [2], "primes(1)")
    expect(_primes_and_goroutines(sol, 0)[0], [], "primes(0)")


@hidden
def test_filters_chain_on_unbuffered_channels(sol):
    """primes(30) on 2 Ps with several seeds gives the same 30 primes each time."""
    want = _primes_and_goroutines(sol, 30)[0]
    expect(want[:25], FIRST_PRIMES, "the first 25 of primes(30) on one P")
    for seed in (2, 3, 4):
        got = _run(lambda: sol.primes(30), procs=2, seed=seed)
        expect(got, want, f"primes(30) with seed {seed}")


STARTER = '''\
from gokernel import chan, go

def generate(ch):
    """Send 2, 3, 4, ... on ch, forever."""
    ...

def filter(inp, out, prime):
    """Receive numbers from inp forever; send on out those that prime does not divide."""
    ...

def primes(n):
    """The first n primes. Start a goroutine running generate on a new channel; then n
    times: receive a prime from the current channel, make a new channel, start a goroutine
    filter(current, new, prime), and make the new channel the current one."""
    ...
'''


def _reference():
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

    def primes(n):
        ch = chan()
        go(generate, ch)
        out = []
        for _ in range(n):
            prime = ch.recv()
            out.append(prime)
            ch1 = chan()
            go(filter, ch, ch1, prime)
            ch = ch1
        return out
    return {"generate": generate, "filter": filter, "primes": primes}


EXERCISE = Exercise(
    id="sieve",
    notebook="09",
    number=1,
    title="The concurrent prime sieve",
    points=5,
    provides=["generate", "filter", "primes"],
    statement=(
        "Write the concurrent prime sieve, the Go program shown above, with gokernel's go "
        "and chan: generate(ch) sends 2, 3, 4, ... forever; filter(inp, out, prime) passes "
        "on the numbers that prime does not divide; primes(n) returns the first n primes, "
        "starting a filter goroutine for each prime it finds, chained after the previous "
        "one by a new unbuffered channel. The tests run your functions inside a program on "
        "the reference runtime (virtual clock; one P, then two and four) and check the "
        "values, and that a goroutine was started for each prime."),
    starter=STARTER,
    hints=[
        "generate: i = 2, then loop forever: ch.send(i); i += 1.",
        "filter: loop forever: i = inp.recv(); if i % prime: out.send(i).",
        "primes: ch = chan(); go(generate, ch); then for each of the n primes: "
        "prime = ch.recv(); keep it; ch1 = chan(); go(filter, ch, ch1, prime); ch = ch1.",
        "primes returns while the generator and the filters are still parked on their "
        "channels: that is expected (Go abandons them too when main returns).",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="model",
)
