// main calls runtime.Goexit: its deferred calls run, the other goroutines
// run to the end, and then the program dies, as nothing is left.
package main

import (
	"fmt"
	"runtime"
	"time"
)

func main() {
	defer fmt.Println("main's deferred call runs")
	for i := 1; i <= 3; i++ {
		go func(i int) {
			time.Sleep(time.Duration(i*20) * time.Millisecond)
			fmt.Println("worker", i, "finished")
		}(i)
	}
	runtime.Goexit()
	fmt.Println("not reached")
}
