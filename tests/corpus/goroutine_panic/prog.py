"""Port of prog.go: a panic in a goroutine ends the program; main's deferred
call does not run."""
from reference_runtime import Panic, chan, go


def worker(id):
    try:
        print("worker", id, "starting")
        raise Panic(f"boom from worker {id}")
    finally:
        print("worker's deferred call runs")


def main():
    try:
        done = chan()
        go(worker, 3)
        done.recv()
        print("not reached")
    finally:
        print("main's deferred call must not run")
