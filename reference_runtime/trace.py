"""Observability: goroutine dumps in Go's format, and helpers to read the
event trace (``run(..., trace=events)``).

A goroutine dump (what Go prints for a deadlock, a panic with
``GOTRACEBACK=all``, or ``SIGQUIT``) is one block per goroutine::

    goroutine 5 [chan receive]:
    main.worker(...)
    	/path/prog.py:12
    created by main.main
    	/path/prog.py:20

``created by main.main`` is Go 1.19's line, the version the course
compares with; Go 1.21 added `` in goroutine N`` (the creator's goid):
``run(..., traceback="go1.21")`` prints that.

Only user frames are shown: the runtime's own frames are hidden, as Go
hides ``runtime.gopark`` and friends unless ``GOTRACEBACK=system``.
"""
from __future__ import annotations


from .g import Gdead, Grunnable, Grunning, Gsyscall, Gwaiting

def _is_runtime(code) -> bool:
    from .preempt import is_runtime_code
    return is_runtime_code(code)


def _funcname(frame) -> str:
    mod = frame.f_globals.get("__name__", "?")
    qual = getattr(frame.f_code, "co_qualname", frame.f_code.co_name)
    if mod == "__main__" and qual == "main":
        mod = "main"
    return f"{mod}.{qual}"


def _frames(g) -> list:
    """User frames of g, innermost first."""
    glet = g.glet
    frame = None
    if glet is not None:
        import greenlet
        if glet is greenlet.getcurrent():
            import sys
            frame = sys._getframe(1)
        else:
            frame = glet.gr_frame
    out = []
    while frame is not None:
        if not _is_runtime(frame.f_code):
            out.append(frame)
        frame = frame.f_back
    return out


def status_text(g, now: float | None = None) -> str:
    """What Go prints in brackets: the wait reason, or the state; with
    ", N minutes" (always plural, as Go's traceback.go prints it) once
    ``waitsince`` says it has waited a minute or more.  Go sets waitsince
    only when its GC finds the G waiting; this runtime has no GC and never
    sets it, so its dumps show no minutes, as a Go dump before any GC."""
    if g.status == Gwaiting:
        s = g.wait_reason or "waiting"
        if now is not None and g.waitsince and now - g.waitsince >= 60:
            s += f", {int((now - g.waitsince) // 60)} minutes"
        return s
    return {Grunnable: "runnable", Grunning: "running", Gsyscall: "syscall",
            Gdead: "dead"}.get(g.status, str(g.status))


def goroutine_block(rt, g) -> str:
    now = rt.nanotime() if rt is not None else None
    lines = [f"goroutine {g.goid} [{status_text(g, now)}]:"]
    for f in _frames(g):
        lines.append(f"{_funcname(f)}(...)")
        lines.append(f"\t{f.f_code.co_filename}:{f.f_lineno}")
    if g.gopc is not None and g.parent_goid:
        code, line, glob = g.gopc
        mod = glob.get("__name__", "?")
        creator = f"created by {mod}.{getattr(code, 'co_qualname', code.co_name)}"
        if rt is not None and rt.traceback == "go1.21":
            creator += f" in goroutine {g.parent_goid}"   # since Go 1.21 (CL 435337)
        lines.append(creator)
        lines.append(f"\t{code.co_filename}:{line}")
    return "\n".join(lines)


def goroutine_dump(rt, gs) -> str:
    """Go's dump of the given goroutines, blocks separated by blank lines."""
    return "\n\n".join(goroutine_block(rt, g) for g in gs)


def per_p_timeline(events) -> dict:
    """From an event trace, the intervals each P ran each goroutine:
    ``{p: [(start, end, goid), ...]}`` — what the course draws."""
    out: dict = {}
    running: dict = {}
    last_t = 0.0
    for e in events:
        t, kind, p, _m, goid = e[0], e[1], e[2], e[3], e[4]
        last_t = max(last_t, t)
        if kind == "run":
            prev = running.get(p)
            if prev is not None and prev[1] != goid:
                out.setdefault(p, []).append((prev[0], t, prev[1]))
            if prev is None or prev[1] != goid:
                running[p] = (t, goid)
        elif kind in ("park", "gosched", "preempt", "exit", "syscall_enter"):
            for pp, (start, gid) in list(running.items()):
                if gid == goid:
                    out.setdefault(pp, []).append((start, t, gid))
                    del running[pp]
    for pp, (start, gid) in running.items():
        out.setdefault(pp, []).append((start, last_t, gid))
    return out
