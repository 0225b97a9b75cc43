// All goroutines asleep: main blocked on a send nobody will receive, after a
// helper goroutine that did receive once has finished.
package main

import "fmt"

func main() {
	ch := make(chan int)
	done := make(chan bool)
	go func() {
		fmt.Println("helper got", <-ch)
		done <- true
	}()
	ch <- 1
	<-done
	fmt.Println("sending again with no receiver")
	ch <- 2
	fmt.Println("not reached")
}
