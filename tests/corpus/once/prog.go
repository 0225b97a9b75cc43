// sync.Once: the function runs exactly once, and every caller of Do
// returns only after it has finished; a later Do with another function
// does nothing.
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	var once sync.Once
	var wg sync.WaitGroup
	var mu sync.Mutex
	inits, sawReady := 0, 0
	ready := false
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			once.Do(func() {
				inits++
				fmt.Println("initialising")
				time.Sleep(20 * time.Millisecond)
				ready = true
			})
			mu.Lock()
			if ready {
				sawReady++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Println("inits:", inits, "callers that saw it ready:", sawReady)
	once.Do(func() { fmt.Println("second function ran") })
	fmt.Println("second Do did nothing")
}
