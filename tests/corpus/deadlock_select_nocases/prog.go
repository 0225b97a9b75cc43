// An empty select blocks forever: with nothing else alive, a deadlock.
package main

import "fmt"

func main() {
	done := make(chan bool)
	go func() {
		fmt.Println("goroutine ran and exits")
		done <- true
	}()
	<-done
	fmt.Println("select {}")
	select {}
}
