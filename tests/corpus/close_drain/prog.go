// Close: a receive from a closed channel first drains the buffer, then
// returns the zero value and ok=false at once; close wakes every parked
// receiver.
package main

import (
	"fmt"
	"time"
)

func main() {
	ch := make(chan int, 3)
	ch <- 1
	ch <- 2
	ch <- 3
	close(ch)
	fmt.Println("len after close", len(ch))
	for i := 0; i < 5; i++ {
		v, ok := <-ch
		fmt.Println(v, ok)
	}
	fmt.Println("plain receive:", <-ch)

	u := make(chan string)
	done := make(chan bool)
	go func() {
		v, ok := <-u
		fmt.Printf("woken: %q %v\n", v, ok)
		done <- true
	}()
	time.Sleep(10 * time.Millisecond)
	close(u)
	<-done

	c := make(chan int)
	results := make(chan bool)
	for i := 0; i < 3; i++ {
		go func() {
			_, ok := <-c
			results <- ok
		}()
	}
	time.Sleep(10 * time.Millisecond)
	close(c)
	falses := 0
	for i := 0; i < 3; i++ {
		if !<-results {
			falses++
		}
	}
	fmt.Println("receivers woken by close with ok=false:", falses)
}
