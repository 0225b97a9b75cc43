"""The workloads on OS threads: ``threading.Thread`` per goroutine,
``queue.Queue`` as the channel.  An unbuffered channel is approximated by
``queue.Queue(maxsize=1)`` (one slot: the sender does not wait for the
receiver; the closest the standard library has); the pool's buffered
channels are ``queue.Queue(maxsize=64)`` with sentinels.  Yield is
``time.sleep(0)`` (it drops the GIL and calls the OS; with k threads
spinning on it, it measures GIL hand-offs more than a scheduler's yield).
NET is a thread per connection on each side with blocking sockets.

Threads are daemon threads, so a blocked one never keeps the process alive.
Sizes are smaller than the others' where noted by the harness (W1, W3,
NET); W3-1M, W6 with 100k threads and PREEMPT are not run."""
from __future__ import annotations

import queue
import socket
import threading
import time

from ._common import (NET_MSG, clock, finish, net_rounds, nth_prime, raise_fd_limit, settle,
                      w6_rounds)


def _start(fn, *args):
    t = threading.Thread(target=fn, args=args, daemon=True)
    t.start()
    return t


class Counter:
    """A WaitGroup: done() from any thread, wait() until zero."""

    def __init__(self, n):
        self.n = n
        self.lock = threading.Lock()
        self.ev = threading.Event()

    def done(self):
        with self.lock:
            self.n -= 1
            if self.n == 0:
                self.ev.set()

    def wait(self):
        self.ev.wait()


def w1(n):
    wg = Counter(n)
    done = wg.done
    t0 = clock()
    for _ in range(n):
        _start(done)
    wg.wait()
    return {"value": (clock() - t0) / n * 1e6}


def w2(n):
    def partner(ping, pong):
        get, put = ping.get, pong.put
        while True:
            put(get())

    ping, pong = queue.Queue(1), queue.Queue(1)
    _start(partner, ping, pong)
    put, get = ping.put, pong.get
    t0 = clock()
    for i in range(n):
        put(i)
        get()
    return {"value": (clock() - t0) / n * 1e9}


def w3(n):
    def parked(q, wg):
        wg.done()
        q.get()

    before = settle()
    wg = Counter(n)
    t0 = clock()
    for _ in range(n):
        _start(parked, queue.Queue(1), wg)
    wg.wait()
    time.sleep(0.05)
    dt = clock() - t0
    after = settle()
    finish({"value": (after - before) / n, "spawn_park_s": dt,
            "stack_reserved": threading.stack_size() or 8 << 20})


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
    ch = queue.Queue(1)
    _start(generate, ch)
    prime = 0
    for _ in range(n):
        prime = ch.get()
        ch1 = queue.Queue(1)
        _start(filt, ch, ch1, prime)
        ch = ch1
    dt = clock() - t0
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
    jobs, results = queue.Queue(64), queue.Queue(64)
    _start(producer, jobs)
    for _ in range(8):
        _start(worker, jobs, results)
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
    counts = [0] * k
    st = {"stop": False}
    gate = threading.Event()
    started = Counter(k)

    def worker(i):
        gate.wait()
        started.done()
        y = time.sleep
        c = 0
        while not st["stop"]:
            y(0)
            c += 1
            counts[i] = c

    threads = [_start(worker, i) for i in range(k)]
    gate.set()
    started.wait()
    t0, c0 = clock(), sum(counts)
    want = c0 + k * rounds
    while sum(counts) < want:
        time.sleep(0.01)
    t1, c1 = clock(), sum(counts)
    st["stop"] = True
    for t in threads:
        t.join()
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
    lock = threading.Lock()

    def handle(c):
        with lock:
            st["active"] += 1
        try:
            while True:
                b = _read_exactly(c, size)
                if len(b) < size:
                    break
                c.sendall(b)
        finally:
            with lock:
                st["active"] -= 1
            c.close()

    def serve(ln):
        while True:
            try:
                c, _ = ln.accept()
            except OSError:
                return
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            _start(handle, c)

    start = threading.Event()
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
    _start(serve, ln)
    addr = ln.getsockname()
    for _ in range(conns):
        _start(client, addr)
    connected.wait()
    with lock:
        held = st["active"]
    t0 = clock()
    start.set()
    done.wait()
    dt = clock() - t0
    ln.close()
    return {"value": conns * rounds / dt, "held": held, "rounds": rounds}


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6-k10": w6, "NET": net_echo}
