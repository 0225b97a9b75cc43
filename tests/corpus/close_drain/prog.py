"""Port of prog.go: receive from a closed channel drains, then zero/false."""
from reference_runtime import chan, go, sleep


def gobool(b):
    return "true" if b else "false"


def main():
    ch = chan(3)
    ch.send(1)
    ch.send(2)
    ch.send(3)
    ch.close()
    print("len after close", len(ch))
    for _ in range(5):
        v, ok = ch.recv_ok()
        print(0 if v is None else v, gobool(ok))     # None is Go's zero value, 0 for an int
    v = ch.recv()
    print("plain receive:", 0 if v is None else v)

    u = chan()
    done = chan()

    def waiter():
        v, ok = u.recv_ok()
        print(f'woken: "{"" if v is None else v}" {gobool(ok)}')
        done.send(True)

    go(waiter)
    sleep(0.010)
    u.close()
    done.recv()

    c = chan()
    results = chan()

    def receiver():
        _, ok = c.recv_ok()
        results.send(ok)

    for _ in range(3):
        go(receiver)
    sleep(0.010)
    c.close()
    falses = 0
    for _ in range(3):
        if not results.recv():
            falses += 1
    print("receivers woken by close with ok=false:", falses)
