// A Mutex makes a read-yield-write increment atomic: 50 goroutines x 200
// increments, each yielding inside the critical section, count to 10000.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

func main() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	counter := 0
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				mu.Lock()
				c := counter
				runtime.Gosched()
				counter = c + 1
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Println("counter", counter)
}
