// Sending to or receiving from the nil channel blocks forever.
package main

import (
	"fmt"
	"time"
)

func main() {
	go func() {
		var c chan int
		c <- 1
	}()
	time.Sleep(10 * time.Millisecond) // the goroutine parks on its send
	var r chan string
	fmt.Println("receiving from a nil channel")
	<-r
}
