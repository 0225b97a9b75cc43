"""Port of prog.go: a deadlock report lists every blocked goroutine."""
from reference_runtime import Mutex, WaitGroup, chan, go, nilchan, select, sleep


def main():
    recvc = chan()
    sendc = chan()
    sel_a = chan()
    sel_b = chan()
    wg = WaitGroup()
    wg.add(1)
    mu = Mutex()
    mu.lock()
    nilc = nilchan

    steps = [
        lambda: recvc.recv(),
        lambda: sendc.send(1),
        lambda: select(sel_a.recv, (sel_b.send, 1)),
        lambda: wg.wait(),
        lambda: mu.lock(),
        lambda: select(),
        lambda: nilc.recv(),
    ]
    for i, f in enumerate(steps):
        go(f)
        sleep(0.010)                     # each parks before the next starts
        print("goroutine", i, "parked")
    print("main blocks too")
    recvc.recv()
