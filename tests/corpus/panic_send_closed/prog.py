"""Port of prog.go: a send on a closed channel panics."""
from reference_runtime import chan


def main():
    try:
        ch = chan(1)
        ch.close()
        print("sending on a closed channel")
        ch.send(1)
        print("not reached")
    finally:
        print("deferred call runs")
