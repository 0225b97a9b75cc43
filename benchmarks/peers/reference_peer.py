"""The workloads on the project's runtime, ``reference_runtime``.

Every run uses ``gomaxprocs=1`` (one P: the host thread runs every goroutine
anyway, and one P keeps the schedule comparable with the single-threaded
peers); preemption is the default ("async") except in the PREEMPT workloads.
"""
from __future__ import annotations

from reference_runtime import RunTimeout, WaitGroup, chan, go, gosched, net, now, run, sleep

from ._common import (LAT_SAMPLES, NET_MSG, clock, finish, lateness_stats, net_rounds, nth_prime,
                      raise_fd_limit, settle, w6_rounds)

OPTS = {"gomaxprocs": 1}


def _run(main, *args, **kw):
    opts = dict(OPTS)
    opts.update(kw)
    return run(main, *args, **opts)


# ---------------------------------------------------------------- W1 spawn
def w1(n, **kw):
    def main():
        wg = WaitGroup()
        wg.add(n)
        done = wg.done
        t0 = clock()
        for _ in range(n):
            go(done)
        wg.wait()
        return clock() - t0
    dt = _run(main, **kw)
    return {"value": dt / n * 1e6}


# ------------------------------------------------------------ W2 ping-pong
def w2(n, **kw):
    def partner(ping, pong):
        recv, send = ping.recv, pong.send
        while True:
            send(recv())

    def main():
        ping, pong = chan(), chan()
        go(partner, ping, pong)
        send, recv = ping.send, pong.recv
        t0 = clock()
        for i in range(n):
            send(i)
            recv()
        return clock() - t0
    dt = _run(main, **kw)
    return {"value": dt / n * 1e9}


# --------------------------------------------------------------- W3 memory
def w3(n, **kw):
    def parked(c, wg):
        wg.done()
        c.recv()

    def main():
        before = settle()
        wg = WaitGroup()
        wg.add(n)
        t0 = clock()
        for _ in range(n):
            go(parked, chan(), wg)
        wg.wait()
        gosched()              # let the last one park
        dt = clock() - t0
        after = settle()
        finish({"value": (after - before) / n, "spawn_park_s": dt})
    _run(main, **kw)


# ---------------------------------------------------------------- W4 sieve
def w4(n, **kw):
    def generate(ch):
        send = ch.send
        i = 2
        while True:
            send(i)
            i += 1

    def filt(inp, out, prime):
        recv, send = inp.recv, out.send
        while True:
            i = recv()
            if i % prime:
                send(i)

    def main():
        t0 = clock()
        ch = chan()
        go(generate, ch)
        prime = 0
        for _ in range(n):
            prime = ch.recv()
            ch1 = chan()
            go(filt, ch, ch1, prime)
            ch = ch1
        return clock() - t0, prime
    dt, last = _run(main, **kw)
    assert last == nth_prime(n), (last, n)
    return {"value": dt, "last_prime": last}


# ---------------------------------------------------------- W5 worker pool
def w5(n, **kw):
    def producer(jobs):
        for i in range(n):
            jobs.send(i)
        jobs.close()

    def worker(jobs, results, wg):
        for j in jobs:
            results.send(j * 2)
        wg.done()

    def closer(results, wg):
        wg.wait()
        results.close()

    def main():
        t0 = clock()
        jobs, results = chan(64), chan(64)
        wg = WaitGroup()
        wg.add(8)
        go(producer, jobs)
        for _ in range(8):
            go(worker, jobs, results, wg)
        go(closer, results, wg)
        total = 0
        for v in results:
            total += v
        return clock() - t0, total
    dt, total = _run(main, **kw)
    assert total == n * (n - 1), total
    return {"value": dt * 1e3}


# ---------------------------------------------------------------- W6 yield
def w6(k, **kw):
    rounds = w6_rounds(k)
    st = {"started": 0, "yields": 0, "stop": False}

    def worker(gate, wg):
        gate.recv()
        st["started"] += 1
        while not st["stop"]:
            gosched()
            st["yields"] += 1
        wg.done()

    def main():
        wg = WaitGroup()
        wg.add(k)
        gate = chan()
        for _ in range(k):
            go(worker, gate, wg)
        gate.close()
        while st["started"] < k:
            gosched()
        t0, c0 = clock(), st["yields"]
        want = c0 + k * rounds
        while st["yields"] < want:
            gosched()
            st["yields"] += 1
        t1, c1 = clock(), st["yields"]
        st["stop"] = True
        wg.wait()
        return (t1 - t0) / (c1 - c0)
    per = _run(main, **kw)
    return {"value": per * 1e9, "runnable": k}


# -------------------------------------------------------------- NET echo
def net_echo(conns, **kw):
    rounds = net_rounds(conns)
    size = len(NET_MSG)
    raise_fd_limit(2 * conns + 64)
    st = {"active": 0, "max": 0}

    def handle(c):
        st["active"] += 1
        st["max"] = max(st["max"], st["active"])
        try:
            while True:
                b = c.read_exactly(size)
                if len(b) < size:
                    break
                c.write(b)
        finally:
            st["active"] -= 1
            c.close()

    def serve(ln):
        while True:
            go(handle, ln.accept())

    def client(addr, connected, start, done):
        c = net.dial("tcp", addr)
        c.write(NET_MSG)
        c.read_exactly(size)
        connected.done()
        start.recv()
        for _ in range(rounds):
            c.write(NET_MSG)
            if c.read_exactly(size) != NET_MSG:
                raise AssertionError("bad echo")
        c.close()
        done.done()

    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        go(serve, ln)
        connected, done = WaitGroup(), WaitGroup()
        connected.add(conns)
        done.add(conns)
        start = chan()
        for _ in range(conns):
            go(client, ln.addr, connected, start, done)
        connected.wait()
        held = st["active"]
        t0 = clock()
        start.close()
        done.wait()
        dt = clock() - t0
        ln.close()
        return held, dt
    held, dt = _run(main, **kw)
    return {"value": conns * rounds / dt, "held": held, "rounds": rounds}


# ------------------------------------------------------ PREEMPT latency
def preempt_latency(mode, calls, timeout):
    late = []

    def inc(i):
        return i + 1

    def spin():
        i = 0
        if calls:
            while True:
                i = inc(i)
        else:
            while True:
                i += 1

    def sleeper(done):
        for _ in range(LAT_SAMPLES):
            t = now()
            sleep(0.001)
            late.append(now() - t - 0.001)
        done.close()

    def main():
        done = chan()
        go(spin)
        go(sleeper, done)
        done.recv()

    try:
        _run(main, preempt=mode, timeout=timeout)
    except RunTimeout:
        if len(late) < LAT_SAMPLES:
            # starved: every wake-up not seen was at least `timeout` late
            return {"value": timeout * 1e3, "max_ms": timeout * 1e3, "samples": len(late),
                    "wanted": LAT_SAMPLES, "starved": True}
        # every sample was taken; the timeout only caught the end of the run
    return lateness_stats(late)


def _mode(fn, mode):
    return lambda n: fn(n, preempt=mode)


def _lat(mode, calls):
    def f(n):
        return preempt_latency(mode, calls, timeout=n / 1e3)
    return f


WORKLOADS = {
    "W1": w1, "W2": w2, "W3": w3, "W3-1M": w3, "W4": w4, "W5": w5,
    "W6-k10": w6, "W6-k100k": w6, "NET": net_echo,
}
for _m in ("off", "calls", "async"):
    WORKLOADS[f"P-W2-{_m}"] = _mode(w2, _m)
    WORKLOADS[f"P-W4-{_m}"] = _mode(w4, _m)
    WORKLOADS[f"P-LAT-{_m}"] = _lat(_m, False)
    WORKLOADS[f"P-LATCALL-{_m}"] = _lat(_m, True)

