package main

import "runtime"

func main() {
	defer func() { recover() }()
	defer func() { panic("in defer") }()
	runtime.Goexit()
}
