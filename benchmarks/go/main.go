// The benchmark workloads in Go, for comparison with the Python peers.
//
//	gobench <workload> <size>
//
// prints one JSON line in the same units as benchmarks/worker.py.  Runs with
// GOMAXPROCS=1 (as the reference runtime's runs use one P) unless
// $GOBENCH_PROCS says otherwise; with GOBENCH_CLOCK=cpu times are CPU time.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const w6MinYields = 200000

var netMsg = []byte(strings.Repeat("x", 32))

var cpuClock = os.Getenv("GOBENCH_CLOCK") == "cpu"
var wallStart = time.Now()

// clock: seconds, of wall time, or with GOBENCH_CLOCK=cpu of the process's
// CPU time (user + system, all threads), as benchmarks/peers/_common.py.
func clock() float64 {
	if cpuClock {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	}
	return time.Since(wallStart).Seconds()
}

func rss() float64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.Atoi(f[1])
	return float64(pages * os.Getpagesize())
}

func settle() float64 {
	runtime.GC()
	return rss()
}

// W1: spawn n goroutines that only signal a WaitGroup; µs per goroutine.
func w1(n int) map[string]any {
	var wg sync.WaitGroup
	wg.Add(n)
	t0 := clock()
	for i := 0; i < n; i++ {
		go wg.Done()
	}
	wg.Wait()
	return map[string]any{"value": (clock() - t0) / float64(n) * 1e6}
}

// W2: ping-pong over two unbuffered channels; ns per round trip.
func w2(n int) map[string]any {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for {
			pong <- <-ping
		}
	}()
	t0 := clock()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	return map[string]any{"value": (clock() - t0) * 1e9 / float64(n)}
}

// W3: n goroutines parked on their own channels; RSS bytes per goroutine.
func w3(n int) map[string]any {
	before := settle()
	var wg sync.WaitGroup
	wg.Add(n)
	t0 := clock()
	chans := make([]chan int, n) // keep them reachable, as the Python peers do
	for i := 0; i < n; i++ {
		c := make(chan int)
		chans[i] = c
		go func() {
			wg.Done()
			<-c
		}()
	}
	wg.Wait()
	runtime.Gosched()
	dt := (clock() - t0)
	after := settle()
	runtime.KeepAlive(chans)
	return map[string]any{"value": (after - before) / float64(n), "spawn_park_s": dt}
}

// W4: the concurrent prime sieve to the n-th prime; seconds.
func w4(n int) map[string]any {
	t0 := clock()
	ch := make(chan int)
	go func(ch chan<- int) {
		for i := 2; ; i++ {
			ch <- i
		}
	}(ch)
	prime := 0
	for i := 0; i < n; i++ {
		prime = <-ch
		ch1 := make(chan int)
		go func(in <-chan int, out chan<- int, p int) {
			for {
				i := <-in
				if i%p != 0 {
					out <- i
				}
			}
		}(ch, ch1, prime)
		ch = ch1
	}
	return map[string]any{"value": (clock() - t0), "last_prime": prime}
}

// W5: producer -> chan 64 -> 8 workers -> chan 64 -> collector; ms.
func w5(n int) map[string]any {
	t0 := clock()
	jobs, results := make(chan int, 64), make(chan int, 64)
	go func() {
		for i := 0; i < n; i++ {
			jobs <- i
		}
		close(jobs)
	}()
	var wg sync.WaitGroup
	wg.Add(8)
	for w := 0; w < 8; w++ {
		go func() {
			for j := range jobs {
				results <- j * 2
			}
			wg.Done()
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	total := 0
	for v := range results {
		total += v
	}
	if total != n*(n-1) {
		panic("bad total")
	}
	return map[string]any{"value": (clock() - t0) * 1e3}
}

// W6: k goroutines each looping on runtime.Gosched(); ns per yield.
func w6(k int) map[string]any {
	rounds := (w6MinYields + k - 1) / k
	if rounds < 2 {
		rounds = 2
	}
	var started, yields int64
	var stop int32
	gate := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(k)
	for i := 0; i < k; i++ {
		go func() {
			<-gate
			atomic.AddInt64(&started, 1)
			for atomic.LoadInt32(&stop) == 0 {
				runtime.Gosched()
				atomic.AddInt64(&yields, 1)
			}
			wg.Done()
		}()
	}
	close(gate)
	for atomic.LoadInt64(&started) < int64(k) {
		runtime.Gosched()
	}
	t0, c0 := clock(), atomic.LoadInt64(&yields)
	want := c0 + int64(k*rounds)
	for atomic.LoadInt64(&yields) < want {
		runtime.Gosched()
		atomic.AddInt64(&yields, 1)
	}
	dt, c1 := clock()-t0, atomic.LoadInt64(&yields)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	return map[string]any{"value": dt * 1e9 / float64(c1-c0), "runnable": k}
}

// NET: echo server over loopback, one goroutine per connection on each side.
func netEcho(conns int) map[string]any {
	rounds := 20000 / conns
	if rounds < 5 {
		rounds = 5
	}
	size := len(netMsg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	var active, held int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				atomic.AddInt64(&active, 1)
				defer func() { atomic.AddInt64(&active, -1); c.Close() }()
				buf := make([]byte, size)
				for {
					if _, err := io.ReadFull(c, buf); err != nil {
						return
					}
					if _, err := c.Write(buf); err != nil {
						return
					}
				}
			}(c)
		}
	}()
	var connected, done sync.WaitGroup
	connected.Add(conns)
	done.Add(conns)
	start := make(chan struct{})
	for i := 0; i < conns; i++ {
		go func() {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				panic(err)
			}
			buf := make([]byte, size)
			c.Write(netMsg)
			io.ReadFull(c, buf)
			connected.Done()
			<-start
			for r := 0; r < rounds; r++ {
				c.Write(netMsg)
				if _, err := io.ReadFull(c, buf); err != nil {
					panic(err)
				}
			}
			c.Close()
			done.Done()
		}()
	}
	connected.Wait()
	held = atomic.LoadInt64(&active)
	t0 := clock()
	close(start)
	done.Wait()
	dt := (clock() - t0)
	ln.Close()
	return map[string]any{"value": float64(conns*rounds) / dt, "held": held, "rounds": rounds}
}

// P-LAT-async: one goroutine in a tight loop, another measuring how late
// its 1 ms sleeps wake (Go 1.14+ asynchronous preemption); ms.
func preemptLatency() map[string]any {
	go func() {
		i := 0
		for {
			i++
		}
	}()
	late := make([]float64, 0, 20)
	done := make(chan struct{})
	go func() {
		for s := 0; s < 20; s++ {
			t := time.Now()
			time.Sleep(time.Millisecond)
			late = append(late, time.Since(t).Seconds()-0.001)
		}
		close(done)
	}()
	<-done
	sorted := append([]float64(nil), late...)
	sort.Float64s(sorted)
	return map[string]any{"value": sorted[len(sorted)/2] * 1e3, "max_ms": sorted[len(sorted)-1] * 1e3,
		"samples": len(late), "starved": false}
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gobench <workload> <size>")
		os.Exit(2)
	}
	procs := 1
	if s := os.Getenv("GOBENCH_PROCS"); s != "" {
		procs, _ = strconv.Atoi(s)
	}
	runtime.GOMAXPROCS(procs)
	workload := os.Args[1]
	size, _ := strconv.Atoi(os.Args[2])
	var out map[string]any
	switch workload {
	case "W1":
		out = w1(size)
	case "W2", "P-W2-async":
		out = w2(size)
	case "W3", "W3-1M":
		out = w3(size)
	case "W4", "P-W4-async":
		out = w4(size)
	case "W5":
		out = w5(size)
	case "W6-k10", "W6-k100k":
		out = w6(size)
	case "NET":
		out = netEcho(size)
	case "P-LAT-async", "P-LATCALL-async":
		out = preemptLatency()
	default:
		fmt.Fprintf(os.Stderr, "go peer does not implement %s\n", workload)
		os.Exit(3)
	}
	out["peer"] = "go"
	out["workload"] = workload
	out["size"] = size
	out["gomaxprocs"] = procs
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	os.Exit(0)
}
