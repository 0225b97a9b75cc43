// A panic in a goroutine other than main ends the whole program: the
// panicking goroutine's deferred calls run, main's do not.
package main

import "fmt"

func worker(id int) {
	defer fmt.Println("worker's deferred call runs")
	fmt.Println("worker", id, "starting")
	panic(fmt.Sprintf("boom from worker %d", id))
}

func main() {
	defer fmt.Println("main's deferred call must not run")
	done := make(chan bool)
	go worker(3)
	<-done
	fmt.Println("not reached")
}
