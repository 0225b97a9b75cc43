// A fatal error (here a deadlock) ends the program at once: no deferred
// call runs, neither main's nor a blocked goroutine's.
package main

import (
	"fmt"
	"time"
)

func main() {
	defer fmt.Println("main's deferred call must not run")
	c := make(chan int)
	go func() {
		defer fmt.Println("goroutine's deferred call must not run")
		<-c
	}()
	time.Sleep(10 * time.Millisecond) // the goroutine parks on its receive
	fmt.Println("main blocks on a send nobody receives")
	d := make(chan int)
	d <- 1
}
