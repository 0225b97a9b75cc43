"""Port of prog.go: main blocked on a receive nobody will send to."""
from reference_runtime import chan


def main():
    ch = chan()
    print("about to receive")
    ch.recv()
    print("not reached")
