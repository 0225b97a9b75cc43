"""The network poller (Go's ``runtime/netpoll.go``, ``netpoll_epoll.go``).

Every socket the ``net`` module makes is non-blocking and has a poll
descriptor (Go's ``pollDesc``) with at most one goroutine waiting to read
(``rg``) and one waiting to write (``wg``).  A goroutine whose read would
block parks with wait reason ``IO wait`` (``netpollblock``); the host
thread is never blocked by it.  Readiness makes the waiting goroutines
runnable (``netpoll`` returns them, ``injectglist`` queues them).

When the poller is asked, in Go 1.19 and here:

* Go: every ``findRunnable`` that finds no other work polls without
  blocking; then *any* M that has released its P blocks in
  ``netpoll(delay)`` (until the next timer), provided no other M already
  does (``sched.lastpoll`` swapped to 0); the other idle Ms ``stopm``.  So
  with one P busy and the others idle, one idle M sits in ``epoll_wait``
  and sees readiness at once; only when every P is busy does Go rely on
  ``findRunnable``'s non-blocking polls and sysmon's poll every 10 ms.
* Here: all Ps take turns on one host thread, which cannot run one P and
  block in ``epoll_wait`` for another at the same time.  The host blocks in
  the poller only when no P has anything to run (``Runtime._idle``); while
  any P is busy, readiness is seen by ``findrunnable``'s non-blocking poll
  when some P runs out of work, or by sysmon's poll after 10 ms without
  one, as in Go when every P is busy.  docs/DESIGN-NOTES.md records this
  departure.

The same poller is how other threads wake the host: a byte written to a
socket pair (Go's ``netpollBreak``) ends the wait, so a system call that
returns, or sysmon handing off a P, is seen at once.

Deadlines are timers: when one fires, the waiting goroutine is woken and
its read or write fails with ``net.Timeout`` ("i/o timeout").
"""
from __future__ import annotations

import selectors
import socket
import time

from .g import WaitReason


class PollDesc:
    """Go's pollDesc: one per socket."""

    __slots__ = ("sock", "fd", "rg", "wg", "mask", "closing", "rd", "wd",
                 "rtimer", "wtimer", "rerr", "werr")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.fd = sock.fileno()
        self.rg = None        # G waiting to read (or accept)
        self.wg = None        # G waiting to write (or connect)
        self.mask = 0         # events registered with the selector
        self.closing = False
        self.rd = None        # read deadline (run-clock seconds) or None
        self.wd = None
        self.rtimer = None
        self.wtimer = None
        self.rerr = None      # why the read wait ended: None, "timeout", "closed"
        self.werr = None


class Netpoller:
    """The poller of one run: a selector plus the wakeup socket pair."""

    def __init__(self, rt) -> None:
        self.rt = rt
        self.sel = selectors.DefaultSelector()
        self.wake_r, self.wake_w = socket.socketpair()
        self.wake_r.setblocking(False)
        self.wake_w.setblocking(False)
        self.sel.register(self.wake_r, selectors.EVENT_READ, None)
        self.waiters = 0          # goroutines parked in netpollblock
        self.lastpoll = time.monotonic()   # when the host last looked (sched.lastpoll)
        self.poll_requested = False        # sysmon asked the host to poll
        self.pds: set[PollDesc] = set()
        self.woken = False

    # -------------------------------------------------------- other threads

    def wakeup(self) -> None:
        """Wake the host if it is blocked in poll() (Go's netpollBreak).
        Safe from any thread."""
        if self.woken:
            return
        self.woken = True
        try:
            self.wake_w.send(b"\0")
        except (BlockingIOError, OSError):
            pass

    # ---------------------------------------------------------- host thread

    def poll(self, timeout: float | None) -> list:
        """Wait up to `timeout` seconds (None: forever, 0: just look) for
        readiness; return the goroutines it makes runnable (Go's netpoll)."""
        if timeout != 0:
            self.lastpoll = 0.0           # the host is blocked in netpoll: sysmon need
        try:                              # not poll for it (Go's sched.lastpoll = 0)
            events = self.sel.select(timeout)
        except InterruptedError:
            self.lastpoll = time.monotonic()
            return []
        self.lastpoll = time.monotonic()
        gs = []
        for key, mask in events:
            pd = key.data
            if pd is None:
                # drain, then reset the flag: a wakeup() racing with this
                # either sees the flag still set (and its message is in the
                # inbox, which the host reads after poll returns) or sends a
                # new byte that ends the next poll.  Resetting before the
                # drain could swallow that byte and lose a wakeup.
                try:
                    while self.wake_r.recv(4096):
                        pass
                except (BlockingIOError, OSError):
                    pass
                self.woken = False
                continue
            self.rt.netpollready(self.rt, self, pd, mask, gs)
        return gs

    def register(self, sock: socket.socket) -> PollDesc:
        sock.setblocking(False)
        pd = PollDesc(sock)
        self.pds.add(pd)
        return pd

    def _update(self, pd: PollDesc) -> None:
        want = 0
        if pd.rg is not None:
            want |= selectors.EVENT_READ
        if pd.wg is not None:
            want |= selectors.EVENT_WRITE
        if want == pd.mask:
            return
        try:
            if pd.mask == 0:
                self.sel.register(pd.fd, want, pd)
            elif want == 0:
                self.sel.unregister(pd.fd)
            else:
                self.sel.modify(pd.fd, want, pd)
        except (KeyError, ValueError, OSError):
            pass
        pd.mask = want

    def wait(self, pd: PollDesc, write: bool) -> str | None:
        """Park the running goroutine until pd is ready (the netpollblock
        part).  Returns None, "timeout" or "closed"."""
        return self.rt.netpollblock(self.rt, self, pd, write)

    def unblock(self, pd: PollDesc, write: bool, why: str) -> None:
        """Wake the goroutine waiting on pd with an error (deadline or
        close), as Go's netpollunblock."""
        from . import sched
        rt = sched.current
        g = None
        if write and pd.wg is not None:
            g, pd.wg = pd.wg, None
            pd.werr = why
        elif not write and pd.rg is not None:
            g, pd.rg = pd.rg, None
            pd.rerr = why
        if g is not None:
            self.waiters -= 1
            self._update(pd)
            rt.goready(g)

    def close_pd(self, pd: PollDesc) -> None:
        pd.closing = True
        self.unblock(pd, False, "closed")
        self.unblock(pd, True, "closed")
        if pd.mask:
            try:
                self.sel.unregister(pd.fd)
            except (KeyError, ValueError, OSError):
                pass
            pd.mask = 0
        self.pds.discard(pd)

    def close(self) -> None:
        """End of run: close every socket the run opened, and the poller."""
        for pd in list(self.pds):
            try:
                pd.sock.close()
            except OSError:
                pass
        self.pds.clear()
        try:
            self.sel.close()
        finally:
            self.wake_r.close()
            self.wake_w.close()


# --------------------------------------------------------------------------
# The parts (replaceable, see sched.default_parts)

def netpollblock(rt, np: Netpoller, pd: PollDesc, write: bool) -> str | None:
    """Park the running goroutine until pd is ready for reading (or
    writing), its deadline passes, or it is closed (Go's netpollblock).
    Record it in pd.rg (pd.wg), count it in np.waiters, register the
    interest with the selector (np._update), park with wait reason
    "IO wait".  Returns why the wait ended: None (ready), "timeout" or
    "closed" (set in pd.rerr / pd.werr by whoever woke it)."""
    deadline = pd.wd if write else pd.rd
    if pd.closing:
        return "closed"
    if deadline is not None and deadline <= rt.nanotime():
        return "timeout"
    g = rt.curg
    if write:
        pd.wg = g
        pd.werr = None
    else:
        pd.rg = g
        pd.rerr = None
    np.waiters += 1
    np._update(pd)
    rt.gopark(WaitReason.IO_WAIT)
    return pd.werr if write else pd.rerr


def netpollready(rt, np: Netpoller, pd: PollDesc, mask: int, gs: list) -> None:
    """The selector reported `mask` (EVENT_READ / EVENT_WRITE) for pd: take
    the goroutine waiting for each ready direction off pd, append it to gs
    (the caller makes them runnable), and update the registration (Go's
    netpollready)."""
    if mask & selectors.EVENT_READ and pd.rg is not None:
        gs.append(pd.rg)
        pd.rg = None
        np.waiters -= 1
    if mask & selectors.EVENT_WRITE and pd.wg is not None:
        gs.append(pd.wg)
        pd.wg = None
        np.waiters -= 1
    np._update(pd)
