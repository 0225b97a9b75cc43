package main

import "runtime"

func main() {
	defer func() { panic("in defer") }()
	runtime.Goexit()
}
