// WaitGroup.Wait with a counter that never reaches zero: a deadlock.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	wg.Add(3)
	finished := make(chan int)
	for i := 0; i < 2; i++ {
		go func(i int) {
			defer wg.Done()
			finished <- i
		}(i)
	}
	<-finished
	<-finished
	fmt.Println("2 of the 3 Add-ed workers called Done")
	wg.Wait()
	fmt.Println("not reached")
}
