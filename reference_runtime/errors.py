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
NEGATIVE_WG = "sync: negative WaitGroup counter"
WG_REUSED = "sync: WaitGroup is reused before previous Wait has returned"
UNLOCK_OF_UNLOCKED = "sync: unlock of unlocked mutex"
ALL_ASLEEP = "all goroutines are asleep - deadlock!"
GOEXIT_DEADLOCK = "no goroutines (main called runtime.Goexit) - deadlock!"
