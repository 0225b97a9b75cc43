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
    """generate(ch) in a goroutine sends 2, 3, 4, ... and does not stop: the
    first 1,000 values received are 2 to 1001."""
    from reference_runtime import chan, go

    def main():
        ch = chan()
        go(sol.generate, ch)
        return [ch.recv() for _ in range(1000)]
    expect(_run(main), list(range(2, 1002)), "values received from generate")


@public
def test_filter_drops_the_multiples_of_its_prime(sol):
    """filter(inp, out, 3) fed 2..12 passes on 2, 4, 5, 7, 8, 10 and 11, in order: the numbers 3 does not divide."""
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
    """primes(25) on one P returns the first 25 primes, 2, 3, 5, ... 97, as the Go sieve
    prints them; the first 0 primes are none at all, primes(0) == []."""
    ps, _ = _primes_and_goroutines(sol, 25)
    expect(ps, FIRST_PRIMES, "primes(25)")
    expect(_primes_and_goroutines(sol, 0)[0], [], "primes(0)")


@public
def test_a_goroutine_per_prime(sol):
    """After primes(25), at least 26 goroutines exist: main, the generator
    and a filter per prime, every one of them but main parked on a channel."""
    _, ng = _primes_and_goroutines(sol, 25)
    if ng < 26:
        expect(ng, "at least 26 (main, the generator, 25 filters)",
               "num_goroutine() after primes(25)")
    expect(ng >= 26, True, "at least 26 goroutines after primes(25)")


@hidden
def test_the_100th_prime_on_four_ps(sol):
    """primes(100) on 4 Ps ends with the 100th prime, 541, and begins as on one P."""
    ps, ng = _primes_and_goroutines(sol, 100, procs=4)
    expect(ps[-1], 541, "primes(100)[-1]")
    expect(ps[:25], FIRST_PRIMES, "the first 25 of primes(100)")
    expect(ng >= 101, True, "at least 101 goroutines after primes(100)")


@hidden
def test_one_prime_and_none(sol):
    """primes(1) is [2] and primes(0) is []."""
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
    """Pass on from inp to out the numbers that prime does not divide, forever."""
    ...

def primes(n):
    """The first n primes, found by a chain of filter goroutines, one per prime."""
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
        "and chan. The rules: "
        "(1) generate(ch) sends 2, 3, 4, ... on ch, forever (it is only ever stopped by "
        "the program ending); "
        "(2) filter(inp, out, prime) passes on from inp to out, in order and forever, the "
        "numbers that prime does not divide; "
        "(3) primes(n) returns the first n primes, in order (none for n = 0); "
        "(4) it finds them with a goroutine per prime: every number leaving the chain of "
        "filters is a prime (it survived division by every smaller prime), and each prime "
        "found starts a new filter goroutine for itself, reading from the end of the "
        "chain, whose output channel becomes the new end. Each goroutine costs a few "
        "kilobytes and parks on a channel while it waits: Go's point is that a goroutine "
        "per stage is cheap. "
        "The tests run your functions inside programs on the reference runtime (virtual "
        "clock; public on one P, one test per rule; hidden ones on two and four Ps, "
        "several seeds, primes(0), primes(1) and primes(100))."),
    starter=STARTER,
    hints=[
        "Read the Go program above once more, or the sieve in the Go tour and in Go's "
        "source tree (test/chan/sieve1.go): generate and filter are loops that never "
        "end; primes is the main loop that grows the chain.",
        "After a prime p is received, the next number to come out of the chain must have "
        "passed p's filter as well. Which channel does primes read from next, and who "
        "writes to it?",
        "primes returns while the generator and the filters are still parked on their "
        "channels: that is expected (Go abandons them too when main returns). If the "
        "verdict reports a deadlock, read which goroutine waits on what.",
        "In code: generate `i = 2; while True: ch.send(i); i += 1`; filter `while True: "
        "i = inp.recv(); if i % prime != 0: out.send(i)`; primes `ch = chan(); "
        "go(generate, ch)`, then n times `prime = ch.recv()`, keep it, `ch1 = chan(); "
        "go(filter, ch, ch1, prime); ch = ch1`.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="model",
)
