// Goroutines blocked on a channel wait in FIFO queues: senders parked on an
// unbuffered channel are received from in the order they parked, and
// parked receivers get values in the order they parked.
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	ch := make(chan string)
	for _, name := range []string{"a", "b", "c", "d"} {
		go func(name string) { ch <- name }(name)
		time.Sleep(10 * time.Millisecond) // let it park before the next one
	}
	for i := 0; i < 4; i++ {
		fmt.Println("received", <-ch)
	}

	in := make(chan int)
	got := make([]int, 4)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			got[i] = <-in
		}(i)
		time.Sleep(10 * time.Millisecond)
	}
	for v := 1; v <= 4; v++ {
		in <- v * 100
	}
	wg.Wait()
	for i, v := range got {
		fmt.Println("receiver", i, "got", v)
	}
}
