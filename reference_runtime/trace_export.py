"""The event trace in the Chrome trace event format, for Perfetto
(ui.perfetto.dev) and ``chrome://tracing``: Go's ``go tool trace`` view of
a run, from ``run(..., trace=events)``.

    events = []
    run(main, trace=events)
    write_chrome_trace(events, "run.json")    # then open it in Perfetto

or ``python -m reference_runtime --trace run.json prog.py`` (the same flag
works for ``python -m gokernel``).

What the file holds (the format is JSON: ``{"traceEvents": [...]}``, times
in microseconds from the first event):

* one track per P (process "Ps", thread ``P<n>``) and one per M (process
  "Ms", thread ``M<n>``);
* a slice (``"ph": "X"``) named ``G<goid>`` for each stretch a goroutine
  ran, on its P's track and on its M's track, from its ``run`` event to the
  event that stopped it (park, gosched, preempt, exit, system call); on the
  M's track also a ``syscall`` slice while the M is blocked in one;
* instant events (``"ph": "i"``) for park (with the wait reason), ready,
  preempt, gosched, spawn, runqputslow and procresize, on the P's track (a
  G readied onto the global queue: a process-wide instant on "Ps");
* flow arrows (``"ph": "s"`` then ``"f"``, one id each) for a steal, from
  the victim P to the thief, and for a handoff, from the M left in its
  system call to the P it let go.

Go's own tracer (``runtime/trace``, redesigned in Go 1.22) records far more
(GC, syscalls per M, user regions); this is the scheduling subset the
course draws.  Slices on a track never overlap: a track's open slice is
closed when the next one starts.
"""
from __future__ import annotations

import json

__all__ = ["chrome_trace", "write_chrome_trace"]

_PID_P, _PID_M = 1, 2
_STOPS = ("park", "gosched", "preempt", "exit", "syscall_enter")
_INSTANTS = ("park", "ready", "preempt", "gosched", "spawn", "runqputslow", "procresize")


def chrome_trace(events) -> dict:
    """The Chrome trace event format's JSON object for an event trace (a
    list of ``Event`` from ``run(..., trace=...)``)."""
    events = list(events)
    out: list = []
    if not events:
        return {"traceEvents": out, "displayTimeUnit": "ms"}
    t0 = events[0][0]

    def us(t: float) -> float:
        return round((t - t0) * 1e6, 3)

    ps: set = set()
    ms: set = set()
    open_p: dict = {}        # p -> (start, goid, m)
    open_m: dict = {}        # m -> (start, name, goid)
    syscall_m: dict = {}     # goid -> m blocked in its system call
    pending_flow: dict = {}  # p -> flow ids waiting for p's next slice
    flow_id = 0

    def close_p(p: int, t: float) -> None:
        start, goid, _m = open_p.pop(p)
        out.append({"name": f"G{goid}", "cat": "goroutine", "ph": "X", "ts": us(start),
                    "dur": round(us(t) - us(start), 3), "pid": _PID_P, "tid": p,
                    "args": {"goid": goid}})

    def close_m(m: int, t: float) -> None:
        start, name, goid = open_m.pop(m)
        out.append({"name": name, "cat": "goroutine" if name != "syscall" else "syscall",
                    "ph": "X", "ts": us(start), "dur": round(us(t) - us(start), 3),
                    "pid": _PID_M, "tid": m, "args": {"goid": goid}})

    def open_slice_m(m: int, t: float, name: str, goid: int) -> None:
        if m < 0:
            return
        ms.add(m)
        if m in open_m:
            close_m(m, t)
        open_m[m] = (t, name, goid)

    def stop(goid: int, p: int, t: float) -> None:
        if p in open_p and open_p[p][1] == goid:
            where = p
        else:
            where = next((q for q, v in open_p.items() if v[1] == goid), None)
        if where is not None:
            m = open_p[where][2]
            close_p(where, t)
            if m in open_m and open_m[m][2] == goid and open_m[m][1] != "syscall":
                close_m(m, t)

    for e in events:
        t, kind, p, m, goid, detail = e[0], e[1], e[2], e[3], e[4], e[5]
        if p >= 0:
            ps.add(p)
        if m >= 0:
            ms.add(m)
        if kind == "run":
            if p in open_p and open_p[p][1] == goid:
                continue                   # back from work(): the same stretch goes on
            if p in open_p:
                stop(open_p[p][1], p, t)
            open_p[p] = (t, goid, m)
            open_slice_m(m, t, f"G{goid}", goid)
            for fid in pending_flow.pop(p, ()):
                out.append({"name": "handoff", "cat": "flow", "ph": "f", "bp": "e",
                            "id": fid, "ts": us(t), "pid": _PID_P, "tid": p})
        elif kind in _STOPS:
            stop(goid, p, t)
            if kind == "syscall_enter" and m >= 0:
                syscall_m[goid] = m
                open_slice_m(m, t, "syscall", goid)
        elif kind == "syscall_exit":
            sm = syscall_m.pop(goid, None)
            if sm is not None and sm in open_m and open_m[sm][1] == "syscall":
                close_m(sm, t)
        if kind in _INSTANTS:
            args = {"goid": goid}
            if detail is not None:
                args["detail"] = detail if isinstance(detail, (str, int, float)) else repr(detail)
            ev = {"name": kind, "cat": "sched", "ph": "i", "ts": us(t), "pid": _PID_P,
                  "args": args}
            if p >= 0:
                ev.update(tid=p, s="t")
            else:
                ev.update(tid=0, s="p")
            out.append(ev)
        elif kind == "steal":
            victim = detail[1] if isinstance(detail, tuple) and len(detail) == 2 else None
            if isinstance(victim, int) and victim >= 0:
                ps.add(victim)
                flow_id += 1
                n = detail[0]
                out.append({"name": "steal", "cat": "flow", "ph": "s", "id": flow_id,
                            "ts": us(t), "pid": _PID_P, "tid": victim,
                            "args": {"goid": goid, "stolen": n}})
                out.append({"name": "steal", "cat": "flow", "ph": "f", "id": flow_id,
                            "ts": us(t), "pid": _PID_P, "tid": p})
        elif kind == "handoff":
            old_m = detail if isinstance(detail, int) else -1
            if old_m >= 0 and p >= 0:
                ms.add(old_m)
                flow_id += 1
                out.append({"name": "handoff", "cat": "flow", "ph": "s", "id": flow_id,
                            "ts": us(t), "pid": _PID_M, "tid": old_m, "args": {"goid": goid}})
                pending_flow.setdefault(p, []).append(flow_id)

    end = events[-1][0]
    for p in list(open_p):
        stop(open_p[p][1], p, end)
    for m in list(open_m):
        close_m(m, end)
    # a handoff whose P never ran again: end the arrow on the P at the end
    for p, fids in pending_flow.items():
        for fid in fids:
            out.append({"name": "handoff", "cat": "flow", "ph": "f", "bp": "e", "id": fid,
                        "ts": us(end), "pid": _PID_P, "tid": p})

    meta = [{"name": "process_name", "ph": "M", "pid": _PID_P, "tid": 0, "args": {"name": "Ps"}},
            {"name": "process_name", "ph": "M", "pid": _PID_M, "tid": 0, "args": {"name": "Ms"}},
            {"name": "process_sort_index", "ph": "M", "pid": _PID_P, "tid": 0,
             "args": {"sort_index": 1}},
            {"name": "process_sort_index", "ph": "M", "pid": _PID_M, "tid": 0,
             "args": {"sort_index": 2}}]
    for p in sorted(ps):
        meta.append({"name": "thread_name", "ph": "M", "pid": _PID_P, "tid": p,
                     "args": {"name": f"P{p}"}})
        meta.append({"name": "thread_sort_index", "ph": "M", "pid": _PID_P, "tid": p,
                     "args": {"sort_index": p}})
    for m in sorted(ms):
        meta.append({"name": "thread_name", "ph": "M", "pid": _PID_M, "tid": m,
                     "args": {"name": f"M{m}"}})
        meta.append({"name": "thread_sort_index", "ph": "M", "pid": _PID_M, "tid": m,
                     "args": {"sort_index": m}})
    out.sort(key=lambda ev: (ev["ts"], 0 if ev["ph"] == "X" else 1))
    return {"traceEvents": meta + out, "displayTimeUnit": "ms",
            "otherData": {"source": "reference_runtime event trace"}}


def write_chrome_trace(events, path) -> str:
    """Write ``chrome_trace(events)`` to `path` (JSON); returns the path.
    Open it at ui.perfetto.dev ("Open trace file") or in chrome://tracing."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(chrome_trace(events), f)
    return str(path)
