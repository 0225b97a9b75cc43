"""Exercise 05.1: the netpoller — netpollblock and netpollready (Go's
runtime/netpoll.go)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public


# --------------------------------------------------------------- helpers

def _poller():
    """A runtime that is not running, its netpoller, and a connected socket
    pair whose first end has a poll descriptor."""
    import socket

    from reference_runtime.netpoll import Netpoller
    from reference_runtime.sched import Runtime
    rt = Runtime(gomaxprocs=1, clock="virtual", preempt="off")
    np = Netpoller(rt)
    a, b = socket.socketpair()
    pd = np.register(a)
    return rt, np, pd, b


def _g(goid):
    from reference_runtime.g import G
    g = G()
    g.goid = goid
    return g


def _registered(np, pd):
    """The events the selector watches for pd's socket (0: not registered)."""
    try:
        return np.sel.get_key(pd.fd).events
    except KeyError:
        return 0


def _run(main, parts, *args, clock="real"):
    from reference_runtime.sched import Runtime
    return Runtime(gomaxprocs=1, clock=clock, seed=1, preempt="off",
                   parts=parts).run_main(main, args)


def _both(sol):
    return {"netpollblock": sol.netpollblock, "netpollready": sol.netpollready}


def _settle(*gs):
    from reference_runtime import GStatus, gosched
    for _ in range(1000):
        if all(g.status in (GStatus.Gwaiting, GStatus.Gdead) for g in gs):
            return
        gosched()


# --------------------------------------------------------------- public

@public
def test_netpollready_hands_the_waiting_reader_to_the_scheduler(sol):
    """Go's netpollready: the fd is ready for reading, so the goroutine in
    pd.rg is taken off the descriptor and added to the list the scheduler
    will make runnable (gs); the poller waits for one fewer goroutine
    (np.waiters) and stops watching the socket (np._update(pd)).  A ready
    direction in which nobody waits hands back and uncounts no one."""
    import selectors
    rt, np, pd, peer = _poller()
    try:
        g = _g(5)
        pd.rg = g
        np.waiters = 1
        np._update(pd)
        before = _registered(np, pd)
        gs = []
        sol.netpollready(rt, np, pd, selectors.EVENT_READ, gs)
        expect(before, selectors.EVENT_READ, "selector events for pd before (set up by the test)")
        expect((gs, pd.rg, np.waiters), ([g], None, 0), "gs, pd.rg, np.waiters")
        expect((pd.mask, _registered(np, pd)), (0, 0),
               "pd.mask and the selector's events for pd afterwards")
        g2 = _g(6)
        pd.rg = g2
        np.waiters = 1
        np._update(pd)
        gs2 = []
        sol.netpollready(rt, np, pd, selectors.EVENT_READ | selectors.EVENT_WRITE, gs2)
        expect((gs2, pd.rg, pd.wg, np.waiters), ([g2], None, None, 0),
               "gs, pd.rg, pd.wg, np.waiters after an event ready both ways with only a "
               "reader waiting (no writer to hand back, none to uncount)")
    finally:
        np.close()
        peer.close()


@public
def test_netpollready_wakes_only_the_ready_direction(sol):
    """pd holds one reader (rg) and one writer (wg): a write-ready event
    wakes only the writer and leaves the reader registered for reading;
    then read-ready wakes the reader; an event ready both ways wakes both."""
    import selectors
    rt, np, pd, peer = _poller()
    try:
        r, w = _g(1), _g(2)
        pd.rg, pd.wg = r, w
        np.waiters = 2
        np._update(pd)
        gs = []
        sol.netpollready(rt, np, pd, selectors.EVENT_WRITE, gs)
        after_w = (gs[:], pd.rg is r, pd.wg, np.waiters, _registered(np, pd))
        sol.netpollready(rt, np, pd, selectors.EVENT_READ, gs)
        after_r = (gs[:], pd.rg, np.waiters, _registered(np, pd))
        r2, w2 = _g(3), _g(4)
        pd.rg, pd.wg = r2, w2
        np.waiters = 2
        np._update(pd)
        both = []
        sol.netpollready(rt, np, pd, selectors.EVENT_READ | selectors.EVENT_WRITE, both)
        after_both = (sorted(g.goid for g in both), pd.rg, pd.wg, np.waiters,
                      _registered(np, pd))
        expect(after_w, ([w], True, None, 1, selectors.EVENT_READ),
               "gs, reader still there, pd.wg, waiters, selector events after EVENT_WRITE")
        expect(after_r, ([w, r], None, 0, 0), "gs, pd.rg, waiters, selector events after EVENT_READ")
        expect(after_both, ([3, 4], None, None, 0, 0),
               "goids in gs, pd.rg, pd.wg, waiters, selector events after an event ready "
               "both ways, with a reader and a writer waiting")
    finally:
        np.close()
        peer.close()


@public
def test_netpollblock_parks_in_io_wait_until_the_socket_is_readable(sol):
    """Go's netpollblock: the goroutine records itself in pd.rg, the poller
    counts it (np.waiters) and watches the socket, and it parks with wait
    reason "IO wait"; the host thread is not blocked.  When data arrives the
    poller wakes it and netpollblock returns None (ready), even though an
    earlier wait had left "timeout" in pd.rerr: the answer is why this wait
    ended."""
    import selectors
    import socket

    from reference_runtime import chan, go, runtime

    def main():
        rt = runtime()
        np = rt.netpoller
        a, b = socket.socketpair()
        pd = np.register(a)
        pd.rerr = "timeout"               # left by an earlier wait whose deadline passed
        res = chan(1)
        g = go(lambda: res.send(sol.netpollblock(rt, np, pd, False)))
        _settle(g)
        parked = (g.wait_reason, pd.rg is g, np.waiters, _registered(np, pd))
        b.send(b"x")                      # the peer writes: a becomes readable
        got = res.recv()
        b.close()
        return parked, got, a.recv(1), np.waiters

    parked, got, data, waiters = _run(main, {"netpollblock": sol.netpollblock})
    expect(parked, ("IO wait", True, 1, selectors.EVENT_READ),
           "wait reason, pd.rg is the goroutine, np.waiters, selector events while parked")
    expect((got, data, waiters), (None, b"x", 0), "netpollblock's result, the data, np.waiters")


@public
def test_netpollblock_returns_at_once_when_closing_or_past_its_deadline(sol):
    """Go's netpollcheckerr before parking: a descriptor being closed gives
    "closed" (pollErrClosing), a deadline already passed gives "timeout"
    (pollErrTimeout), without parking; a deadline equal to now has passed.
    pd.rd is the read deadline, pd.wd the write deadline (seconds on the
    run's clock)."""
    from reference_runtime import runtime, sleep

    def main():
        rt = runtime()
        np = rt.netpoller
        import socket
        a, b = socket.socketpair()
        pd = np.register(a)
        sleep(1.0)
        out = []
        pd.rd = 0.5
        out.append(sol.netpollblock(rt, np, pd, False))
        pd.rd = rt.nanotime()             # a deadline of exactly now has passed too
        out.append(sol.netpollblock(rt, np, pd, False))
        pd.rd, pd.wd = None, 0.25
        out.append(sol.netpollblock(rt, np, pd, True))
        pd.wd = None
        pd.closing = True
        out.append(sol.netpollblock(rt, np, pd, False))
        out.append(sol.netpollblock(rt, np, pd, True))
        b.close()
        return out, np.waiters

    expect(_run(main, {"netpollblock": sol.netpollblock}, clock="virtual"),
           (["timeout", "timeout", "timeout", "closed", "closed"], 0),
           "netpollblock results (read past deadline, read deadline now, write past deadline, "
           "closing x2), waiters")


@public
def test_netpollblock_returns_why_it_was_woken(sol):
    """A parked reader woken by its deadline's timer or by a close (the
    runtime's np.unblock, Go's netpollunblock, which clears pd.rg and sets
    pd.rerr) gets netpollblock's answer "timeout" or "closed", not None:
    the read must fail with the right error; a writer's reason is in pd.werr.
    Virtual clock; the peer never writes (nor reads, for the writer, whose
    send buffer is full), so only np.unblock can wake them."""
    import socket

    from reference_runtime import chan, go, runtime

    def main():
        rt = runtime()
        np = rt.netpoller
        c, d = socket.socketpair()
        wpd = np.register(c)
        c.setblocking(False)
        try:
            while True:
                c.send(b"z" * 65536)          # fill c's send buffer
        except BlockingIOError:
            pass
        res = chan(1)
        g = go(lambda: res.send(sol.netpollblock(rt, np, wpd, True)))
        _settle(g)
        np.unblock(wpd, True, "timeout")
        out = [("writer", res.recv())]
        np.close_pd(wpd)
        c.close()
        d.close()
        a, b = socket.socketpair()
        pd = np.register(a)
        for why in ("timeout", "closed"):
            res = chan(1)
            g = go(lambda: res.send(sol.netpollblock(rt, np, pd, False)))
            _settle(g)
            if why == "timeout":
                np.unblock(pd, False, "timeout")
            else:
                np.close_pd(pd)
            out.append(res.recv())
        b.close()
        a.close()
        return out, np.waiters

    expect(_run(main, {"netpollblock": sol.netpollblock}, clock="virtual"),
           ([("writer", "timeout"), "timeout", "closed"], 0),
           "netpollblock's result for a writer woken by its deadline, then for a reader "
           "woken by a deadline and by a close; np.waiters")


@public
def test_a_writer_parks_in_pd_wg_until_the_socket_is_writable(sol):
    """A goroutine writing to a socket whose send buffer is full records
    itself in pd.wg (not pd.rg: a descriptor holds one reader and one writer
    at once), is counted in np.waiters, has the selector watch for writing,
    and parks in "IO wait"; when the peer drains the buffer, it is woken and
    netpollblock returns None."""
    import selectors
    import socket

    from reference_runtime import chan, go, runtime

    def main():
        rt = runtime()
        np = rt.netpoller
        a, b = socket.socketpair()
        pd = np.register(a)
        a.setblocking(False)
        try:
            while True:
                a.send(b"z" * 65536)          # fill a's send buffer
        except BlockingIOError:
            pass
        res = chan(1)
        g = go(lambda: res.send(sol.netpollblock(rt, np, pd, True)))
        _settle(g)
        parked = (g.wait_reason, pd.wg is g, pd.rg, np.waiters, _registered(np, pd))
        b.setblocking(False)
        try:
            while True:
                if not b.recv(1 << 20):
                    break
        except BlockingIOError:
            pass
        got = res.recv()
        b.close()
        return parked, got, np.waiters

    parked, got, waiters = _run(main, {"netpollblock": sol.netpollblock})
    expect(parked, ("IO wait", True, None, 1, selectors.EVENT_WRITE),
           "wait reason, pd.wg is the goroutine, pd.rg, np.waiters, selector events while parked")
    expect((got, waiters), (None, 0), "netpollblock's result, np.waiters")


# --------------------------------------------------------------- hidden

@hidden
def test_a_read_deadline_wakes_the_reader_with_timeout(sol):
    """Deadlines are timers: when the read deadline passes, its timer wakes
    the parked reader with pd.rerr = "timeout" (Go's netpollunblock from
    netpollReadDeadline) and the read fails with "read: i/o timeout";
    netpollblock must return why it was woken."""
    from reference_runtime import net, now

    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        c = net.dial("tcp", ln.addr)
        ln.accept()
        c.set_read_deadline(now() + 0.05)
        try:
            c.read(10)
            return "read returned"
        except net.Timeout as e:
            return str(e), now() >= 0.05

    expect(_run(main, _both(sol)), ("read: i/o timeout", True), "the read's error, time >= deadline")


@hidden
def test_closing_a_connection_wakes_its_reader(sol):
    """Closing a descriptor wakes its waiters with "closed" (Go's
    poll_runtime_pollUnblock): the reader's Read fails with "use of closed
    network connection"."""
    from reference_runtime import chan, go, net, sleep

    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        c = net.dial("tcp", ln.addr)
        ln.accept()
        res = chan(1)

        def reader():
            try:
                res.send(c.read(10))
            except net.NetError as e:
                res.send(str(e))

        go(reader)
        sleep(0.02)
        c.close()
        return res.recv()

    expect(_run(main, _both(sol)), "read: use of closed network connection", "the reader's error")


@hidden
def test_an_echo_exchange_over_loopback_runs_on_your_poller(sol):
    """A goroutine-per-connection echo server and 20 clients over loopback
    TCP, every read, write, accept and dial parking on your netpollblock and
    woken by your netpollready; one 4 MiB message fills the socket buffers,
    so writers park too ("IO wait" for writing).  Every echo comes back
    intact, and once every connection and the listener are closed no
    goroutine is counted as waiting on the network (np.waiters == 0)."""
    from reference_runtime import WaitGroup, go, net, runtime

    def main():
        ln = net.listen("tcp", "127.0.0.1:0")

        handlers = WaitGroup()

        def handle(conn):
            while True:
                data = conn.read(65536)
                if not data:
                    break
                conn.write(data)
            conn.close()
            handlers.done()

        def serve():
            while True:
                try:
                    conn = ln.accept()
                except net.NetError:
                    return
                handlers.add(1)
                go(handle, conn)

        go(serve)
        wg = WaitGroup()
        results = {}

        def client(i):
            c = net.dial("tcp", ln.addr)
            got = []
            for k in range(3):
                msg = f"client {i} message {k}".encode()
                c.write(msg)
                got.append(c.read_exactly(len(msg)) == msg)
            if i == 0:
                big = bytes(range(256)) * (4 * 4096)          # 4 MiB
                done = WaitGroup()
                done.add(1)
                back = []
                go(lambda: (back.append(c.read_exactly(len(big))), done.done()))
                c.write(big)
                done.wait()
                got.append(back[0] == big)
            c.close()
            results[i] = all(got)
            wg.done()

        for i in range(20):
            wg.add(1)
            go(client, i)
        wg.wait()
        handlers.wait()
        ln.close()
        return sorted(k for k, ok in results.items() if ok), runtime().netpoller.waiters

    ok, waiters = _run(main, _both(sol))
    expect(ok, list(range(20)), "clients whose echoes came back intact")
    expect(waiters, 0, "np.waiters at the end")


@hidden
def test_a_reader_and_a_writer_wait_on_one_socket_at_once(sol):
    """One goroutine parked reading a connection and another parked writing
    to it (the peer is not reading, the send buffer is full): pd.rg and
    pd.wg both set, the selector watching both directions; each is woken
    when its own direction becomes ready."""
    import selectors

    from reference_runtime import WaitGroup, go, net, sleep

    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        c = net.dial("tcp", ln.addr)
        s = ln.accept()
        big = b"z" * (8 << 20)
        out = {}
        wg = WaitGroup()
        wg.add(2)
        go(lambda: (out.__setitem__("read", c.read(5)), wg.done()))
        go(lambda: (out.__setitem__("wrote", c.write(big)), wg.done()))
        sleep(0.05)
        pd = c._fd.pd
        both = (pd.rg is not None, pd.wg is not None,
                _registered(c._fd.np, pd) == selectors.EVENT_READ | selectors.EVENT_WRITE)
        s.write(b"hello")
        n = len(s.read_exactly(len(big)))
        wg.wait()
        return both, out, n

    both, out, n = _run(main, _both(sol))
    expect(both, (True, True, True), "reader parked, writer parked, selector watching both")
    expect((out, n), ({"read": b"hello", "wrote": 8 << 20}, 8 << 20),
           "what the reader and writer got, bytes the peer read")


STARTER = '''\
import selectors
from gokernel.rt import WaitReason

def netpollblock(rt, np, pd, write):
    """Wait, parked, until pd's socket is ready for reading (write=False) or
    writing (write=True).  Return why the wait ended: None (ready), "timeout"
    or "closed"."""
    ...

def netpollready(rt, np, pd, mask, gs):
    """The selector reported `mask` (selectors.EVENT_READ and/or EVENT_WRITE)
    for pd: hand the goroutines it makes ready to the scheduler in gs."""
    ...
'''


def _reference():
    from reference_runtime import netpoll
    return {"netpollblock": netpoll.netpollblock, "netpollready": netpoll.netpollready}


EXERCISE = Exercise(
    id="netpoll",
    notebook="05",
    number=1,
    title="The netpoller: park a goroutine on a socket, wake it from the poller",
    points=15,
    provides=["netpollblock", "netpollready"],
    statement=(
        "Write the two halves of Go's netpoller (Go 1.19, runtime/netpoll.go: "
        "netpollblock and netpollready). A goroutine that reads a socket with no data "
        "must not block the host thread: it parks, and the poller (one selector for every "
        "socket) wakes it when the socket is ready. A socket's poll descriptor pd (Go's "
        "pollDesc) holds at most one goroutine waiting to read, pd.rg, and one waiting to "
        "write, pd.wg; np.waiters counts every parked one, because the scheduler polls the "
        "network, and checkdead spares the program, only while it is not 0; np._update(pd) "
        "makes the selector watch exactly the directions in which someone waits. The rules: "
        "(1) netpollblock(rt, np, pd, write) returns 'closed' at once, without parking, if "
        "pd is being closed (pd.closing), and 'timeout' at once if its deadline (pd.rd for "
        "reading, pd.wd for writing; None: no deadline) is not after rt.nanotime(), as "
        "netpollcheckerr does; "
        "(2) otherwise the running goroutine (rt.curg) is recorded in pd.rg or pd.wg, "
        "counted in np.waiters, watched by the selector, and parked with wait reason "
        "'IO wait'; "
        "(3) it returns why this wait ended, which whoever woke it left in pd.rerr or "
        "pd.werr: None for readiness, 'timeout' when a deadline's timer woke it, 'closed' "
        "for a close (the runtime's np.unblock, Go's netpollunblock); an error left by an "
        "earlier wait does not count; "
        "(4) netpollready(rt, np, pd, mask, gs), for each direction in mask "
        "(selectors.EVENT_READ, EVENT_WRITE) with a goroutine waiting, appends it to gs "
        "(the scheduler makes them runnable), takes it off pd and out of np.waiters; other "
        "directions keep their waiter; then the selector is updated. "
        "Public tests call netpollready on a real poll descriptor and run netpollblock on "
        "socket pairs inside a run (one test per rule); hidden tests run whole programs "
        "over loopback TCP with your parts: deadlines, close, a reader and a writer on one "
        "socket, an echo server with 20 clients and a 4 MiB message."),
    starter=STARTER,
    hints=[
        "Read netpollblock and netpollready in Go 1.19's runtime/netpoll.go: a pollDesc has "
        "one slot per direction (rg, wg), and netpollcheckerr decides, before anyone parks, "
        "whether the wait can even start.",
        "np._update(pd) computes the selector's interest from pd.rg and pd.wg as they are "
        "when you call it. When must it run: before or after you set or clear them?",
        "np.waiters is how the scheduler knows someone is parked on the network: with 0 it "
        "does not poll, and checkdead may declare a deadlock. +1 per park, -1 per goroutine "
        "handed back in gs (np.unblock does its own -1).",
        "netpollblock, reading: `if pd.closing: return \"closed\"`; `if pd.rd is not None "
        "and pd.rd <= rt.nanotime(): return \"timeout\"`; `pd.rg, pd.rerr = rt.curg, "
        "None`; `np.waiters += 1`; `np._update(pd)`; `rt.gopark(WaitReason.IO_WAIT)`; "
        "`return pd.rerr` (writing: wd, wg, werr). netpollready, reading: `if mask & "
        "selectors.EVENT_READ and pd.rg is not None: gs.append(pd.rg); pd.rg = None; "
        "np.waiters -= 1`; the same for writing; then `np._update(pd)`.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    timeout=30.0,             # a busy-looping reader only stops at its per-test limit
    kind="runtime",
)
