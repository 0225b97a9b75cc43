"""The workloads on the floor (``floor.py``): a minimal greenlet scheduler.
No network and no preemption: NET and PREEMPT are not implemented."""
from __future__ import annotations

from ._common import clock, finish, nth_prime, settle, w6_rounds
from .floor import Chan, Sched, WaitGroup


def w1(n):
    s = Sched()

    def main():
        wg = WaitGroup(s, n)
        done, spawn = wg.done, s.spawn
        t0 = clock()
        for _ in range(n):
            spawn(done)
        wg.wait()
        return clock() - t0
    return {"value": s.run(main) / n * 1e6}


def w2(n):
    s = Sched()

    def partner(ping, pong):
        recv, send = ping.recv, pong.send
        while True:
            send(recv())

    def main():
        ping, pong = Chan(s), Chan(s)
        s.spawn(partner, ping, pong)
        send, recv = ping.send, pong.recv
        t0 = clock()
        for i in range(n):
            send(i)
            recv()
        return clock() - t0
    return {"value": s.run(main) / n * 1e9}


def w3(n):
    s = Sched()

    def parked(c, wg):
        wg.done()
        c.recv()

    def main():
        before = settle()
        wg = WaitGroup(s, n)
        t0 = clock()
        for _ in range(n):
            s.spawn(parked, Chan(s), wg)
        wg.wait()
        s.yield_()
        dt = clock() - t0
        after = settle()
        finish({"value": (after - before) / n, "spawn_park_s": dt})
    s.run(main)


def w4(n):
    s = Sched()

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
        ch = Chan(s)
        s.spawn(generate, ch)
        prime = 0
        for _ in range(n):
            prime = ch.recv()
            ch1 = Chan(s)
            s.spawn(filt, ch, ch1, prime)
            ch = ch1
        return clock() - t0, prime
    dt, last = s.run(main)
    assert last == nth_prime(n), (last, n)
    return {"value": dt, "last_prime": last}


STOP = object()


def w5(n):
    s = Sched()

    def producer(jobs):
        for i in range(n):
            jobs.send(i)
        for _ in range(8):
            jobs.send(STOP)

    def worker(jobs, results):
        recv, send = jobs.recv, results.send
        while True:
            j = recv()
            if j is STOP:
                break
            send(j * 2)
        send(STOP)

    def main():
        t0 = clock()
        jobs, results = Chan(s, 64), Chan(s, 64)
        s.spawn(producer, jobs)
        for _ in range(8):
            s.spawn(worker, jobs, results)
        total, stops = 0, 0
        recv = results.recv
        while stops < 8:
            v = recv()
            if v is STOP:
                stops += 1
            else:
                total += v
        return clock() - t0, total
    dt, total = s.run(main)
    assert total == n * (n - 1), total
    return {"value": dt * 1e3}


def w6(k):
    s = Sched()
    rounds = w6_rounds(k)
    st = {"started": 0, "yields": 0, "stop": False}

    def worker(gate, wg):
        gate.wait()
        st["started"] += 1
        y = s.yield_
        while not st["stop"]:
            y()
            st["yields"] += 1
        wg.done()

    def main():
        wg, gate = WaitGroup(s, k), WaitGroup(s, 1)
        for _ in range(k):
            s.spawn(worker, gate, wg)
        gate.done()
        while st["started"] < k:
            s.yield_()
        t0, c0 = clock(), st["yields"]
        want = c0 + k * rounds
        while st["yields"] < want:
            s.yield_()
            st["yields"] += 1
        t1, c1 = clock(), st["yields"]
        st["stop"] = True
        wg.wait()
        return (t1 - t0) / (c1 - c0)
    return {"value": s.run(main) * 1e9, "runnable": k}


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W3-1M": w3, "W4": w4, "W5": w5,
             "W6-k10": w6, "W6-k100k": w6}
