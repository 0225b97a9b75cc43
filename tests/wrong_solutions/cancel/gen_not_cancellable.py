"""gen sends without watching done, breaking 'once done is closed, every stage returns' (gen leaks)."""
from gokernel import chan, go, select

def gen(done, *nums):
    out = chan()
    def run():
        try:
            for n in nums:
                out.send(n)
        finally:
            out.close()             # Go: defer close(out)
    go(run)
    return out

def sq(done, inp):
    out = chan()
    def run():
        try:
            for n in inp:           # ends when the stage before closes inp
                i, _ = select((out.send, n * n), done.recv)
                if i == 1:
                    return
        finally:
            out.close()
    go(run)
    return out
