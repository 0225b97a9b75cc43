"""Port of prog.go: timeouts with select and after(); a stopped Timer never fires."""
from reference_runtime import Timer, after, chan, go, select, sleep


def gobool(b):
    return "true" if b else "false"


def main():
    slow = chan()

    def producer():
        sleep(0.200)
        slow.send("slow result")

    go(producer)
    k, v = select(slow.recv, after(0.050).recv)
    print(f"got {v}" if k == 0 else "timed out after 50ms")
    k, v = select(slow.recv, after(5).recv)
    print(f"got {v}" if k == 0 else "timed out after 5s")

    fast = chan(1)
    fast.send(42)
    k, v = select(fast.recv, after(1).recv)
    print(f"a ready value beats a pending timeout: {v}" if k == 0 else "timeout")

    t = Timer(0.030)
    print("stop before firing:", gobool(t.stop()))
    k, _ = select(t.c.recv, after(0.060).recv)
    print("stopped timer fired" if k == 0 else "stopped timer never fired")

    t2 = Timer(0.010)
    t2.c.recv()
    print("stop after firing:", gobool(t2.stop()))
