"""The workloads on gevent: ``gevent.spawn``; ``gevent.queue.Channel`` as
the unbuffered channel (a rendezvous: put blocks until a getter takes the
item); ``gevent.queue.Queue(maxsize=64)`` as the buffered one (no close: the
pool ends with sentinels); ``gevent.sleep(0)`` to yield; ``gevent.socket``
for NET.  No preemption: PREEMPT is not implemented."""
from __future__ import annotations

import gevent
from gevent import socket
from gevent.event import Event
from gevent.queue import Channel, Queue

from ._common import (NET_MSG, clock, finish, net_rounds, nth_prime, raise_fd_limit, settle,
                      w6_rounds)


class Counter:
    """WaitGroup-like: done() n times sets the event."""

    __slots__ = ("n", "ev")

    def __init__(self, n):
        self.n = n
        self.ev = Event()

    def done(self):
        self.n -= 1
        if self.n == 0:
            self.ev.set()

    def wait(self):
        if self.n:
            self.ev.wait()


def w1(n):
    wg = Counter(n)
    done, spawn = wg.done, gevent.spawn
    t0 = clock()
    for _ in range(n):
        spawn(done)
    wg.wait()
    return {"value": (clock() - t0) / n * 1e6}


def w2(n):
    def partner(ping, pong):
        get, put = ping.get, pong.put
        while True:
            put(get())

    ping, pong = Channel(), Channel()
    gevent.spawn(partner, ping, pong)
    put, get = ping.put, pong.get
    t0 = clock()
    for i in range(n):
        put(i)
        get()
    return {"value": (clock() - t0) / n * 1e9}


def w3(n):
    def parked(c, wg):
        wg.done()
        c.get()

    before = settle()
    wg = Counter(n)
    t0 = clock()
    for _ in range(n):
        gevent.spawn(parked, Channel(), wg)
    wg.wait()
    gevent.sleep(0)
    dt = clock() - t0
    after = settle()
    finish({"value": (after - before) / n, "spawn_park_s": dt})


def w4(n):
    def generate(ch):
        put = ch.put
        i = 2
        while True:
            put(i)
            i += 1

    def filt(inp, out, prime):
        get, put = inp.get, out.put
        while True:
            i = get()
            if i % prime:
                put(i)

    t0 = clock()
    ch = Channel()
    gs = [gevent.spawn(generate, ch)]
    prime = 0
    for _ in range(n):
        prime = ch.get()
        ch1 = Channel()
        gs.append(gevent.spawn(filt, ch, ch1, prime))
        ch = ch1
    dt = clock() - t0
    gevent.killall(gs)
    assert prime == nth_prime(n), (prime, n)
    return {"value": dt, "last_prime": prime}


STOP = object()


def w5(n):
    def producer(jobs):
        put = jobs.put
        for i in range(n):
            put(i)
        for _ in range(8):
            put(STOP)

    def worker(jobs, results):
        get, put = jobs.get, results.put
        while True:
            j = get()
            if j is STOP:
                break
            put(j * 2)
        put(STOP)

    t0 = clock()
    jobs, results = Queue(64), Queue(64)
    gevent.spawn(producer, jobs)
    for _ in range(8):
        gevent.spawn(worker, jobs, results)
    total, stops = 0, 0
    get = results.get
    while stops < 8:
        v = get()
        if v is STOP:
            stops += 1
        else:
            total += v
    dt = clock() - t0
    assert total == n * (n - 1), total
    return {"value": dt * 1e3}


def w6(k):
    rounds = w6_rounds(k)
    st = {"started": 0, "yields": 0, "stop": False}
    gate = Event()

    def worker(wg):
        gate.wait()
        st["started"] += 1
        y = gevent.sleep
        while not st["stop"]:
            y(0)
            st["yields"] += 1
        wg.done()

    wg = Counter(k)
    for _ in range(k):
        gevent.spawn(worker, wg)
    gevent.sleep(0)
    gate.set()
    while st["started"] < k:
        gevent.sleep(0)
    t0, c0 = clock(), st["yields"]
    want = c0 + k * rounds
    while st["yields"] < want:
        gevent.sleep(0)
        st["yields"] += 1
    t1, c1 = clock(), st["yields"]
    st["stop"] = True
    wg.wait()
    return {"value": (t1 - t0) / (c1 - c0) * 1e9, "runnable": k}


def _read_exactly(sock, n):
    parts, got = [], 0
    while got < n:
        b = sock.recv(n - got)
        if not b:
            break
        parts.append(b)
        got += len(b)
    return b"".join(parts)


def net_echo(conns):
    rounds = net_rounds(conns)
    size = len(NET_MSG)
    raise_fd_limit(2 * conns + 64)
    st = {"active": 0}

    def handle(c):
        st["active"] += 1
        try:
            while True:
                b = _read_exactly(c, size)
                if len(b) < size:
                    break
                c.sendall(b)
        finally:
            st["active"] -= 1
            c.close()

    def serve(ln):
        while True:
            c, _ = ln.accept()
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            gevent.spawn(handle, c)

    start = Event()
    connected, done = Counter(conns), Counter(conns)

    def client(addr):
        c = socket.create_connection(addr)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c.sendall(NET_MSG)
        _read_exactly(c, size)
        connected.done()
        start.wait()
        for _ in range(rounds):
            c.sendall(NET_MSG)
            if _read_exactly(c, size) != NET_MSG:
                raise AssertionError("bad echo")
        c.close()
        done.done()

    ln = socket.socket()
    ln.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ln.bind(("127.0.0.1", 0))
    ln.listen(4096)
    server = gevent.spawn(serve, ln)
    addr = ln.getsockname()
    for _ in range(conns):
        gevent.spawn(client, addr)
    connected.wait()
    held = st["active"]
    t0 = clock()
    start.set()
    done.wait()
    dt = clock() - t0
    server.kill()
    ln.close()
    return {"value": conns * rounds / dt, "held": held, "rounds": rounds}


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5,
             "W6-k10": w6, "W6-k100k": w6, "NET": net_echo}
