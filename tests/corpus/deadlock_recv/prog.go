// All goroutines asleep: main blocked on a receive nobody will send to.
package main

import "fmt"

func main() {
	ch := make(chan int)
	fmt.Println("about to receive")
	<-ch
	fmt.Println("not reached")
}
