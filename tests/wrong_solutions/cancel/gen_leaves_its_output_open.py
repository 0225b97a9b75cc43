"""gen closes its output only after sending every number, breaking 'every stage closes its output on every way out' (sq waits on it forever)."""
from gokernel import chan, go, select

def gen(done, *nums):
    out = chan()
    def run():
        for n in nums:
            i, _ = select((out.send, n), done.recv)
            if i == 1:          # done was closed: stop
                return
        out.close()
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
