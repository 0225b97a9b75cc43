// Sleeping goroutines wake in order of their deadlines ("sleep sort").
package main

import (
	"fmt"
	"time"
)

func main() {
	durations := []int{100, 20, 80, 40, 60}
	start := time.Now()
	done := make(chan int)
	for _, d := range durations {
		go func(d int) {
			time.Sleep(time.Duration(d) * time.Millisecond)
			fmt.Println("woke after", d, "ms")
			done <- d
		}(d)
	}
	var order []int
	for range durations {
		order = append(order, <-done)
	}
	fmt.Println(order)
	fmt.Println("at least 100ms elapsed:", time.Since(start) >= 100*time.Millisecond)
}
