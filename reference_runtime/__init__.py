"""reference_runtime: a Go-faithful goroutine runtime in Python.

The answer key of the course, and a library: goroutines on greenlets, a
G/M/P scheduler with work stealing, channels, select, timers, sync,
system calls, a netpoller, preemption, and Go's error messages.

    from reference_runtime import run, go, chan

    def main():
        c = chan()
        go(lambda: c.send("hello"))
        print(c.recv())

    run(main)

Read the modules next to Go's ``src/runtime``: each names the Go file and
function it mirrors.
"""
from . import net, synctest
from .api import current_goroutine, go, goexit, gomaxprocs, gosched, num_goroutine, run, runtime, work
from .chan import Chan, chan, nilchan
from .errors import Deadlock, FatalError, Panic, RunTimeout
from .g import G, GStatus, WaitReason
from .sched import Event
from .select import default, select
from .sync import Mutex, Once, WaitGroup
from .syscall import syscall
from .timers import Ticker, Timer, after, after_func, now, sleep, tick

__all__ = [
    "run", "go", "chan", "Chan", "nilchan", "default", "select",
    "sleep", "now", "after", "tick", "Timer", "Ticker", "after_func",
    "gosched", "goexit", "num_goroutine", "gomaxprocs", "syscall", "work",
    "WaitGroup", "Mutex", "Once",
    "Panic", "FatalError", "Deadlock", "RunTimeout",
    "G", "GStatus", "WaitReason", "Event", "net", "current_goroutine", "runtime",
    "synctest",
]
