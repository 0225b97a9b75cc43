"""Port of prog.go: closing a channel twice panics."""
from reference_runtime import chan


def main():
    try:
        ch = chan()
        ch.close()
        print("closed once")
        ch.close()
        print("not reached")
    finally:
        print("deferred call runs")
