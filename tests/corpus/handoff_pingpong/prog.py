"""Port of prog.go: unbuffered ping-pong prints in one fixed order."""
from reference_runtime import chan, go


def main():
    ping = chan()
    pong = chan()
    print("unbuffered len", len(ping), "cap", ping.cap)

    def ponger():
        for v in ping:
            print("  pong got", v)
            pong.send(v * 10)
        print("  pong: ping closed")
        pong.close()

    go(ponger)
    for i in range(1, 6):
        print("ping sends", i)
        ping.send(i)
        r = pong.recv()
        print("ping got", r)
    ping.close()
    _, ok = pong.recv_ok()
    print("pong closed:", "true" if not ok else "false")
