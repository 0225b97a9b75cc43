"""sq sends without watching done, breaking 'once done is closed, every stage returns' (sq leaks)."""
from gokernel import chan, go, select

def gen(done, *nums):
    out = chan()
    def run():
        try:
            for n in nums:
                i, _ = select((out.send, n), done.recv)
                if i == 1:          # done was closed: stop
                    return
        finally:
            out.close()             # Go: defer close(out)
    go(run)
    return out

def sq(done, inp):
    out = chan()
    def run():
        try:
            for n in inp:           # ends when the stage before closes inp
                out.send(n * n)
        finally:
            out.close()
    go(run)
    return out
