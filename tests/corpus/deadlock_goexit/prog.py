"""Port of prog.go: main calls goexit(); the others finish; then the program dies."""
from reference_runtime import go, goexit, sleep


def main():
    try:
        for i in range(1, 4):
            def worker(i=i):
                sleep(i * 0.020)
                print("worker", i, "finished")
            go(worker)
        goexit()
        print("not reached")
    finally:
        print("main's deferred call runs")
