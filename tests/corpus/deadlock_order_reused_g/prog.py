"""Port of prog.go: with one P a new goroutine reuses a dead one's g, and
Go's deadlock report lists goroutines in allgs order, not goroutine-id order."""
from reference_runtime import chan, go, gomaxprocs, select, sleep


def main():
    gomaxprocs(1)
    release = chan()
    exited = chan()

    def a():                             # A: a fresh g, exits when released
        release.recv()
        exited.send(True)

    go(a)
    sendc = chan()
    go(sendc.send, 1)                    # B: a fresh g; blocks on a send forever
    sleep(0.010)
    release.send(True)
    exited.recv()
    sleep(0.010)                         # A is dead; its g is free

    recvc = chan()
    go(recvc.recv)                       # C: reuses A's g; blocks on a receive forever
    sleep(0.010)
    print("main blocks")
    select()
