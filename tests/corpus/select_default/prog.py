"""Port of prog.go: select with default never blocks."""
from reference_runtime import chan, default, go, select, sleep


def gobool(b):
    return "true" if b else "false"


def main():
    ch = chan(1)
    k, v = select(ch.recv, default)
    print(f"got {v}" if k == 0 else "empty: default")
    k, _ = select((ch.send, 1), default)
    print("sent 1" if k == 0 else "full: default")
    k, _ = select((ch.send, 2), default)
    print("sent 2" if k == 0 else "full: default")
    k, v = select(ch.recv, default)
    print(f"got {v}" if k == 0 else "empty: default")

    u = chan()
    k, _ = select((u.send, 1), default)
    print("sent on unbuffered" if k == 0 else "no receiver: default")
    done = chan()
    go(lambda: done.send(u.recv()))
    sleep(0.010)                         # the receiver parks on u
    k, _ = select((u.send, 7), default)
    print("sent 7 to a parked receiver" if k == 0 else "no receiver: default")
    print("receiver got", done.recv())

    k, v = select(u.recv, default)
    print(f"got {v}" if k == 0 else "no sender: default")
    go(u.send, 8)
    sleep(0.010)                         # the sender parks on u
    k, v = select(u.recv, default)
    print(f"got {v} from a parked sender" if k == 0 else "no sender: default")

    c = chan()
    c.close()
    k, vok = select(c.recv_ok, default)
    if k == 0:
        v, ok = vok
        print("closed channel is ready:", 0 if v is None else v, gobool(ok))
    else:
        print("default")
