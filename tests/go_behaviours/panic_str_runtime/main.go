package main

import (
	"fmt"
	"runtime"
)

type E struct{}

func (E) Error() string { return fmt.Sprint("goroutines: ", runtime.NumGoroutine()) }

func main() {
	panic(E{})
}
