"""Errors a Go program can end with, in Go's words.

Go distinguishes a *panic* (``panic(v)``: an error value unwinding one
goroutine, which ends the program unless recovered) from a *fatal error*
(``throw(s)`` in ``runtime/panic.go``: the runtime found itself in a state it
refuses to continue from, such as a deadlock or unlocking an unlocked mutex;
nothing can recover it).  Both end the program with exit status 2.

Here an exception that escapes any goroutine ends ``run()``, which re-raises
that same exception object, so ``Panic`` is just the exception the runtime
raises for Go's own runtime panics, with Go's text as its message.
"""
from __future__ import annotations


class Panic(Exception):
    """A Go panic raised by the runtime, or by user code with ``raise Panic(v)``.

    ``str(p)`` is Go's text, e.g. ``"send on closed channel"``; the command
    line prints it as ``panic: send on closed channel``.
    """

    def __init__(self, value: object = None) -> None:
        super().__init__(value)
        self.value = value

    def __str__(self) -> str:
        if self.value is None:
            return "nil"                  # Go 1.19 prints panic(nil) as "panic: nil"
        return str(self.value)


class FatalError(Exception):
    """Go's ``throw``: an unrecoverable runtime error.

    ``str(e)`` is the bare message (``"sync: unlock of unlocked mutex"``);
    the command line prints ``fatal error: <message>``.
    """

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg

    def __str__(self) -> str:
        return self.msg


class Deadlock(FatalError):
    """No goroutine can ever run again (Go's ``checkdead`` in ``proc.go``).

    ``str(d)`` is what Go prints: ``fatal error: all goroutines are asleep -
    deadlock!`` (or, after main called ``goexit()``, ``fatal error: no
    goroutines (main called runtime.Goexit) - deadlock!``), a blank line, and
    one ``goroutine N [wait reason]:`` block per blocked goroutine.
    ``d.goroutines`` lists ``(goid, wait_reason)`` pairs.
    """

    def __init__(self, msg: str, goroutines: list[tuple[int, str]] | None = None,
                 dump: str = "") -> None:
        super().__init__(msg)
        self.goroutines = list(goroutines or [])
        self.dump = dump

    def __str__(self) -> str:
        text = "fatal error: " + self.msg
        if self.dump:
            text += "\n\n" + self.dump
        return text


class RunTimeout(Exception):
    """``run(..., timeout=s)`` ran out of time (not a Go error: a guard so a
    starving program cannot hang a notebook).  The message names the goroutine
    that was running and for how long it had not yielded."""


class Goexit(BaseException):
    """Raised by ``goexit()`` to unwind the calling goroutine, running its
    ``finally`` blocks as Go runs deferred calls.  It derives from
    BaseException so that ``except Exception`` in user code does not stop it."""


# Go's texts, in one place so that tests and the course can quote them.
SEND_ON_CLOSED = "send on closed channel"
CLOSE_OF_CLOSED = "close of closed channel"
CLOSE_OF_NIL = "close of nil channel"
MAKECHAN_SIZE = "makechan: size out of range"
GO_OF_NIL = "go of nil func value"
NEGATIVE_WG = "sync: negative WaitGroup counter"
WG_REUSED = "sync: WaitGroup is reused before previous Wait has returned"
UNLOCK_OF_UNLOCKED = "sync: unlock of unlocked mutex"
ALL_ASLEEP = "all goroutines are asleep - deadlock!"
GOEXIT_DEADLOCK = "no goroutines (main called runtime.Goexit) - deadlock!"


# ------------------------------------------------------- Go's panic report

def panic_head(exc: BaseException) -> str:
    """The first lines of Go's report for `exc` escaping a goroutine
    (Go's ``printpanics``): ``panic: <text>``, or for an exception raised
    while another unwound, one line per panic, oldest first, each after the
    first indented by a tab, and ``" [recovered]"`` after a panic only where
    it was caught (an ``except`` clause, or ``raise ... from``) before the
    next was raised.  A ``goexit()`` in the chain is not printed, as Go
    skips a Goexit's entry.  A fatal error is ``fatal error: <text>``.

    The command line computes this on the crashing goroutine, while the
    runtime is still running (Go's ``preprintpanics``), so a ``__str__``
    that calls the runtime works."""
    if isinstance(exc, Deadlock):
        return str(exc) + "\n"
    if isinstance(exc, FatalError):
        return f"fatal error: {_text(exc)}\n"
    chain = []
    e = exc
    while e is not None and len(chain) < 10:
        chain.append(e)
        e = e.__cause__ or (None if e.__suppress_context__ else e.__context__)
    chain.reverse()
    # (exception, caught before the next one was raised)
    marked = [(e, i + 1 < len(chain) and _caught(chain[i + 1], e)) for i, e in enumerate(chain)]
    lines = []
    for e, recovered in marked:
        if isinstance(e, Goexit):
            continue
        if isinstance(e, Panic):
            text = _text(e)
        elif isinstance(e, KeyboardInterrupt):
            text = "KeyboardInterrupt"
        else:
            text = f"{type(e).__name__}: {_text(e)}"
        prefix = "\t" if lines else ""
        lines.append(f"{prefix}panic: {text}{' [recovered]' if recovered else ''}")
    return "\n".join(lines) + "\n"


def _text(e: BaseException) -> str:
    try:
        return str(e)
    except BaseException as err:          # a __str__ that fails: say so, as Go
        return (f"<{type(e).__name__}.__str__ raised "   # prints an Error() that panics
                f"{type(err).__name__}: {err}>")


def _caught(later: BaseException, earlier: BaseException) -> bool:
    """Was `earlier` caught before `later` was raised?  ``raise later from
    earlier`` names a caught exception.  An implicit context is set both by
    an ``except`` clause (caught: Go's recover) and by a ``finally`` block or
    a ``with`` block's exit (not caught: a deferred call that panicked
    while the first panic unwound): the two are told apart from the source,
    by where `later` left the frame that was handling `earlier`."""
    if later.__cause__ is earlier:
        return True
    tb = earlier.__traceback__
    if tb is None:
        return False
    frame, first_line = tb.tb_frame, tb.tb_lineno   # where `earlier` was being handled
    t = later.__traceback__
    while t is not None and t.tb_frame is not frame:
        t = t.tb_next
    if t is None:
        return False
    return _in_except_clause(frame.f_code.co_filename, first_line, t.tb_lineno)


_TRY_NODES: dict = {}


def _in_except_clause(filename: str, body_line: int, line: int) -> bool:
    """In `filename`, is `line` in an except clause of the innermost try
    statement whose body holds `body_line`?"""
    import ast
    import linecache
    tries = _TRY_NODES.get(filename)
    if tries is None:
        try:
            tree = ast.parse("".join(linecache.getlines(filename)))
        except (SyntaxError, ValueError):
            tree = None
        tries = _TRY_NODES[filename] = [] if tree is None else [
            n for n in ast.walk(tree) if isinstance(n, (ast.Try, getattr(ast, "TryStar", ast.Try)))]
    best = None
    for n in tries:
        if n.body and n.body[0].lineno <= body_line <= n.body[-1].end_lineno:
            if best is None or n.body[0].lineno >= best.body[0].lineno:
                best = n
    if best is None:
        return False
    return any(h.lineno <= line <= h.end_lineno for h in best.handlers)
