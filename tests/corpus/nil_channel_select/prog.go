// A select case on the nil channel is never chosen: nil cases beside a ready
// case, nil cases beside default, setting a channel to nil to disable its
// case while merging, and a nil case beside a timer.
package main

import (
	"fmt"
	"time"
)

func main() {
	var nilc chan int
	ready := make(chan int, 1)
	var counts [3]int
	for i := 0; i < 1000; i++ {
		ready <- i
		select {
		case <-nilc:
			counts[0]++
		case nilc <- 1:
			counts[1]++
		case <-ready:
			counts[2]++
		}
	}
	fmt.Println("nil recv:", counts[0], "nil send:", counts[1], "ready:", counts[2])

	select {
	case <-nilc:
		fmt.Println("nil recv chosen")
	case nilc <- 1:
		fmt.Println("nil send chosen")
	default:
		fmt.Println("only nil cases: default")
	}

	a := make(chan int)
	b := make(chan int)
	go func() {
		for i := 0; i < 3; i++ {
			a <- i
		}
		close(a)
	}()
	go func() {
		for i := 10; i < 13; i++ {
			b <- i
		}
		close(b)
	}()
	sum, n := 0, 0
	for a != nil || b != nil {
		select {
		case v, ok := <-a:
			if !ok {
				a = nil
				continue
			}
			sum += v
			n++
		case v, ok := <-b:
			if !ok {
				b = nil
				continue
			}
			sum += v
			n++
		}
	}
	fmt.Println("merged", n, "values, sum", sum)

	select {
	case <-nilc:
		fmt.Println("nil chosen")
	case <-time.After(20 * time.Millisecond):
		fmt.Println("the timer beat the nil channel")
	}
}
