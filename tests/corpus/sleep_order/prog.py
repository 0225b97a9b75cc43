"""Port of prog.go: sleeping goroutines wake in deadline order."""
from reference_runtime import chan, go, now, sleep


def main():
    durations = [100, 20, 80, 40, 60]
    start = now()
    done = chan()
    for d in durations:
        def sleeper(d=d):
            sleep(d / 1000)
            print("woke after", d, "ms")
            done.send(d)
        go(sleeper)
    order = [done.recv() for _ in durations]
    print("[" + " ".join(map(str, order)) + "]")
    print("at least 100ms elapsed:", "true" if now() - start >= 0.100 else "false")
