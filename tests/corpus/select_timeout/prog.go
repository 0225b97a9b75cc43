// Timeouts: select with time.After; a stopped Timer never fires.
package main

import (
	"fmt"
	"time"
)

func main() {
	slow := make(chan string)
	go func() {
		time.Sleep(200 * time.Millisecond)
		slow <- "slow result"
	}()
	select {
	case v := <-slow:
		fmt.Println("got", v)
	case <-time.After(50 * time.Millisecond):
		fmt.Println("timed out after 50ms")
	}
	select {
	case v := <-slow:
		fmt.Println("got", v)
	case <-time.After(5 * time.Second):
		fmt.Println("timed out after 5s")
	}

	fast := make(chan int, 1)
	fast <- 42
	select {
	case v := <-fast:
		fmt.Println("a ready value beats a pending timeout:", v)
	case <-time.After(time.Second):
		fmt.Println("timeout")
	}

	t := time.NewTimer(30 * time.Millisecond)
	fmt.Println("stop before firing:", t.Stop())
	select {
	case <-t.C:
		fmt.Println("stopped timer fired")
	case <-time.After(60 * time.Millisecond):
		fmt.Println("stopped timer never fired")
	}

	t2 := time.NewTimer(10 * time.Millisecond)
	<-t2.C
	fmt.Println("stop after firing:", t2.Stop())
}
