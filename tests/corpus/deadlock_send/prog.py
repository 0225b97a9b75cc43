"""Port of prog.go: main blocked on a send nobody will receive."""
from reference_runtime import chan, go


def main():
    ch = chan()
    done = chan()

    def helper():
        print("helper got", ch.recv())
        done.send(True)

    go(helper)
    ch.send(1)
    done.recv()
    print("sending again with no receiver")
    ch.send(2)
    print("not reached")
