// select with default never blocks: it takes a ready case, else default.
package main

import (
	"fmt"
	"time"
)

func main() {
	ch := make(chan int, 1)
	select {
	case v := <-ch:
		fmt.Println("got", v)
	default:
		fmt.Println("empty: default")
	}
	select {
	case ch <- 1:
		fmt.Println("sent 1")
	default:
		fmt.Println("full: default")
	}
	select {
	case ch <- 2:
		fmt.Println("sent 2")
	default:
		fmt.Println("full: default")
	}
	select {
	case v := <-ch:
		fmt.Println("got", v)
	default:
		fmt.Println("empty: default")
	}

	u := make(chan int)
	select {
	case u <- 1:
		fmt.Println("sent on unbuffered")
	default:
		fmt.Println("no receiver: default")
	}
	done := make(chan int)
	go func() { done <- <-u }()
	time.Sleep(10 * time.Millisecond) // the receiver parks on u
	select {
	case u <- 7:
		fmt.Println("sent 7 to a parked receiver")
	default:
		fmt.Println("no receiver: default")
	}
	fmt.Println("receiver got", <-done)

	select {
	case v := <-u:
		fmt.Println("got", v)
	default:
		fmt.Println("no sender: default")
	}
	go func() { u <- 8 }()
	time.Sleep(10 * time.Millisecond) // the sender parks on u
	select {
	case v := <-u:
		fmt.Println("got", v, "from a parked sender")
	default:
		fmt.Println("no sender: default")
	}

	c := make(chan int)
	close(c)
	select {
	case v, ok := <-c:
		fmt.Println("closed channel is ready:", v, ok)
	default:
		fmt.Println("default")
	}
}
