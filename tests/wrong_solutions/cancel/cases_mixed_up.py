"""The stage returns when its send happened (i == 0), breaking 'without cancellation the pipeline computes what it did'."""
from gokernel import chan, go, select

def gen(done, *nums):
    out = chan()
    def run():
        try:
            for n in nums:
                i, _ = select((out.send, n), done.recv)
                if i == 0:          # done was closed: stop
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
                i, _ = select((out.send, n * n), done.recv)
                if i == 1:
                    return
        finally:
            out.close()
    go(run)
    return out
