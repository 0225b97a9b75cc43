"""Exercise 05.2: a goroutine-per-connection handler that closes idle
connections — deadlines are timers (Go's net.Conn.SetReadDeadline)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public


# --------------------------------------------------------------- helpers

def _run(main, *args):
    """Run main(*args) on a fresh runtime with the virtual clock: deadlines
    fire at exactly their time, whatever the machine's load.  A run still
    going after 4 s of real time is stopped (RunTimeout): a handler that
    never answers leaves its client waiting forever."""
    from reference_runtime.sched import Runtime
    return Runtime(gomaxprocs=1, clock="virtual", seed=1, preempt="off",
                   timeout=4.0).run_main(main, args)


def _pair(serve_conn, idle, result):
    """A listener, one client connection, and a goroutine running
    serve_conn on the server side; its return value goes into result."""
    from reference_runtime import go, net
    ln = net.listen("tcp", "127.0.0.1:0")
    client = net.dial("tcp", ln.addr)
    server = ln.accept()
    ln.close()
    go(lambda: result.append(serve_conn(server, idle)))
    return client, server


def _read(c, n, exactly=False):
    """Read on the client side with a 10 s (virtual) deadline of its own, so a
    handler that never answers fails the test at once instead of hanging it."""
    from reference_runtime import net, now
    c.set_read_deadline(now() + 10)
    try:
        return c.read_exactly(n) if exactly else c.read(n)
    except net.Timeout:
        return f"no answer by t={_t():g}"
    finally:
        c.set_read_deadline(None)


def _t():
    from reference_runtime import now
    return round(now(), 6)


# --------------------------------------------------------------- public

@public
def test_echoes_until_the_peer_closes(sol):
    """Everything the client writes comes back; when the client closes, the
    handler's read returns b"" (Go's io.EOF) and serve_conn returns "eof"."""
    from reference_runtime import sleep

    def main():
        result = []
        client, server = _pair(sol.serve_conn, 1.0, result)
        echoes = []
        for msg in (b"one", b"two", b"three"):
            client.write(msg)
            echoes.append(_read(client, len(msg), True))
        client.close()
        sleep(0.01)
        return echoes, result

    expect(_run(main), ([b"one", b"two", b"three"], ["eof"]), "echoes, serve_conn's result")


@public
def test_an_idle_connection_is_closed_after_idle_seconds(sol):
    """Go: "A deadline is an absolute time after which I/O operations fail"
    (net.Conn).  The client writes once at t=0 and then says nothing: the
    handler's read deadline passes at t=0.5, it closes the connection (the
    client reads b"" at exactly t=0.5) and returns "idle"."""

    def main():
        result = []
        client, server = _pair(sol.serve_conn, 0.5, result)
        client.write(b"hi")
        echo = _read(client, 2, True)
        eof = _read(client, 10)
        return echo, eof, _t(), result

    expect(_run(main), (b"hi", b"", 0.5, ["idle"]),
           "echo, what the client read next, when (virtual s), serve_conn's result")


@public
def test_each_read_gets_a_fresh_deadline(sol):
    """The deadline is set again before every read (Go programs call
    SetReadDeadline(time.Now().Add(idle)) in the read loop): writes at 0,
    0.4 and 0.8 keep a 0.5 s idle connection open; it closes at 1.3."""
    from reference_runtime import sleep

    def main():
        result = []
        client, server = _pair(sol.serve_conn, 0.5, result)
        for k, msg in enumerate((b"a", b"b", b"c")):
            if k:
                sleep(0.4)
            client.write(msg)
            _read(client, 1, True)
        eof = _read(client, 10)
        return eof, _t(), result

    expect(_run(main), (b"", 1.3, ["idle"]), "client's read, when, serve_conn's result")


@public
def test_the_handler_closes_the_connection_on_both_paths(sol):
    """serve_conn closes its connection before returning, after EOF as after
    a timeout (Go: defer conn.Close()); a client that connects and never
    writes is idle too: the first read has a deadline as well."""
    from reference_runtime import sleep

    def main():
        out = []
        for idle_path in (False, True):
            result = []
            client, server = _pair(sol.serve_conn, 0.2, result)
            if not idle_path:
                client.close()
            sleep(1.0)
            out.append((result, server._fd.closed))
        return out

    expect(_run(main), [(["eof"], True), (["idle"], True)],
           "(result, server side closed) after EOF, then after idling")


# --------------------------------------------------------------- hidden

@hidden
def test_two_hundred_connections_each_with_its_own_deadline(sol):
    """A goroutine per connection, 200 of them on one host thread: client i
    writes at t = i ms and then idles; each handler closes its connection at
    its own deadline, i ms + 0.3 s, exactly (virtual clock)."""
    from reference_runtime import WaitGroup, go, net, sleep

    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        results = []

        def serve():
            while True:
                try:
                    conn = ln.accept()
                except net.NetError:
                    return
                go(lambda c=conn: results.append(sol.serve_conn(c, 0.3)))

        go(serve)
        closed_at = {}
        wg = WaitGroup()

        def client(i):
            c = net.dial("tcp", ln.addr)
            sleep(i / 1000)
            c.write(b"x")
            _read(c, 1, True)
            if _read(c, 1) == b"":
                closed_at[i] = _t()
            c.close()
            wg.done()

        for i in range(200):
            wg.add(1)
            go(client, i)
        wg.wait()
        ln.close()
        return closed_at, results

    closed_at, results = _run(main)
    expect(sorted(closed_at), list(range(200)), "clients that saw the server close")
    wrong = {i: t for i, t in closed_at.items() if abs(t - (i / 1000 + 0.3)) > 1e-9}
    expect(wrong, {}, "clients closed at another time than i ms + 0.3 s")
    expect(results.count("idle"), 200, "handlers that returned 'idle'")


@hidden
def test_large_messages_come_back_whole(sol):
    """A 1 MiB message: the handler must write back everything it read (the
    write parks while the socket buffer is full), and a slow reader is not
    idle while data keeps arriving."""
    from reference_runtime import go

    def main():
        result = []
        client, server = _pair(sol.serve_conn, 0.5, result)
        big = bytes(range(256)) * 4096
        back = []
        go(lambda: back.append(_read(client, len(big), True)))
        client.write(big)
        from reference_runtime import sleep
        sleep(0.1)
        client.close()
        sleep(0.1)
        return back[0] == big if back else "nothing back", result

    expect(_run(main), (True, ["eof"]), "the echo is whole, serve_conn's result")


STARTER = '''\
import gokernel as gk

def serve_conn(conn, idle):
    """Echo what the peer sends on conn until it closes (return "eof") or
    stays silent for `idle` seconds (return "idle")."""
    ...
'''


def _reference():
    from reference_runtime import net, now

    def serve_conn(conn, idle):
        try:
            while True:
                conn.set_read_deadline(now() + idle)
                try:
                    data = conn.read(65536)
                except net.Timeout:
                    return "idle"
                if not data:
                    return "eof"
                conn.write(data)
        finally:
            conn.close()

    return {"serve_conn": serve_conn}


EXERCISE = Exercise(
    id="echo_idle",
    notebook="05",
    number=2,
    title="A connection handler that closes idle connections",
    points=5,
    provides=["serve_conn"],
    statement=(
        "Write the handler a goroutine-per-connection server runs for each connection: "
        "serve_conn(conn, idle). The rules: "
        "(1) everything read from conn is written back to it, whole; "
        "(2) when the peer closes (conn.read returns b\"\", Go's io.EOF) it returns "
        "'eof'; "
        "(3) when nothing has arrived for idle seconds since the last data, or since the "
        "start, it returns 'idle', at exactly that time: Go does this with a read "
        "deadline, an absolute time after which a read fails (net.Conn.SetReadDeadline), "
        "set afresh before every read (conn.set_read_deadline(t) takes a time on the "
        "run's clock, gk.now()); a read still waiting at its deadline raises "
        "gk.net.Timeout ('read: i/o timeout'), because the deadline is a timer that "
        "wakes the parked reader (netpoll.go's netpolldeadlineimpl); "
        "(4) it closes conn before returning, on both paths (Go's defer conn.Close()). "
        "Tested with the virtual clock, so deadlines fire at exactly their time: public "
        "tests echo, idle out, keep a connection open while it writes, and check the close "
        "on both paths; hidden tests add 200 connections each with its own deadline and a "
        "1 MiB message."),
    starter=STARTER,
    hints=[
        "A deadline is an absolute time, not a duration (Go's net.Conn documentation, and "
        "SetReadDeadline in net/net.go). Which time must the deadline be, so that a "
        "client that keeps talking is never cut off, and one that never says anything is?",
        "Two ways out of the read loop, one exception (gk.net.Timeout) and one return "
        "value (b\"\"), and a close that must happen on both: Python's try/finally is "
        "Go's defer.",
        "gk.now() is the run's clock, not the machine's: with clock=\"virtual\" a "
        "deadline half a second past it fires exactly 0.5 s later, whatever the machine's "
        "load.",
        "The shape: `try: while True: conn.set_read_deadline(gk.now() + idle); try: data = "
        "conn.read(65536) except gk.net.Timeout: return \"idle\"; if not data: return "
        "\"eof\"; conn.write(data) finally: conn.close()`.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    timeout=30.0,
    kind="model",
)
