package main

func main() {
	c := make(chan int, 1<<59)
	_ = c
}
