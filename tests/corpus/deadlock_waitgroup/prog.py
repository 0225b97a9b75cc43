"""Port of prog.go: WaitGroup.Wait with a counter that never reaches zero."""
from reference_runtime import WaitGroup, chan, go


def main():
    wg = WaitGroup()
    wg.add(3)
    finished = chan()
    for i in range(2):
        def worker(i=i):
            try:
                finished.send(i)
            finally:
                wg.done()
        go(worker)
    finished.recv()
    finished.recv()
    print("2 of the 3 Add-ed workers called Done")
    wg.wait()
    print("not reached")
