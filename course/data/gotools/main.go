// Eight CPU-bound goroutines of about 30 ms of CPU each on two Ps, then 30 ms
// of sleep (notebook 08's schedtrace program), recorded three ways at once:
//   GODEBUG=schedtrace=20,scheddetail=1   the scheduler's state every 20 ms, per P, M and G
//   runtime/trace                         every scheduling event, to the file named by -trace
//   runtime/metrics /sched/latencies      how long goroutines waited runnable before running
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/metrics"
	"runtime/trace"
	"sync"
	"time"
)

var sink uint64

// burn does a fixed amount of arithmetic: about 30 ms of CPU on the course's machine.
func burn() {
	x := uint64(1)
	for i := 0; i < 22_000_000; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	sink += x
}

func main() {
	out := flag.String("trace", "", "write a runtime/trace execution trace to this file")
	wait := flag.Bool("wait", false, "wait for a line on stdin first (a recorder raises sysmon's priority meanwhile)")
	flag.Parse()
	if *wait {
		fmt.Scanln()
	}
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			panic(err)
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			panic(err)
		}
		defer trace.Stop()
	}
	t0 := time.Now()
	burn()
	fmt.Fprintf(os.Stderr, "one burn alone: %d ms\n", time.Since(t0).Milliseconds())
	var wg sync.WaitGroup
	t0 = time.Now()
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			burn()
		}()
	}
	wg.Wait()
	fmt.Fprintf(os.Stderr, "eight burns on two Ps: %d ms\n", time.Since(t0).Milliseconds())
	time.Sleep(30 * time.Millisecond)

	// /sched/latencies:seconds: a histogram of the time goroutines spent runnable
	// before they ran, since the program started
	s := []metrics.Sample{{Name: "/sched/latencies:seconds"}}
	metrics.Read(s)
	h := s[0].Value.Float64Histogram()
	var total uint64
	for _, c := range h.Counts {
		total += c
	}
	fmt.Printf("/sched/latencies:seconds: %d goroutine schedules\n", total)
	var cum uint64
	for i, c := range h.Counts {
		if c == 0 {
			continue
		}
		cum += c
		fmt.Printf("  [%.3g s, %.3g s): %d  (cumulative %.0f%%)\n", h.Buckets[i], h.Buckets[i+1], c,
			100*float64(cum)/float64(total))
	}
}
