// main calls runtime.Goexit while another goroutine will block forever:
// that is the ordinary "all goroutines are asleep" deadlock, listing only
// the blocked goroutine (main is gone).
package main

import (
	"fmt"
	"runtime"
	"time"
)

func main() {
	c := make(chan int)
	go func() {
		time.Sleep(20 * time.Millisecond)
		fmt.Println("goroutine blocks on a receive")
		<-c
	}()
	runtime.Goexit()
}
