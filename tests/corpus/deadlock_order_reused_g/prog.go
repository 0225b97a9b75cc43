// With one P, a goroutine that has exited leaves its g on the P's free list
// and the next go statement reuses it, with a new goroutine id.  Go's
// deadlock report walks the runtime's allgs list, so a newer goroutine on a
// reused g is listed before an older goroutine that had to get a fresh g.
package main

import (
	"fmt"
	"runtime"
	"time"
)

func main() {
	runtime.GOMAXPROCS(1)
	release := make(chan bool)
	exited := make(chan bool)
	go func() { // A: gets a fresh g, exits when released
		<-release
		exited <- true
	}()
	sendc := make(chan int)
	go func() { sendc <- 1 }() // B: a fresh g; blocks on a send forever
	time.Sleep(10 * time.Millisecond)
	release <- true
	<-exited
	time.Sleep(10 * time.Millisecond) // A is dead; its g is free

	recvc := make(chan int)
	go func() { <-recvc }() // C: reuses A's g; blocks on a receive forever
	time.Sleep(10 * time.Millisecond)
	fmt.Println("main blocks")
	select {}
}
