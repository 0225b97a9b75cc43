"""Port of prog.go: closing the nil channel panics."""
from reference_runtime import nilchan


def main():
    ch = nilchan
    print("closing a nil channel")
    ch.close()
    print("not reached")
