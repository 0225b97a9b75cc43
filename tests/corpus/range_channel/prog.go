// for range over a channel receives until the channel is closed and
// drained.
package main

import "fmt"

func gen(n int) <-chan int {
	ch := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			ch <- i
		}
		close(ch)
	}()
	return ch
}

func main() {
	sum, count := 0, 0
	for v := range gen(100) {
		sum += v
		count++
	}
	fmt.Println("count", count, "sum", sum)

	b := make(chan string, 3)
	b <- "x"
	b <- "y"
	b <- "z"
	close(b)
	for s := range b {
		fmt.Println(s)
	}

	e := make(chan int)
	close(e)
	n := 0
	for range e {
		n++
	}
	fmt.Println("iterations over a closed empty channel:", n)
}
