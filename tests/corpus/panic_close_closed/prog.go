// Closing a channel twice panics.
package main

import "fmt"

func main() {
	defer fmt.Println("deferred call runs")
	ch := make(chan int)
	close(ch)
	fmt.Println("closed once")
	close(ch)
	fmt.Println("not reached")
}
