// Unbuffered channels are a rendezvous: a send completes only when a
// receiver takes the value, so a ping-pong between two goroutines prints in
// one fixed order.
package main

import "fmt"

func main() {
	ping := make(chan int)
	pong := make(chan int)
	fmt.Println("unbuffered len", len(ping), "cap", cap(ping))
	go func() {
		for v := range ping {
			fmt.Println("  pong got", v)
			pong <- v * 10
		}
		fmt.Println("  pong: ping closed")
		close(pong)
	}()
	for i := 1; i <= 5; i++ {
		fmt.Println("ping sends", i)
		ping <- i
		r := <-pong
		fmt.Println("ping got", r)
	}
	close(ping)
	_, ok := <-pong
	fmt.Println("pong closed:", !ok)
}
