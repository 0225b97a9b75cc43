"""Preemption: making a goroutine that never blocks give up its P.

Go's history, which the three modes reproduce:

* ``"off"``: purely cooperative.  A goroutine runs until it blocks, yields
  or exits; ``for {}`` starves every other goroutine on its P.
* ``"calls"`` (Go 1.2 to 1.13): sysmon marks a goroutine that has run for
  10 ms (``gp.preempt``, and ``stackguard0 = stackPreempt``) and the check
  every function prologue makes for stack growth notices the mark at the
  next call.  A loop without calls still starves the others.
* ``"async"`` (Go 1.14+): sysmon sends the thread a signal (SIGURG); the
  handler, if the goroutine is at an async safe point, makes it call
  ``asyncPreempt`` there.  Loops without calls are preempted too.

How this runtime does it.  sysmon (another thread) marks the G and sends
SIGURG to the host thread with ``signal.pthread_kill``.  CPython runs the
Python-level handler on the host thread at its next check, which is
*either* a bytecode boundary in the eval loop *or* a C function calling
``PyErr_CheckSignals`` mid-way (``time.sleep``, a regex, a write).  In the
second case the interpreter is inside C code that may hold a lock or
half-built state, so switching greenlets from the handler can freeze or
corrupt the process (greenlet issue #143).  So the handler never switches:
it only arms a hook, and the switch happens at the next safe point.

* ``"async"``: the handler arms a trace hook (``sys.settrace`` plus
  ``f_trace`` with ``f_trace_opcodes`` on the interrupted user frame).  It
  fires before the next bytecode that frame executes — back in the eval
  loop — or at the entry of the next Python function called.
* ``"calls"``: the handler arms a profile hook (``sys.setprofile``), which
  fires at the next Python function entry only.  A loop without calls never
  reaches one, exactly as in Go 1.2.  Off the main thread, where signals
  cannot be delivered, the profile hook stays installed for the whole run
  and checks the mark at every call (a real cost: each Python call pays for
  it, as the benchmark shows).

A safe point is a point in *user* code: not in this runtime, the standard
library or installed packages, and with no such frame further down the
goroutine's stack (a library may hold a ``threading`` lock while it calls
back into user code; preempting there would block the host thread when
another goroutine wants the lock).  When the mark lands elsewhere, the hook
waits for user code, or the goroutine blocks first (which serves the
purpose), or sysmon asks again on its next round, as Go retries an async
preemption that landed on an unsafe point.

One CPython detail shapes the switch itself: a trace or profile function
runs with tracing turned off for the thread (``tstate->tracing``), and
greenlet does not save that per greenlet, so a switch made inside the hook
would leave every other goroutine untraced (no coverage, no later
preemption).  The hook therefore switches through ``sys.call_tracing``,
the debuggers' way to run code with tracing on from inside a trace
function, and re-installs the current tracer there so that the frame's
``use_tracing`` flag, which greenlet carries into the next goroutine, is
recomputed (see ``_preempt_traced``).  When the hook disarms it restores whatever tracer or profiler
was installed before (coverage's, a debugger's).
"""
from __future__ import annotations

import os
import signal
import sys
import sysconfig
import threading
import warnings

from .errors import RunTimeout

SIGURG = getattr(signal, "SIGURG", None)

_RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
# runtime code: never a safe point, hidden from goroutine dumps
_runtime_dirs: list[str] = [_RUNTIME_DIR]
_runtime_codes: dict = {}       # id(code) -> code: by identity (code objects compare
                                # equal across files), kept alive so ids stay unique
# library code: never a safe point (it may hold a threading lock), shown in dumps
_library_dirs: list[str] = sorted({os.path.abspath(p) + os.sep for p in (
    sysconfig.get_paths().get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")) if p})
_user_cache: dict = {}
_runtime_cache: dict = {}
_always_user: dict = {}         # id(code) -> code, likewise


def exclude_path(path: str) -> None:
    """Treat code under `path` as runtime code: never a safe point, hidden
    from goroutine dumps (the learner's runtime package registers itself)."""
    p = os.path.abspath(path) + os.sep
    if p not in _runtime_dirs:
        _runtime_dirs.append(p)
    _user_cache.clear()
    _runtime_cache.clear()


def mark_runtime(fn) -> None:
    """Treat a function plugged into the runtime (a learner's part) as
    runtime code: the scheduler's state is half-updated while it runs, so
    it must never be preempted, whatever file it came from."""
    code = getattr(fn, "__code__", None)
    if code is not None and id(code) not in _runtime_codes:
        _runtime_codes[id(code)] = code
        _user_cache.clear()
        _runtime_cache.clear()


def allow_code(code) -> None:
    """Mark a runtime function's code as a safe point (the busy loop of
    ``work()`` is one: it is a loop without calls, like a user's)."""
    _always_user[id(code)] = code
    _user_cache.clear()


def is_runtime_code(code) -> bool:
    # keyed by (file, code): code objects compare equal across files
    key = (code.co_filename, code)
    r = _runtime_cache.get(key)
    if r is None:
        if id(code) in _runtime_codes:
            r = True
        else:
            fn = code.co_filename
            r = not fn.startswith("<") and any(
                os.path.abspath(fn).startswith(d) for d in _runtime_dirs)
        _runtime_cache[key] = r
    return r


def is_user_code(code) -> bool:
    key = (code.co_filename, code)
    r = _user_cache.get(key)
    if r is None:
        if id(code) in _always_user:
            r = True
        elif is_runtime_code(code):
            r = False
        else:
            fn = code.co_filename
            if fn.startswith("<"):
                r = not fn.startswith("<frozen")
            else:
                fn = os.path.abspath(fn)
                r = not any(fn.startswith(d) for d in _library_dirs)
        _user_cache[key] = r
    return r


_worker_code = None


def safe_point(rt, frame) -> bool:
    """Is `frame` a safe point to preempt at?  True if it and every frame
    below it in this goroutine is user code (the goroutine's base frame,
    the runtime's worker loop, aside): the check both modes make before
    switching (Go's isAsyncSafePoint, in spirit)."""
    f = frame
    while f is not None:
        code = f.f_code
        if code is _worker_code:
            return True
        if not is_user_code(code):
            return False
        f = f.f_back
    return True


def arm_frame(rt, frame):
    """Where to arm the async hook: the innermost frame of the interrupted
    stack that is a safe point, or None.  Walking up from the goroutine's
    base, user frames count until the first runtime or library frame."""
    chain = []
    f = frame
    while f is not None and f.f_code is not _worker_code:
        chain.append(f)
        f = f.f_back
    best = None
    for f in reversed(chain):               # from the goroutine's base upward
        if is_user_code(f.f_code):
            best = f
        else:
            break
    return best


class Preempter:
    """Delivers sysmon's preemption requests to the host thread."""

    def __init__(self, rt) -> None:
        global _worker_code
        from . import api
        from .sched import Runtime, _busy_loop
        _worker_code = Runtime._worker.__code__
        # work()'s busy loop is a loop without calls, like a user's, and the
        # two frames below it hold no runtime state: all three are safe points
        for code in (_busy_loop.__code__, Runtime.work.__code__, api.work.__code__):
            if id(code) not in _always_user:
                allow_code(code)
        self.rt = rt
        self.mode = rt.preempt
        self.on_main = threading.current_thread() is threading.main_thread() and SIGURG is not None
        if self.mode == "async" and not self.on_main:
            warnings.warn("preempt='async' needs the main thread (signals are delivered only "
                          "there); this run uses preempt='calls' instead", RuntimeWarning,
                          stacklevel=4)
            self.mode = "calls"
        rt.preempt_mode = self.mode
        self.armed = False
        self.armed_g = None
        self.saved = None
        self.old_handler = None
        self.host_ident = threading.get_ident()
        self.permanent_profile = False
        self.timed_out = None
        self.count = 0          # preemptions done
        self.requests = 0

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        if self.on_main:
            self.old_handler = signal.signal(SIGURG, self._handler)
        if self.mode == "calls" and not self.on_main:
            self.saved = ("profile", sys.getprofile())
            sys.setprofile(self._profile_hook)
            self.permanent_profile = True

    def stop(self) -> None:
        if self.armed:
            self.disarm()
        if self.permanent_profile:
            sys.setprofile(self.saved[1])
            self.permanent_profile = False
        if self.on_main and self.old_handler is not None:
            signal.signal(SIGURG, self.old_handler)
            self.old_handler = None

    # ------------------------------------------------------- sysmon's side

    def request(self, g) -> None:
        """From sysmon: g has run 10 ms; ask it to yield (preemptone)."""
        self.requests += 1
        g.preempt = True
        if self.on_main and self.mode != "off":
            try:
                signal.pthread_kill(self.host_ident, SIGURG)
            except (OSError, ValueError):
                pass

    def timeout(self, elapsed: float) -> None:
        """From sysmon: the run exceeded its timeout; interrupt the host."""
        if self.timed_out is not None:
            return
        self.timed_out = elapsed
        if self.on_main:
            try:
                signal.pthread_kill(self.host_ident, SIGURG)
            except (OSError, ValueError):
                pass

    # ------------------------------------------------------ the host's side

    def _handler(self, signum, frame) -> None:
        """SIGURG on the host thread: mark and arm, never switch."""
        rt = self.rt
        if self.timed_out is not None and not rt.exiting:
            self.timed_out, elapsed = -1.0, self.timed_out
            if elapsed >= 0:
                raise RunTimeout(_timeout_message(rt, elapsed))
        g = rt.curg
        if g is None or not g.preempt or self.armed or self.mode == "off":
            return
        if self.mode == "calls":
            self._arm_profile(g)
            return
        target = rt.arm_frame(rt, frame) if frame is not None else None
        if target is None:
            return                       # no user code on this stack: sysmon asks again
        self.saved = ("trace", sys.gettrace(), target, target.f_trace, target.f_trace_opcodes)
        self.armed = rt.hook_armed = True
        rt.update_plain()
        self.armed_g = g
        target.f_trace = self._trace_hook
        target.f_trace_opcodes = True
        sys.settrace(self._trace_hook)

    def _arm_profile(self, g) -> None:
        self.saved = ("profile", sys.getprofile())
        self.armed = self.rt.hook_armed = True
        self.rt.update_plain()
        self.armed_g = g
        sys.setprofile(self._profile_hook)

    def disarm(self) -> None:
        """Remove the hook and restore the tracer/profiler it displaced."""
        saved = self.saved
        self.armed = self.rt.hook_armed = False
        self.rt.update_plain()
        self.armed_g = None
        self.saved = None
        if saved is None:
            return
        if saved[0] == "trace":
            _, prev, target, old_trace, old_opcodes = saved
            target.f_trace = old_trace
            target.f_trace_opcodes = old_opcodes
            sys.settrace(prev)
        elif not self.permanent_profile:
            sys.setprofile(saved[1])

    def _trace_hook(self, frame, event, arg):
        rt = self.rt
        g = self.armed_g
        if g is None or rt.curg is not g or not g.preempt:
            if self.armed:
                self.disarm()
            return None
        if event in ("opcode", "line", "call") and rt.safe_point(rt, frame):
            self.disarm()
            self.count += 1
            sys.call_tracing(_preempt_traced, (rt,))
            return None
        return self._trace_hook if event == "call" and is_user_code(frame.f_code) else None

    def _profile_hook(self, frame, event, arg):
        rt = self.rt
        if event != "call":
            return
        g = rt.curg
        if g is None or not g.preempt:
            if self.timed_out is not None and self.timed_out >= 0 and not rt.exiting:
                elapsed, self.timed_out = self.timed_out, -1.0
                raise RunTimeout(_timeout_message(rt, elapsed))
            return
        if not rt.safe_point(rt, frame):
            return
        if not self.permanent_profile:
            self.disarm()
        self.count += 1
        sys.call_tracing(_preempt_traced, (rt,))


def _preempt_traced(rt) -> None:
    """Run by sys.call_tracing from a hook: tstate->tracing is 0 here, but
    this frame's use_tracing flag is still off, and greenlet carries that
    flag into the goroutine we switch to.  Setting the tracer (or profiler)
    again recomputes the flag, so the next goroutine is traced as before."""
    t = sys.gettrace()
    if t is not None:
        sys.settrace(t)
    else:
        p = sys.getprofile()
        if p is not None:
            sys.setprofile(p)
    rt.gopreempt()


def _timeout_message(rt, elapsed: float) -> str:
    g = rt.curg
    limit = rt.timeout
    if g is None:
        return (f"run() timed out after {limit:g} s: no goroutine finished main in time "
                f"(all were blocked or waiting)")
    obs = rt.sysmon.host_obs if rt.sysmon is not None else None
    ran = ""
    if obs is not None:
        import time
        ran = f" for {time.monotonic() - obs[1]:.2f} s"
    hint = ""
    if rt.preempt_mode != "async":
        hint = (f" With preempt={rt.preempt_mode!r} a goroutine that never blocks keeps the "
                "host thread; use preempt='async', or make it block or call gosched().")
    return (f"run() timed out after {limit:g} s: goroutine {g.goid} had been running{ran} "
            f"without yielding.{hint}")
