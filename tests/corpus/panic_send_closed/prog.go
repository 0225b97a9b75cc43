// A send on a closed channel panics; deferred calls run before the report.
package main

import "fmt"

func main() {
	defer fmt.Println("deferred call runs")
	ch := make(chan int, 1)
	close(ch)
	fmt.Println("sending on a closed channel")
	ch <- 1
	fmt.Println("not reached")
}
