// A buffered channel is a FIFO queue: len and cap, sends that do not block
// until the buffer is full, and order kept even when a sender is parked on
// a full buffer.
package main

import (
	"fmt"
	"time"
)

func main() {
	ch := make(chan int, 4)
	fmt.Println("len", len(ch), "cap", cap(ch))
	for i := 1; i <= 4; i++ {
		ch <- i * i
	}
	fmt.Println("len", len(ch), "cap", cap(ch))
	select {
	case ch <- 99:
		fmt.Println("sent 99")
	default:
		fmt.Println("full")
	}
	fmt.Println(<-ch, <-ch)
	ch <- 100
	for len(ch) > 0 {
		fmt.Println(<-ch)
	}

	big := make(chan int, 3)
	go func() {
		for i := 0; i < 10; i++ {
			big <- i
		}
		close(big)
	}()
	time.Sleep(20 * time.Millisecond) // the producer fills the buffer and parks
	fmt.Println("buffered before consuming:", len(big))
	var all []int
	for v := range big {
		all = append(all, v)
	}
	fmt.Println(all)
}
