// WaitGroup: Wait returns after every Done; Wait on a zero counter returns
// at once; a WaitGroup can be reused after Wait returns.
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	var wg sync.WaitGroup
	results := make([]int, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			time.Sleep(time.Duration(10-i) * time.Millisecond)
			results[i] = i * i
		}(i)
	}
	wg.Wait()
	fmt.Println(results)

	var zero sync.WaitGroup
	zero.Wait()
	fmt.Println("wait on a zero counter returned")

	total := 0
	var mu sync.Mutex
	for round := 1; round <= 3; round++ {
		wg.Add(round)
		for j := 0; j < round; j++ {
			go func() {
				defer wg.Done()
				mu.Lock()
				total++
				mu.Unlock()
			}()
		}
		wg.Wait()
		fmt.Println("round", round, "total", total)
	}
}
