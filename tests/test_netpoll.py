"""The network poller: goroutines parked on sockets (wait reason "IO wait")
while the host thread serves others (runtime/netpoll.go, net/fd_posix.go)."""
from __future__ import annotations

import resource
import threading

import pytest

from reference_runtime import (Deadlock, WaitGroup, go, gosched, net, now, num_goroutine, run, sleep)


def _raise_fd_limit(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def echo_server(ln):
    def serve(c):
        with c:
            while True:
                data = c.read()
                if not data:
                    return
                c.write(data)

    def accept_loop():
        while True:
            try:
                c = ln.accept()
            except net.ErrClosed:
                return
            go(serve, c)
    go(accept_loop)


def test_echo_server_holds_1000_connections_on_one_host_thread():
    n = 1000
    if _raise_fd_limit(2 * n + 100) < 2 * n + 100:
        pytest.skip("not enough file descriptors")
    threads_before = threading.active_count()

    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        echo_server(ln)
        conns = [net.dial("tcp", ln.addr) for _ in range(n)]
        sleep(0.05)
        held = num_goroutine()              # main + acceptor + one server per connection
        wg = WaitGroup()
        got = []
        for i, c in enumerate(conns):
            wg.add(1)

            def client(c=c, i=i):
                msg = b"ping %d" % i
                c.write(msg)
                got.append(c.read_exactly(len(msg)) == msg)
                wg.done()
            go(client)
        wg.wait()
        threads = threading.active_count()
        for c in conns:
            c.close()
        ln.close()
        return held, got, threads

    held, got, threads = run(main, gomaxprocs=1, timeout=60)
    assert held == n + 2
    assert len(got) == n and all(got)
    # goroutines blocked on the network hold no thread: only sysmon was added
    assert threads <= threads_before + 1


def test_blocked_reader_waits_with_reason_io_wait_and_is_not_a_deadlock():
    seen = []

    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        c = net.dial("tcp", ln.addr)
        srv = ln.accept()
        reader = go(lambda: seen.append(c.read()))
        sleep(0.02)
        seen.append(reader.wait_reason)
        srv.write(b"late")
        sleep(0.02)
        for x in (c, srv, ln):
            x.close()

    run(main, gomaxprocs=1, timeout=10)
    assert seen == ["IO wait", b"late"]


def test_read_deadline_gives_i_o_timeout():
    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        c = net.dial("tcp", ln.addr)
        srv = ln.accept()
        c.set_read_deadline(now() + 0.02)
        try:
            c.read()
        except net.Timeout as e:
            return str(e)
        finally:
            for x in (c, srv, ln):
                x.close()

    assert "i/o timeout" in run(main, timeout=10)


def test_closing_a_conn_wakes_its_reader_with_use_of_closed_network_connection():
    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        c = net.dial("tcp", ln.addr)
        srv = ln.accept()
        out = []

        def reader():
            try:
                c.read()
            except net.ErrClosed as e:
                out.append(str(e))
        go(reader)
        sleep(0.01)
        c.close()
        sleep(0.01)
        srv.close()
        ln.close()
        return out

    assert run(main, timeout=10) == ["read: use of closed network connection"]


def test_read_returns_empty_bytes_at_end_of_stream():
    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        c = net.dial("tcp", ln.addr)
        srv = ln.accept()
        srv.write(b"bye")
        srv.close()
        data = c.read_exactly(10)
        c.close()
        ln.close()
        return data

    assert run(main, timeout=10) == b"bye"


def test_dial_to_a_closed_port_fails_cleanly():
    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        addr = ln.addr
        ln.close()
        try:
            net.dial("tcp", addr)
        except net.NetError as e:
            return "refused" in str(e).lower() or "ECONNREFUSED" in str(e)

    assert run(main, timeout=10) is True


def test_sockets_left_open_are_closed_when_the_run_ends():
    kept = []

    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        kept.append(ln)
        c = net.dial("tcp", ln.addr)
        kept.append(c)

    run(main)
    assert all(x._fd.pd.sock.fileno() == -1 for x in kept)


def test_a_deadlock_is_still_reported_once_the_network_is_idle():
    def main():
        from reference_runtime import chan
        ln = net.listen("tcp", "127.0.0.1:0")
        ln.close()
        chan().recv()

    with pytest.raises(Deadlock, match="all goroutines are asleep"):
        run(main, timeout=10)


def test_sysmon_polls_the_network_for_a_host_that_never_goes_idle():
    """Go's sysmon: "poll network if not polled for more than 10ms".  Two
    goroutines yielding to each other keep the one P busy, so the scheduler
    itself never reaches the network; only sysmon's poll wakes the reader."""
    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        client = net.dial("tcp", ln.addr)
        server = ln.accept()
        got = []
        go(lambda: got.append(server.read()))
        gosched()                                # the reader parks in IO wait
        client.write(b"ping")
        yields = 0

        def spinner():
            while not got:
                gosched()

        go(spinner)
        while not got:
            gosched()
            yields += 1
        for c in (client, server, ln):
            c.close()
        return got[0], yields

    data, yields = run(main, gomaxprocs=1, timeout=10)
    assert data == b"ping"
    assert yields > 0            # the host was busy when the data arrived


def test_sysmon_leaves_a_host_blocked_in_netpoll_alone(monkeypatch):
    """While the host sleeps in the poller (Go: sched.lastpoll == 0), sysmon
    has nothing to poll for it, and must not wake it every 10 ms."""
    from reference_runtime import sysmon
    posts = []
    real = sysmon._sysmon_netpoll
    monkeypatch.setattr(sysmon, "_sysmon_netpoll", lambda rt: (posts.append(1), real(rt)))

    def main():
        ln = net.listen("tcp", "127.0.0.1:0")
        client = net.dial("tcp", ln.addr)
        server = ln.accept()
        go(server.read)                          # parked in IO wait all along
        sleep(0.2)                               # the host blocks in netpoll until the timer
        for c in (client, server, ln):
            c.close()

    run(main, gomaxprocs=1)
    assert posts == []
