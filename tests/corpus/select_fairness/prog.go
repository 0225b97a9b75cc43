// select picks uniformly among ready cases (it polls them in a random
// order).  Only whether each share is within wide bounds is printed.
package main

import "fmt"

func within(n, total, lo, hi int) bool {
	return n*100 >= total*lo && n*100 <= total*hi
}

func main() {
	const N = 10000
	a := make(chan int)
	close(a)
	b := make(chan int)
	close(b)
	na, nb := 0, 0
	for i := 0; i < N; i++ {
		select {
		case <-a:
			na++
		case <-b:
			nb++
		}
	}
	fmt.Println("closed a 40-60%:", within(na, N, 40, 60), "closed b 40-60%:", within(nb, N, 40, 60))

	x := make(chan int, 1)
	y := make(chan int, 1)
	z := make(chan int, 1)
	x <- 1
	y <- 1
	z <- 1
	var cnt [3]int
	const M = 9000
	for i := 0; i < M; i++ {
		select {
		case v := <-x:
			cnt[0]++
			x <- v
		case v := <-y:
			cnt[1]++
			y <- v
		case v := <-z:
			cnt[2]++
			z <- v
		}
	}
	for i, c := range cnt {
		fmt.Println("buffered case", i, "25-42%:", within(c, M, 25, 42))
	}

	s1 := make(chan int, 1)
	s2 := make(chan int, 1)
	n1, n2 := 0, 0
	for i := 0; i < N; i++ {
		select {
		case s1 <- 1:
			n1++
			<-s1
		case s2 <- 2:
			n2++
			<-s2
		}
	}
	fmt.Println("send 1 40-60%:", within(n1, N, 40, 60), "send 2 40-60%:", within(n2, N, 40, 60))
}
