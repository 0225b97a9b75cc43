"""The workloads on asyncio (the default event loop, one task per goroutine).

The unbuffered channel is ``Chan`` below, built on futures: a send with a
receiver waiting completes at once (as in Go), otherwise the sender waits
until a receiver takes the value.  ``asyncio.Queue(maxsize=1)`` was not used
for it: it is a one-slot buffer (the sender does not wait for the receiver),
so the sieve and the ping-pong would not be the same program.  W5's buffered
channels are ``asyncio.Queue(maxsize=64)`` (no close: the pool ends with
sentinels); yield is ``await asyncio.sleep(0)``; NET uses asyncio streams.
No preemption: PREEMPT is not implemented."""
from __future__ import annotations

import asyncio
from collections import deque

from ._common import (NET_MSG, clock, finish, net_rounds, nth_prime, raise_fd_limit, settle,
                      w6_rounds)


class Chan:
    """An unbuffered channel: a rendezvous of one sender and one receiver."""

    __slots__ = ("recvq", "sendq", "loop")

    def __init__(self):
        self.recvq = deque()     # futures of waiting receivers
        self.sendq = deque()     # (future, value) of waiting senders
        self.loop = asyncio.get_running_loop()

    async def send(self, v):
        rq = self.recvq
        while rq:
            f = rq.popleft()
            if not f.done():
                f.set_result(v)
                return
        f = self.loop.create_future()
        self.sendq.append((f, v))
        await f

    async def recv(self):
        sq = self.sendq
        while sq:
            f, v = sq.popleft()
            if not f.done():
                f.set_result(None)
                return v
        f = self.loop.create_future()
        self.recvq.append(f)
        return await f


class Counter:
    __slots__ = ("n", "ev")

    def __init__(self, n):
        self.n = n
        self.ev = asyncio.Event()

    def done(self):
        self.n -= 1
        if self.n == 0:
            self.ev.set()

    async def wait(self):
        if self.n:
            await self.ev.wait()


def w1(n):
    async def task(wg):
        wg.done()

    async def main():
        wg = Counter(n)
        spawn = asyncio.get_running_loop().create_task
        t0 = clock()
        for _ in range(n):
            spawn(task(wg))
        await wg.wait()
        return clock() - t0
    return {"value": asyncio.run(main()) / n * 1e6}


def w2(n):
    async def partner(ping, pong):
        while True:
            await pong.send(await ping.recv())

    async def main():
        ping, pong = Chan(), Chan()
        t = asyncio.create_task(partner(ping, pong))
        t0 = clock()
        for i in range(n):
            await ping.send(i)
            await pong.recv()
        dt = clock() - t0
        t.cancel()
        return dt
    return {"value": asyncio.run(main()) / n * 1e9}


def w3(n):
    async def parked(c, wg):
        wg.done()
        await c.recv()

    async def main():
        before = settle()
        wg = Counter(n)
        spawn = asyncio.get_running_loop().create_task
        tasks = []
        t0 = clock()
        for _ in range(n):
            tasks.append(spawn(parked(Chan(), wg)))
        await wg.wait()
        await asyncio.sleep(0)
        dt = clock() - t0
        after = settle()
        finish({"value": (after - before) / n, "spawn_park_s": dt})
    asyncio.run(main())


def w4(n):
    async def generate(ch):
        i = 2
        while True:
            await ch.send(i)
            i += 1

    async def filt(inp, out, prime):
        while True:
            i = await inp.recv()
            if i % prime:
                await out.send(i)

    async def main():
        t0 = clock()
        ch = Chan()
        tasks = [asyncio.create_task(generate(ch))]
        prime = 0
        for _ in range(n):
            prime = await ch.recv()
            ch1 = Chan()
            tasks.append(asyncio.create_task(filt(ch, ch1, prime)))
            ch = ch1
        dt = clock() - t0
        for t in tasks:
            t.cancel()
        return dt, prime
    dt, last = asyncio.run(main())
    assert last == nth_prime(n), (last, n)
    return {"value": dt, "last_prime": last}


STOP = object()


def w5(n):
    async def producer(jobs):
        for i in range(n):
            await jobs.put(i)
        for _ in range(8):
            await jobs.put(STOP)

    async def worker(jobs, results):
        while True:
            j = await jobs.get()
            if j is STOP:
                break
            await results.put(j * 2)
        await results.put(STOP)

    async def main():
        t0 = clock()
        jobs, results = asyncio.Queue(64), asyncio.Queue(64)
        tasks = [asyncio.create_task(producer(jobs))]
        tasks += [asyncio.create_task(worker(jobs, results)) for _ in range(8)]
        total, stops = 0, 0
        while stops < 8:
            v = await results.get()
            if v is STOP:
                stops += 1
            else:
                total += v
        return clock() - t0, total
    dt, total = asyncio.run(main())
    assert total == n * (n - 1), total
    return {"value": dt * 1e3}


def w6(k):
    rounds = w6_rounds(k)
    st = {"started": 0, "yields": 0, "stop": False}

    async def worker(gate, wg):
        await gate.wait()
        st["started"] += 1
        y = asyncio.sleep
        while not st["stop"]:
            await y(0)
            st["yields"] += 1
        wg.done()

    async def main():
        gate, wg = asyncio.Event(), Counter(k)
        spawn = asyncio.get_running_loop().create_task
        tasks = [spawn(worker(gate, wg)) for _ in range(k)]
        await asyncio.sleep(0)
        gate.set()
        while st["started"] < k:
            await asyncio.sleep(0)
        t0, c0 = clock(), st["yields"]
        want = c0 + k * rounds
        while st["yields"] < want:
            await asyncio.sleep(0)
            st["yields"] += 1
        t1, c1 = clock(), st["yields"]
        st["stop"] = True
        await wg.wait()
        del tasks
        return (t1 - t0) / (c1 - c0)
    return {"value": asyncio.run(main()) * 1e9, "runnable": k}


def net_echo(conns):
    rounds = net_rounds(conns)
    size = len(NET_MSG)
    raise_fd_limit(2 * conns + 64)
    st = {"active": 0}
    closed = None

    async def handle(reader, writer):
        st["active"] += 1
        try:
            while True:
                try:
                    b = await reader.readexactly(size)
                except asyncio.IncompleteReadError:
                    break
                writer.write(b)
                await writer.drain()
        finally:
            st["active"] -= 1
            writer.close()
            closed.done()

    async def client(port, connected, start, done):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(NET_MSG)
        await writer.drain()
        await reader.readexactly(size)
        connected.done()
        await start.wait()
        for _ in range(rounds):
            writer.write(NET_MSG)
            await writer.drain()
            if await reader.readexactly(size) != NET_MSG:
                raise AssertionError("bad echo")
        writer.close()
        done.done()

    async def main():
        nonlocal closed
        closed = Counter(conns)
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=4096)
        port = server.sockets[0].getsockname()[1]
        connected, done, start = Counter(conns), Counter(conns), asyncio.Event()
        tasks = [asyncio.create_task(client(port, connected, start, done)) for _ in range(conns)]
        await connected.wait()
        held = st["active"]
        t0 = clock()
        start.set()
        await done.wait()
        dt = clock() - t0
        await closed.wait()          # let the handlers see EOF and end
        server.close()
        del tasks
        return held, dt
    held, dt = asyncio.run(main())
    return {"value": conns * rounds / dt, "held": held, "rounds": rounds}


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5,
             "W6-k10": w6, "W6-k100k": w6, "NET": net_echo}
