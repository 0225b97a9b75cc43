"""The Go front end against hand-written ports: the same runtime, the same
algorithm, once written in Go and translated (reference_runtime.golang),
once written by hand in Python (benchmarks/peers/reference_peer.py).

    python -m benchmarks.gofrontend              # W2 ping-pong and W4 sieve, 5 reps
    python -m benchmarks.gofrontend --reps 3 --w2 20000 --w4 300

Both run in this process on ``reference_runtime`` with ``gomaxprocs=1``,
alternating (port, Go, port, Go ...) so that a noisy moment lands on both;
each side times its own loop only (the port with its clock, the Go program
with time.Now and time.Since into a package variable), translation and
runtime start-up excluded.  Prints the medians and the ratio Go/port.
"""
from __future__ import annotations

import argparse
import statistics
import sys

from reference_runtime import golang, run

from .peers import reference_peer

PINGPONG = """package main

import "time"

var N = 20000
var Elapsed time.Duration

func partner(ping, pong chan int) {
	for {
		pong <- <-ping
	}
}

func main() {
	ping, pong := make(chan int), make(chan int)
	go partner(ping, pong)
	t0 := time.Now()
	for i := 0; i < N; i++ {
		ping <- i
		<-pong
	}
	Elapsed = time.Since(t0)
}
"""

SIEVE = """package main

import "time"

var N = 300
var Elapsed time.Duration
var Last int

func generate(ch chan<- int) {
	for i := 2; ; i++ {
		ch <- i
	}
}

func filter(in <-chan int, out chan<- int, prime int) {
	for {
		i := <-in
		if i%prime != 0 {
			out <- i
		}
	}
}

func main() {
	t0 := time.Now()
	ch := make(chan int)
	go generate(ch)
	prime := 0
	for i := 0; i < N; i++ {
		prime = <-ch
		ch1 := make(chan int)
		go filter(ch, ch1, prime)
		ch = ch1
	}
	Last = prime
	Elapsed = time.Since(t0)
}
"""


def go_seconds(src: str, n: int) -> float:
    # package variables are initialised when main starts (Go's order), so the
    # size goes into the source
    src = src.replace("var N = 20000", f"var N = {n}").replace("var N = 300", f"var N = {n}")
    mod = golang.load_source(src, "bench.go")
    run(mod.main, gomaxprocs=1)
    if "Last" in vars(mod):
        assert mod.Last == reference_peer.nth_prime(n), (mod.Last, n)
    return int(mod.Elapsed) / 1e9


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.gofrontend")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--w2", type=int, default=20000, help="ping-pong round trips")
    ap.add_argument("--w4", type=int, default=300, help="primes for the sieve")
    args = ap.parse_args(argv)
    rows = []
    for label, port, src, n, per in (
            ("W2 ping-pong (ns per round trip)", lambda n: reference_peer.w2(n)["value"] * n / 1e9,
             PINGPONG, args.w2, lambda s, n: s / n * 1e9),
            ("W4 sieve (s)", lambda n: reference_peer.w4(n)["value"], SIEVE, args.w4,
             lambda s, n: s)):
        ports, gos = [], []
        for _ in range(args.reps):
            ports.append(per(port(n), n))
            gos.append(per(go_seconds(src, n), n))
        mp, mg = statistics.median(ports), statistics.median(gos)
        rows.append((label, n, mp, mg, mg / mp, min(g / p for g, p in zip(gos, ports)),
                     max(g / p for g, p in zip(gos, ports))))
    print("| workload | size | hand-written port | Go through the front end | ratio Go/port "
          "[min-max of pairs] |")
    print("| --- | --- | --- | --- | --- |")
    for label, n, mp, mg, r, lo, hi in rows:
        print(f"| {label} | {n} | {mp:.4g} | {mg:.4g} | {r:.2f}x [{lo:.2f}-{hi:.2f}] |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
