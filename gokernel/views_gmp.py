"""Views for notebooks 06 (Ms, Ps and system calls) and 07 (preemption),
on top of ``gokernel.views``.

* ``whose(*exercise_ids)``: one line per runtime part, saying whether
  gokernel runs the learner's code for it or the reference's (a notebook
  says so under each exercise, in words that do not change when other
  exercises are added to the course).
* ``steal_arrows(events, ax)``: on a ``views.timeline`` plot, an arrow
  from the robbed P to the thief at each steal, labelled with the number
  of goroutines taken.
* ``schedule_sources(main, ...)``: run a program and count where each P
  found the goroutine it ran next: its ``runnext`` slot, its local ring,
  the global queue, another P's queue (a steal), or the network.
* ``syscall_delays(events)``: for each system call of a trace, how long
  its P waited before sysmon handed it off (or None if the call returned
  first), and how ``exitsyscall`` went on.

Like ``views``, this module reads traces and runs programs; it imports
matplotlib only when drawing, and nothing of the runtime's internals
beyond the replaceable parts (``reference_runtime.sched.default_parts``).
"""
from __future__ import annotations

from collections import Counter

__all__ = ["whose", "steal_arrows", "schedule_sources", "syscall_delays", "SOURCES"]


def whose(*exercise_ids: str) -> str:
    """Which code gokernel runs for these exercises' parts, one line each:
    ``runqsteal: yours (my_runtime/steal.py)`` or ``runqsteal: the
    reference's (exercise 06.1 'steal' not passed yet)``."""
    from exercises import core

    from . import parts
    lines = []
    for ex_id in exercise_ids:
        ex = core.get(ex_id)
        mine = parts.load_module(ex_id) is not None
        for name in ex.provides:
            if mine:
                lines.append(f"{name}: yours (my_runtime/{ex_id}.py)")
            else:
                lines.append(f"{name}: the reference's (exercise {ex.label} '{ex_id}' "
                             "not passed yet)")
    return "\n".join(lines)


def steal_arrows(events, ax, *, x: str = "time", scale: float | None = None) -> int:
    """Draw an arrow from victim to thief for every steal in the trace, on
    an Axes drawn by ``views.timeline`` (rows are P ids).  ``x`` must be
    the same as the timeline's ("time" or "step"); ``scale`` the factor
    from seconds to the timeline's unit (default: read from the x label).
    Returns the number of steals drawn."""
    events = list(events)
    if scale is None:
        label = ax.get_xlabel()
        scale = 1e6 if "(µs)" in label else 1e3 if "(ms)" in label else 1.0
    n = 0
    for i, e in enumerate(events):
        if e[1] != "steal" or not isinstance(e[5], tuple):
            continue
        taken, victim = e[5]
        thief = e[2]
        xv = (i if x == "step" else e[0]) * (1.0 if x == "step" else scale)
        # a curved arrow, victim -> thief, bulging left so that arrows at the
        # same time and the vertical lines of the grid stay apart
        rad = 0.35 if thief > victim else -0.35
        ax.annotate("", xy=(xv, thief - 0.3 if thief > victim else thief + 0.3),
                    xytext=(xv, victim + 0.3 if thief > victim else victim - 0.3),
                    arrowprops=dict(arrowstyle="-|>", color="#b00020", lw=0.8, alpha=0.8,
                                    mutation_scale=8, shrinkA=0, shrinkB=0,
                                    connectionstyle=f"arc3,rad={rad}"))
        ax.text(xv, thief + (-0.3 if thief > victim else 0.3), f"{taken} ", fontsize=7,
                va="center", ha="right", color="#b00020",
                bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
        n += 1
    return n


#: the places findrunnable can find a goroutine, in the order it looks
SOURCES = ("runnext", "local ring", "global queue", "network", "stolen")


def schedule_sources(main, *args, gomaxprocs=None, clock="virtual", seed=None,
                     preempt="async", timeout=None, trace=None) -> Counter:
    """Run ``main(*args)`` on gokernel's runtime (the learner's parts where
    passed) and count, for every goroutine a P picked to run, where it came
    from: "runnext", "local ring", "global queue", "network" or "stolen"
    (counted by wrapping the run-queue parts ``runqget``, ``globrunqget``
    and ``runqsteal``, and the network poll)."""
    from reference_runtime.sched import Runtime, default_parts

    from . import channel, selectgo
    from . import parts as _parts
    chosen = default_parts()
    chosen.update(_parts.runtime_parts())
    counts: Counter = Counter({k: 0 for k in SOURCES})
    runqget, globrunqget, runqsteal = (chosen["runqget"], chosen["globrunqget"],
                                       chosen["runqsteal"])

    def counted_runqget(p):
        g, inherit = runqget(p)
        if g is not None:
            counts["runnext" if inherit else "local ring"] += 1
        return g, inherit

    def counted_globrunqget(rt, p, max_):
        g = globrunqget(rt, p, max_)
        if g is not None:
            counts["global queue"] += 1
        return g

    def counted_runqsteal(rt, p, victim, steal_runnext):
        g = runqsteal(rt, p, victim, steal_runnext)
        if g is not None:
            counts["stolen"] += 1
        return g

    rt = Runtime(gomaxprocs=gomaxprocs, clock=clock, seed=seed, preempt=preempt,
                 timeout=timeout, trace=trace,
                 parts={"runqget": counted_runqget, "globrunqget": counted_globrunqget,
                        "runqsteal": counted_runqsteal,
                        **{k: v for k, v in chosen.items()
                           if k not in ("runqget", "globrunqget", "runqsteal")}})
    findrunnable = rt.findrunnable

    def counted_findrunnable(rt_, p):
        before = sum(counts.values())
        g, inherit = findrunnable(rt_, p)
        if g is not None and sum(counts.values()) == before:
            counts["network"] += 1          # found, but not through a run queue
        return g, inherit

    rt.findrunnable = counted_findrunnable
    channel.bind()
    selectgo.bind()
    try:
        rt.run_main(main, args)
    finally:
        channel.unbind()
        selectgo.unbind()
    return counts


def syscall_delays(events) -> list[dict]:
    """For each system call in a trace: ``{"goid", "enter", "handoff_after",
    "exit_after", "exit"}`` -- seconds from syscall_enter to sysmon's handoff
    of its P (None if the call returned before sysmon took the P) and to the
    call's return, and how exitsyscall continued ("same P", "idle P",
    "global queue")."""
    out = []
    open_: dict = {}
    for e in events:
        kind, goid = e[1], e[4]
        if kind == "syscall_enter":
            rec = {"goid": goid, "enter": e[0], "handoff_after": None, "exit_after": None,
                   "exit": None}
            open_[goid] = rec
            out.append(rec)
        elif kind == "handoff" and goid in open_:
            rec = open_[goid]
            if rec["handoff_after"] is None:
                rec["handoff_after"] = e[0] - rec["enter"]
        elif kind == "syscall_exit" and goid in open_:
            rec = open_.pop(goid)
            rec["exit_after"] = e[0] - rec["enter"]
            rec["exit"] = e[5]
    return out
