"""TCP for goroutines (a small Go ``net``): blocking calls that park the
calling goroutine on the netpoller (wait reason ``IO wait``) and never block
the host thread.

    ln = net.listen("tcp", "127.0.0.1:0")
    c = net.dial("tcp", ln.addr)
    conn = ln.accept()
    conn.write(b"hi"); c.read(2)

Deadlines are absolute times on the run's clock (``now() + 0.5``), as in Go;
a read or write past its deadline raises ``net.Timeout`` ("i/o timeout").
A closed connection raises ``net.ErrClosed`` ("use of closed network
connection").  ``read`` returns ``b""`` at end of stream (Go returns
``io.EOF``).
"""
from __future__ import annotations

import errno
import socket

from . import sched
from .timers import _RTimer

__all__ = ["listen", "dial", "Listener", "Conn", "Timeout", "ErrClosed", "NetError"]


class NetError(OSError):
    """A network operation failed (Go's *net.OpError); ``str(e)`` is Go's
    text, e.g. "read: i/o timeout"."""

    def __str__(self) -> str:
        return str(self.strerror)


class Timeout(NetError):
    """A deadline passed (Go's os.ErrDeadlineExceeded: "i/o timeout")."""

    def __init__(self, op: str = "read") -> None:
        super().__init__(errno.ETIMEDOUT, f"{op}: i/o timeout")


class ErrClosed(NetError):
    """Use of a closed connection (Go's net.ErrClosed)."""

    def __init__(self, op: str = "read") -> None:
        super().__init__(errno.EBADF, f"{op}: use of closed network connection")


def _split(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not _:
        raise NetError(errno.EINVAL, f"address {address}: missing port in address")
    host = host.strip("[]") or "0.0.0.0"
    return host, int(port)


def _family(network: str, host: str) -> int:
    if network not in ("tcp", "tcp4", "tcp6"):
        raise NetError(errno.EINVAL, f"unknown network {network}")
    if network == "tcp6" or ":" in host:
        return socket.AF_INET6
    return socket.AF_INET


def _fmt(addr) -> str:
    host, port = addr[0], addr[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _poller():
    rt = sched.getrt()
    return rt, rt.netpoller


def _deadline_fired(arg) -> None:
    pd, write = arg
    sched.current.netpoller.unblock(pd, write, "timeout")


class _FD:
    """A socket with its poll descriptor and deadlines (Go's netFD)."""

    __slots__ = ("pd", "np", "closed")

    def __init__(self, sock: socket.socket) -> None:
        rt, np = _poller()
        self.np = np
        self.pd = np.register(sock)
        self.closed = False

    def _wait(self, write: bool, op: str) -> None:
        why = self.np.wait(self.pd, write)
        if why == "timeout":
            raise Timeout(op)
        if why == "closed" or self.closed:
            raise ErrClosed(op)

    def set_deadline(self, t: float | None, read: bool, write: bool) -> None:
        rt = sched.getrt()
        pd = self.pd
        for is_write, wanted in ((False, read), (True, write)):
            if not wanted:
                continue
            tm = pd.wtimer if is_write else pd.rtimer
            if tm is not None:
                rt.deltimer(rt, tm)
            if is_write:
                pd.wd = t
            else:
                pd.rd = t
            if t is None:
                continue
            if tm is None:
                tm = _RTimer(_deadline_fired, (pd, is_write))
                if is_write:
                    pd.wtimer = tm
                else:
                    pd.rtimer = tm
            if t <= rt.nanotime():
                self.np.unblock(pd, is_write, "timeout")
            else:
                rt.addtimer(rt, tm, t)

    def close(self) -> None:
        if self.closed:
            raise ErrClosed("close")
        self.closed = True
        pd = self.pd
        rt = sched.getrt()
        for tm in (pd.rtimer, pd.wtimer):
            if tm is not None:
                rt.deltimer(rt, tm)
        self.np.close_pd(pd)
        pd.sock.close()


class Conn:
    """A TCP connection (Go's net.Conn)."""

    __slots__ = ("_fd", "local_addr", "remote_addr")

    def __init__(self, sock: socket.socket) -> None:
        self._fd = _FD(sock)
        try:
            self.local_addr = _fmt(sock.getsockname())
            self.remote_addr = _fmt(sock.getpeername())
        except OSError:
            self.local_addr = self.remote_addr = ""

    def read(self, n: int = 65536) -> bytes:
        """Read up to n bytes; b"" at end of stream."""
        fd = self._fd
        while True:
            if fd.closed:
                raise ErrClosed("read")
            try:
                return fd.pd.sock.recv(n)
            except BlockingIOError:
                fd._wait(False, "read")
            except InterruptedError:
                continue
            except OSError as e:
                raise NetError(e.errno, f"read: {e.strerror}") from None

    def read_exactly(self, n: int) -> bytes:
        """Read exactly n bytes (Go's io.ReadFull); fewer only at end of stream."""
        parts, got = [], 0
        while got < n:
            b = self.read(n - got)
            if not b:
                break
            parts.append(b)
            got += len(b)
        return b"".join(parts)

    def write(self, data: bytes) -> int:
        """Write all of data (Go's Write), parking while the socket's send
        buffer is full.  Returns len(data)."""
        fd = self._fd
        view = memoryview(data)
        total = len(view)
        sent = 0
        while sent < total:
            if fd.closed:
                raise ErrClosed("write")
            try:
                sent += fd.pd.sock.send(view[sent:])
            except BlockingIOError:
                fd._wait(True, "write")
            except InterruptedError:
                continue
            except OSError as e:
                raise NetError(e.errno, f"write: {e.strerror}") from None
        return total

    def close(self) -> None:
        self._fd.close()

    def set_deadline(self, t: float | None) -> None:
        self._fd.set_deadline(t, True, True)

    def set_read_deadline(self, t: float | None) -> None:
        self._fd.set_deadline(t, True, False)

    def set_write_deadline(self, t: float | None) -> None:
        self._fd.set_deadline(t, False, True)

    def __enter__(self) -> "Conn":
        return self

    def __exit__(self, *exc) -> None:
        if not self._fd.closed:
            self.close()

    def __repr__(self) -> str:
        return f"<Conn {self.local_addr} -> {self.remote_addr}>"


class Listener:
    """A TCP listener (Go's net.Listener)."""

    __slots__ = ("_fd", "addr")

    def __init__(self, sock: socket.socket) -> None:
        self._fd = _FD(sock)
        self.addr = _fmt(sock.getsockname())

    def accept(self) -> Conn:
        fd = self._fd
        while True:
            if fd.closed:
                raise ErrClosed("accept")
            try:
                s, _ = fd.pd.sock.accept()
            except BlockingIOError:
                fd._wait(False, "accept")
                continue
            except InterruptedError:
                continue
            except OSError as e:
                raise NetError(e.errno, f"accept: {e.strerror}") from None
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return Conn(s)

    def close(self) -> None:
        self._fd.close()

    def set_deadline(self, t: float | None) -> None:
        self._fd.set_deadline(t, True, False)

    def __enter__(self) -> "Listener":
        return self

    def __exit__(self, *exc) -> None:
        if not self._fd.closed:
            self.close()

    def __repr__(self) -> str:
        return f"<Listener {self.addr}>"


def listen(network: str, address: str, backlog: int = 4096) -> Listener:
    """Listen for TCP connections (Go's net.Listen), e.g.
    ``listen("tcp", "127.0.0.1:0")``; ``ln.addr`` says the port chosen."""
    host, port = _split(address)
    s = socket.socket(_family(network, host), socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))
        s.listen(backlog)
    except OSError as e:
        s.close()
        raise NetError(e.errno, f"listen {network} {address}: {e.strerror}") from None
    return Listener(s)


def dial(network: str, address: str, timeout: float | None = None) -> Conn:
    """Connect (Go's net.Dial / DialTimeout); parks while connecting."""
    host, port = _split(address)
    s = socket.socket(_family(network, host), socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    fd = _FD(s)
    if timeout is not None:
        fd.set_deadline(sched.getrt().nanotime() + timeout, False, True)
    err = s.connect_ex((host, port))
    if err in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN):
        try:
            fd._wait(True, "dial")
        except NetError:
            fd.close()
            raise
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err:
        fd.close()
        raise NetError(err, f"dial {network} {address}: {errno.errorcode.get(err, err)}")
    if timeout is not None:
        fd.set_deadline(None, False, True)
    c = Conn.__new__(Conn)
    c._fd = fd
    c.local_addr = _fmt(s.getsockname())
    c.remote_addr = _fmt(s.getpeername())
    return c
