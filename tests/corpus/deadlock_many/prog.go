// A deadlock report lists every blocked goroutine with its wait reason:
// main first, then the others in the order they were created.
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	recvc := make(chan int)
	sendc := make(chan int)
	selA := make(chan int)
	selB := make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	var mu sync.Mutex
	mu.Lock()
	var nilc chan int

	steps := []func(){
		func() { <-recvc },
		func() { sendc <- 1 },
		func() {
			select {
			case <-selA:
			case selB <- 1:
			}
		},
		func() { wg.Wait() },
		func() { mu.Lock() },
		func() { select {} },
		func() { <-nilc },
	}
	for i, f := range steps {
		go f()
		time.Sleep(10 * time.Millisecond) // each parks before the next starts
		fmt.Println("goroutine", i, "parked")
	}
	fmt.Println("main blocks too")
	<-recvc
}
