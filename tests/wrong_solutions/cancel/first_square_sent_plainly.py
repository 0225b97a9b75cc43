"""sq's first value is sent without watching done, breaking 'every stage returns once done is closed, even before anything was read'."""
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
            first = True
            for n in inp:           # ends when the stage before closes inp
                if first:
                    first = False
                    out.send(n * n)
                    continue
                i, _ = select((out.send, n * n), done.recv)
                if i == 1:
                    return
        finally:
            out.close()
    go(run)
    return out
