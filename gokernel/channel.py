"""gokernel's channels: the reference's channel structure (Go's hchan:
``buf``, ``dataqsiz``, ``recvq``, ``sendq``, ``closed``), operated by the
learner's ``chansend``/``chanrecv``/``closechan`` once the channel
exercises are passed (the unbuffered exercise covers channels of capacity
0, the buffered one all channels), by the reference's until then."""
from __future__ import annotations

from reference_runtime.chan import Chan as _RefChan

from . import parts

_UNBUFFERED = "chan_unbuffered"
_BUFFERED = "chan_buffered"

_any = None        # learner module for every channel (buffered exercise passed)
_unbuf = None      # learner module for capacity-0 channels only


def bind() -> None:
    global _any, _unbuf
    from reference_runtime.preempt import mark_runtime
    _any = parts.kind_module(parts.CHAN, [_BUFFERED])
    _unbuf = _any or parts.kind_module(parts.CHAN, [_UNBUFFERED])
    for m in (_any, _unbuf):
        if m is not None:
            for name in ("chansend", "chanrecv", "closechan"):
                mark_runtime(getattr(m, name, None))


def unbind() -> None:
    global _any, _unbuf
    _any = _unbuf = None


class Chan(_RefChan):
    __slots__ = ()

    def _impl(self):
        if _any is not None:
            return _any
        if _unbuf is not None and self.dataqsiz == 0:
            return _unbuf
        return None

    def send(self, v):
        m = self._impl()
        if m is None:
            return _RefChan.send(self, v)
        m.chansend(self, v)

    def recv(self):
        m = self._impl()
        if m is None:
            return _RefChan.recv(self)
        return m.chanrecv(self)[0]

    def recv_ok(self):
        m = self._impl()
        if m is None:
            return _RefChan.recv_ok(self)
        return tuple(m.chanrecv(self))

    def close(self):
        m = self._impl()
        if m is None:
            return _RefChan.close(self)
        m.closechan(self)


def chan(size: int = 0) -> Chan:
    """Make a channel (``make(chan T, size)``) of the learner's runtime."""
    return Chan(size)
