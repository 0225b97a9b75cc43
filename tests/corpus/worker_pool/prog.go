// A worker pool: jobs on a buffered channel, a fixed number of workers,
// results collected on another channel; the output is sorted so it does
// not depend on which worker took which job.
package main

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

type result struct {
	job, worker, value int
}

func worker(id int, jobs <-chan int, results chan<- result, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		time.Sleep(time.Duration(j%3) * time.Millisecond)
		results <- result{j, id, j * j}
	}
}

func main() {
	jobs := make(chan int, 100)
	results := make(chan result, 100)
	var wg sync.WaitGroup
	for w := 1; w <= 4; w++ {
		wg.Add(1)
		go worker(w, jobs, results, &wg)
	}
	for j := 1; j <= 20; j++ {
		jobs <- j
	}
	close(jobs)
	go func() {
		wg.Wait()
		close(results)
	}()
	var values []int
	perWorker := map[int]int{}
	for r := range results {
		values = append(values, r.value)
		perWorker[r.worker]++
	}
	sort.Ints(values)
	fmt.Println(values)
	total := 0
	for w := 1; w <= 4; w++ {
		total += perWorker[w]
	}
	fmt.Println("jobs done:", total, "by at most 4 workers:", len(perWorker) <= 4)
}
