"""Port of prog.go: a fatal error runs no deferred calls (finally blocks)."""
from reference_runtime import chan, go, sleep


def main():
    try:
        c = chan()

        def g():
            try:
                c.recv()
            finally:
                print("goroutine's deferred call must not run")

        go(g)
        sleep(0.010)                     # the goroutine parks on its receive
        print("main blocks on a send nobody receives")
        d = chan()
        d.send(1)
    finally:
        print("main's deferred call must not run")
