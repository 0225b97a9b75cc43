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
    (np.waiters) and stops watching the socket (np._update(pd))."""
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
    finally:
        np.close()
        peer.close()


@public
def test_netpollready_wakes_only_the_ready_direction(sol):
    """pd holds one reader (rg) and one writer (wg): a write-ready event
    wakes only the writer and leaves the reader registered for reading;
    then read-ready wakes the reader."""
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
        expect(after_w, ([w], True, None, 1, selectors.EVENT_READ),
               "gs, reader still there, pd.wg, waiters, selector events after EVENT_WRITE")
        expect(after_r, ([w, r], None, 0, 0), "gs, pd.rg, waiters, selector events after EVENT_READ")
    finally:
        np.close()
        peer.close()


@public
def test_netpollblock_parks_in_io_wait_until_the_socket_is_readable(sol):
    """Go's netpollblock: the goroutine records itself in pd.rg, the poller
    counts it (np.waiters) and watches the socket, and it parks with wait
    reason "IO wait"; the host thread is not blocked.  When data arrives the
    poller wakes it and netpollblock returns None (ready)."""
    import selectors
    import socket

    from reference_runtime import chan, go, runtime

    def main():
        rt = runtime()
        np = rt.netpoller
        a, b = socket.socketpair()
        pd = np.register(a)
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
    (pollErrTimeout), without parking; pd.rd is the read deadline, pd.wd
    the write deadline (seconds on the run's clock)."""
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
        pd.rd, pd.wd = None, 0.25
        out.append(sol.netpollblock(rt, np, pd, True))
        pd.wd = None
        pd.closing = True
        out.append(sol.netpollblock(rt, np, pd, False))
        out.append(sol.netpollblock(rt, np, pd, True))
        b.close()
        return out, np.waiters

    expect(_run(main, {"netpollblock": sol.netpollblock}, clock="virtual"),
           (["timeout", "timeout", "closed", "closed"], 0),
           "netpollblock results (read past deadline, write past deadline, closing x2), waiters")


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
        s = ln.accept()
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
    """Park the running goroutine (rt.curg) until pd's socket is ready for
    reading (write=False) or writing (write=True).  First: pd.closing ->
    return "closed"; the deadline (pd.wd if write else pd.rd) not None and
    <= rt.nanotime() -> return "timeout".  Else record the goroutine in pd.rg
    (or pd.wg), clear pd.rerr (pd.werr), count it (np.waiters += 1), have the
    selector watch pd (np._update(pd)), and rt.gopark(WaitReason.IO_WAIT).
    Return pd.rerr (pd.werr): None when woken by readiness, "timeout" or
    "closed" when a deadline or a close woke it."""
    ...

def netpollready(rt, np, pd, mask, gs):
    """The selector reported mask (selectors.EVENT_READ and/or EVENT_WRITE)
    for pd: for each ready direction with a goroutine waiting, append it to
    gs, clear pd.rg (pd.wg) and np.waiters -= 1.  Then np._update(pd)."""
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
        "Write the two halves of Go's netpoller (runtime/netpoll.go). A socket's poll "
        "descriptor pd (Go's pollDesc) holds at most one goroutine waiting to read (pd.rg) "
        "and one waiting to write (pd.wg). netpollblock(rt, np, pd, write) -> None | "
        "'timeout' | 'closed': return 'closed' at once if pd.closing, 'timeout' at once if "
        "the deadline (pd.wd for writing, pd.rd for reading; None means none) is not after "
        "rt.nanotime(); otherwise store rt.curg in pd.wg (pd.rg), clear pd.werr (pd.rerr), "
        "add one to np.waiters, call np._update(pd) so the selector watches the socket, "
        "park with wait reason 'IO wait', and return pd.werr (pd.rerr) once woken: None "
        "for readiness, or what a deadline timer or a close set there. netpollready(rt, "
        "np, pd, mask, gs): the selector found pd ready (mask has selectors.EVENT_READ "
        "and/or EVENT_WRITE); for each ready direction with a goroutine waiting, append it "
        "to gs (the scheduler makes them runnable), clear pd.rg (pd.wg), subtract one from "
        "np.waiters; then np._update(pd). Tested on a poll descriptor directly, then on "
        "whole programs over loopback TCP (an echo server, deadlines, close) with your "
        "parts in the runtime. The reference is reference_runtime/netpoll.py."),
    starter=STARTER,
    hints=[
        "np._update(pd) registers, modifies or unregisters pd with the selector from pd.rg "
        "and pd.wg: set or clear them first, then call it.",
        "np.waiters is how the scheduler knows someone is parked on the network: with 0 it "
        "does not poll and may even declare a deadlock. Keep it exact: +1 per park, -1 per "
        "goroutine you hand back in gs.",
        "Whoever wakes a parked goroutine for a deadline or a close (the runtime's "
        "np.unblock) clears pd.rg or pd.wg and sets pd.rerr or pd.werr: after gopark "
        "returns, just report that field.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    timeout=30.0,             # a busy-looping reader only stops at its per-test limit
    kind="runtime",
)
