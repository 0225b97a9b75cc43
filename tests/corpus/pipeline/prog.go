// Pipelines: stages connected by channels, each closing its output when its
// input is done; then fan-out to three squarers and fan-in with a merge.
package main

import (
	"fmt"
	"sort"
	"sync"
)

func gen(nums ...int) <-chan int {
	out := make(chan int)
	go func() {
		for _, n := range nums {
			out <- n
		}
		close(out)
	}()
	return out
}

func sq(in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		for n := range in {
			out <- n * n
		}
		close(out)
	}()
	return out
}

func odd(in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		for n := range in {
			if n%2 == 1 {
				out <- n
			}
		}
		close(out)
	}()
	return out
}

func merge(cs ...<-chan int) <-chan int {
	var wg sync.WaitGroup
	out := make(chan int, 10)
	wg.Add(len(cs))
	for _, c := range cs {
		go func(c <-chan int) {
			for n := range c {
				out <- n
			}
			wg.Done()
		}(c)
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

func main() {
	for v := range odd(sq(gen(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))) {
		fmt.Println(v)
	}
	for v := range sq(sq(gen(1, 2, 3))) {
		fmt.Println(v)
	}

	in := gen(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
	var all []int
	for v := range merge(sq(in), sq(in), sq(in)) {
		all = append(all, v)
	}
	sort.Ints(all)
	fmt.Println(all)
}
