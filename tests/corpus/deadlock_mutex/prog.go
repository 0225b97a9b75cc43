// Locking a held Mutex blocks; a goroutine and main both waiting for a lock
// that is never unlocked is a deadlock.
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	var mu sync.Mutex
	mu.Lock()
	fmt.Println("main holds the lock")
	go func() {
		mu.Lock()
		fmt.Println("not reached")
	}()
	time.Sleep(10 * time.Millisecond) // the goroutine parks on the lock
	fmt.Println("main locks again")
	mu.Lock()
	fmt.Println("not reached")
}
