// When main returns the program ends: goroutines still sleeping or blocked
// are abandoned, print nothing, and their deferred calls do not run.
package main

import (
	"fmt"
	"time"
)

func main() {
	for i := 1; i <= 3; i++ {
		go func(i int) {
			defer fmt.Println("deferred in abandoned goroutine", i)
			time.Sleep(time.Duration(i) * 200 * time.Millisecond)
			fmt.Println("late goroutine", i)
		}(i)
	}
	block := make(chan int)
	go func() {
		defer fmt.Println("deferred in blocked goroutine")
		<-block
	}()
	time.Sleep(10 * time.Millisecond)
	fmt.Println("main returns")
}
