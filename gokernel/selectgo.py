"""gokernel's select: the learner's ``selectgo`` once the select exercise
is passed, the reference's until then.  The cases are parsed by the glue
(``ch.recv``, ``ch.recv_ok``, ``(ch.send, v)``, ``default``) into
``(index, kind, chan, value)`` tuples, nil-channel cases removed."""
from __future__ import annotations

from reference_runtime.select import _parse, one_case
from reference_runtime.select import default  # noqa: F401 - re-exported
from reference_runtime.select import select as _reference_select

from . import parts

_mine = None


def bind() -> None:
    global _mine
    from reference_runtime.preempt import mark_runtime
    _mine = parts.kind_module(parts.SELECT)
    if _mine is not None:
        mark_runtime(getattr(_mine, "selectgo", None))


def unbind() -> None:
    global _mine
    _mine = None


def select(*cases):
    """Go's select; see reference_runtime.select."""
    if _mine is None:
        return _reference_select(*cases)
    if not cases:
        from reference_runtime.sched import getrt
        from reference_runtime.g import WaitReason
        getrt().gopark(WaitReason.SELECT_NO_CASES)
        return None
    scases, dflt = _parse(cases)
    if len(cases) == 1 and dflt < 0:
        return one_case(cases[0])       # the compiler's rewrite: a plain channel operation
    return _mine.selectgo(scases, dflt)
