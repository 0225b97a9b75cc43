"""The course's views of the scheduler: a step-by-step replay of an event
trace, and a per-P timeline.

Both read the event trace a run records (``run(main, trace=events)``, a list
of ``Event`` tuples ``(time, kind, p, m, goid, detail)``) and nothing else,
so they work the same on gokernel, on reference_runtime, and on a trace
saved from an earlier run::

    import gokernel as gk
    from gokernel.views import Stepper, timeline

    events = []
    gk.run(main, gomaxprocs=1, clock="virtual", seed=1, trace=events)
    Stepper(events)      # JupyterLab: ◀ ▶ and a slider; elsewhere: text
    timeline(events)     # matplotlib: one row per P, a bar per goroutine run

``replay(events)`` is the model underneath the Stepper: after each event,
every P's ``runnext`` slot and local run queue, the global run queue, and
each goroutine's state (Go's ``_Grunnable``, ``_Grunning``, ``_Gwaiting``
with its wait reason, ``_Gsyscall``, ``_Gdead``).  The trace does not store
the queues, so the replay re-runs Go's queue algorithms on goroutine ids
(``runqput`` with its ``runnext`` kick and its overflow to the global
queue, ``globrunqget``'s batch, ``runqsteal``'s half, the 61st-schedule
check), exactly as ``reference_runtime/runq.py`` and ``sched.py`` do.

What the trace cannot tell, the replay cannot show:

* ``GOMAXPROCS`` is not in the trace; it is taken as one more than the
  highest P id seen (pass ``gomaxprocs=`` when some P never appears: it
  sets the size of the batch a P takes from the global queue).
* A change of GOMAXPROCS during the run (a ``procresize`` event) moves
  queued goroutines between queues wholesale; the replay does not redo
  that, so such a goroutine may show in the wrong queue until it next
  runs, when it is found wherever it is and the state is right again.

Only this module imports ipywidgets and matplotlib, and only when a view
is shown: gokernel's runtime modules never do.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

__all__ = ["Stepper", "timeline", "replay", "SchedState", "PView", "GView",
           "goroutine_color", "GO_STATUS"]

RUNQ_SIZE = 256            # a P's ring (reference_runtime.runq.RUNQ_SIZE)
GLOBAL_CHECK_PERIOD = 61   # schedtick % 61 == 0: the global queue first

# Go's names for the states a goroutine shows here (runtime2.go)
GO_STATUS = {"runnable": "_Grunnable", "running": "_Grunning", "waiting": "_Gwaiting",
             "syscall": "_Gsyscall", "dead": "_Gdead"}

# matplotlib's tab20, so the Stepper and the timeline colour a goroutine alike
_PALETTE = ["#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728",
            "#ff9896", "#9467bd", "#c5b0d5", "#8c564b", "#c49c94", "#e377c2", "#f7b6d2",
            "#7f7f7f", "#c7c7c7", "#bcbd22", "#dbdb8d", "#17becf", "#9edae5"]


def goroutine_color(goid: int) -> str:
    """The colour of goroutine ``goid`` in every view (a hex string)."""
    return _PALETTE[(goid - 1) % len(_PALETTE)]


# --------------------------------------------------------------------------
# The state after each event


@dataclass
class PView:
    """One P after an event: ``status`` is "idle", "running" or "syscall";
    ``curg`` the goroutine it runs (or whose system call holds it);
    ``runnext`` and ``runq`` (head first) hold goroutine ids."""

    id: int
    status: str = "idle"
    curg: int | None = None
    runnext: int | None = None
    runq: list = field(default_factory=list)
    schedtick: int = 0


@dataclass
class GView:
    """One goroutine after an event: ``status`` is "runnable", "running",
    "waiting", "syscall" or "dead"; ``where`` says which queue or P holds it
    ("P0 runnext", "P0 local queue", "global queue", "on P1", ...)."""

    goid: int
    status: str
    wait_reason: str = ""
    where: str = ""

    @property
    def go_status(self) -> str:
        """Go's name for the state: ``_Grunnable``, ``_Gwaiting`` ..."""
        return GO_STATUS[self.status]

    def describe(self) -> str:
        if self.status == "waiting":
            return f"waiting ({self.wait_reason})" if self.wait_reason else "waiting"
        if self.where:
            return f"{self.status} ({self.where})"
        return self.status


@dataclass
class SchedState:
    """Everything the Stepper shows after one event.

    ``index`` is the event's position in the trace (-1: before the first);
    ``note`` says in words what the event did."""

    index: int
    event: tuple | None
    time: float
    note: str
    ps: list
    global_runq: list
    statuses: dict           # goid -> (status, wait_reason), every goroutine seen
    _gs: dict | None = field(default=None, repr=False, compare=False)

    def p(self, pid: int) -> PView:
        return next(p for p in self.ps if p.id == pid)

    @property
    def gs(self) -> dict:
        """goid -> GView, with where each runnable or running goroutine is."""
        if self._gs is None:
            where = {}
            for p in self.ps:
                if p.runnext is not None:
                    where[p.runnext] = f"P{p.id} runnext"
                for i, goid in enumerate(p.runq):
                    where[goid] = f"P{p.id} local queue #{i + 1}"
                if p.curg is not None:
                    where[p.curg] = f"on P{p.id}"
            for i, goid in enumerate(self.global_runq):
                where[goid] = f"global queue #{i + 1}"
            gs = {}
            for goid, (status, reason) in self.statuses.items():
                w = where.get(goid, "") if status in ("runnable", "running", "syscall") else ""
                if status == "runnable" and not w:
                    w = "in hand"
                gs[goid] = GView(goid, status, reason, w)
            self._gs = gs
        return self._gs

    # ------------------------------------------------------------ text

    def text(self, max_queue: int = 24) -> str:
        """A plain-text rendering (what the Stepper shows outside Jupyter)."""
        def ids(gs):
            shown = " ".join(f"G{g}" for g in gs[:max_queue])
            more = f" … +{len(gs) - max_queue}" if len(gs) > max_queue else ""
            return f"[{shown}{more}]"
        t = "" if self.event is None else f"t={_fmt_time(self.time)}  "
        lines = [f"{t}{self.note}"]
        for p in self.ps:
            if p.status == "syscall":
                cur = f"G{p.curg} in a system call"
            elif p.curg is not None:
                cur = f"running G{p.curg}"
            elif p.status == "running":
                cur = "looking for work"
            else:
                cur = p.status
            nxt = "-" if p.runnext is None else f"G{p.runnext}"
            lines.append(f"  P{p.id} {cur:<24} runnext: {nxt:<6} local: {ids(p.runq)}")
        lines.append(f"  global run queue: {ids(self.global_runq)}")
        by_status: dict = {}
        for g in sorted(self.gs.values(), key=lambda g: g.goid):
            by_status.setdefault(g.status, []).append(g)
        for status in ("running", "syscall", "runnable", "waiting", "dead"):
            gs = by_status.get(status)
            if not gs:
                continue
            if status == "waiting":
                items = ", ".join(f"G{g.goid} [{g.wait_reason}]" for g in gs[:max_queue])
            elif status == "dead":
                items = " ".join(f"G{g.goid}" for g in gs[:max_queue])
            else:
                items = ", ".join(f"G{g.goid}" + (f" ({g.where})" if g.where else "")
                                  for g in gs[:max_queue])
            more = f" … +{len(gs) - max_queue}" if len(gs) > max_queue else ""
            lines.append(f"  {status} ({GO_STATUS[status]}): {items}{more}")
        return "\n".join(lines)

    # ------------------------------------------------------------ HTML

    def html(self, max_queue: int = 24) -> str:
        """An HTML rendering: a row per P, the global queue, the goroutines."""
        import html as _h
        focus = self.event[4] if self.event is not None else 0

        def chip(goid, faded=False, struck=False, extra=""):
            ring = "outline:2px solid #000;" if goid == focus else ""
            style = (f"display:inline-block;min-width:2.2em;text-align:center;margin:1px 2px;"
                     f"padding:0 4px;border-radius:4px;font:12px monospace;color:#000;"
                     f"background:{goroutine_color(goid)};{ring}"
                     + ("opacity:.45;" if faded else "")
                     + ("text-decoration:line-through;" if struck else ""))
            return f"<span style='{style}' title='goroutine {goid}'>G{goid}{extra}</span>"

        def queue(gs):
            if not gs:
                return "<span style='color:#888'>empty</span>"
            more = (f" <span style='color:#666'>… +{len(gs) - max_queue}</span>"
                    if len(gs) > max_queue else "")
            return "".join(chip(g) for g in gs[:max_queue]) + more

        cell = "padding:2px 8px;border-bottom:1px solid #e1e4e8;text-align:left;vertical-align:middle"
        rows = []
        for p in self.ps:
            if p.status == "syscall":
                cur = chip(p.curg) + " <i>system call</i>"
            elif p.curg is not None:
                cur = chip(p.curg)
            else:
                word = "looking for work" if p.status == "running" else p.status
                cur = f"<span style='color:#888'>{word}</span>"
            nxt = chip(p.runnext) if p.runnext is not None else "<span style='color:#888'>—</span>"
            rows.append(f"<tr><td style='{cell}'><b>P{p.id}</b></td><td style='{cell}'>{cur}</td>"
                        f"<td style='{cell}'>{nxt}</td><td style='{cell}'>{queue(p.runq)}</td></tr>")
        head = (f"<tr><th style='{cell}'>P</th><th style='{cell}'>running</th>"
                f"<th style='{cell}'>runnext</th><th style='{cell}'>local run queue (head first)</th></tr>")
        groups: dict = {}
        for g in sorted(self.gs.values(), key=lambda g: g.goid):
            groups.setdefault(g.status, []).append(g)
        lines = []
        for status in ("running", "syscall", "runnable", "waiting", "dead"):
            gs = groups.get(status)
            if not gs:
                continue
            if status == "waiting":
                items = "".join(chip(g.goid) + f"<span style='color:#555;font-size:11px;"
                                f"margin-right:6px'>{_h.escape(g.wait_reason)}</span>"
                                for g in gs[:max_queue])
            else:
                items = "".join(chip(g.goid, faded=status == "dead", struck=status == "dead")
                                for g in gs[:max_queue])
            if len(gs) > max_queue:
                items += f" <span style='color:#666'>… +{len(gs) - max_queue}</span>"
            lines.append(f"<tr><td style='{cell}'>{status}</td>"
                         f"<td style='{cell};color:#666;font:11px monospace'>{GO_STATUS[status]}</td>"
                         f"<td style='{cell}'>{items}</td></tr>")
        t = "" if self.event is None else f"t = {_fmt_time(self.time)} · "
        return (
            "<div style='font:13px sans-serif;line-height:1.5'>"
            f"<div style='margin-bottom:4px'>{t}<b>{_h.escape(self.note)}</b></div>"
            f"<table style='border-collapse:collapse;margin-bottom:6px'>{head}{''.join(rows)}"
            f"<tr><td style='{cell}' colspan=3><b>global run queue</b></td>"
            f"<td style='{cell}'>{queue(self.global_runq)}</td></tr></table>"
            f"<table style='border-collapse:collapse'><tr><th style='{cell}' colspan=3>"
            f"goroutines, by state (outlined: the one this event is about)</th></tr>"
            f"{''.join(lines)}</table></div>")


def _fmt_time(t: float) -> str:
    if t == 0:
        return "0 ms"
    if t < 1e-3:
        return f"{t * 1e6:.1f} µs"
    if t < 1:
        return f"{t * 1e3:.3f} ms"
    return f"{t:.3f} s"


# --------------------------------------------------------------------------
# The replay: Go's queue algorithms on goroutine ids


class _P:
    __slots__ = ("id", "status", "curg", "runnext", "runq", "schedtick")

    def __init__(self, pid: int) -> None:
        self.id = pid
        self.status = "idle"
        self.curg = None
        self.runnext = None
        self.runq: deque = deque()
        self.schedtick = 0


class _Replay:
    """The scheduler's queues, rebuilt from events (one ``apply`` each)."""

    def __init__(self, gomaxprocs: int) -> None:
        self.gomaxprocs = max(1, gomaxprocs)
        self.ps: dict[int, _P] = {}
        self.glob: deque = deque()
        self.gs: dict[int, tuple] = {}       # goid -> (status, wait_reason)
        self.fresh: set = set()              # main: starts a fresh time slice
        self.picked: dict = {}               # P id -> sentence of a pick not yet run
        for i in range(self.gomaxprocs):
            self._p(i)

    def _p(self, pid: int) -> _P:
        p = self.ps.get(pid)
        if p is None:
            p = self.ps[pid] = _P(pid)
        return p

    def _status(self, goid: int) -> str:
        return self.gs.get(goid, ("runnable", ""))[0]

    # -- Go's queue operations, on ids

    def runqput(self, p: _P, goid: int, next_: bool) -> str:
        """reference_runtime.runq.runqput; returns what it did, in words."""
        said = ""
        if next_:
            old, p.runnext = p.runnext, goid
            if old is None:
                return ""
            said = f"; G{old} moves from runnext to the tail of P{p.id}'s local queue"
            goid = old
        if len(p.runq) < RUNQ_SIZE:
            p.runq.append(goid)
            return said
        n = len(p.runq) // 2                # runqputslow
        batch = [p.runq.popleft() for _ in range(n)]
        self.glob.extend(batch + [goid])
        return (f"{said}; P{p.id}'s local queue is full: its oldest {n} goroutines and "
                f"G{goid} move to the global queue (runqputslow)")

    def remove(self, goid: int):
        """Take goid out of whichever queue holds it: ("runnext", p),
        ("local", p, position), ("global", position) or None."""
        for p in self.ps.values():
            if p.runnext == goid:
                p.runnext = None
                return ("runnext", p)
        for p in self.ps.values():
            if goid in p.runq:
                i = p.runq.index(goid)
                del p.runq[i]
                return ("local", p, i)
        if goid in self.glob:
            i = self.glob.index(goid)
            del self.glob[i]
            return ("global", i)
        return None

    def _unrun(self, goid: int) -> None:
        for p in self.ps.values():
            if p.curg == goid:
                p.curg = None
                if p.status == "syscall":
                    p.status = "running"

    # -- one event

    def apply(self, e) -> str:
        kind, pid, goid, detail = e[1], e[2], e[4], e[5]
        p = self._p(pid) if pid is not None and pid >= 0 else None
        G = f"G{goid}"
        P = f"P{pid}"

        if kind == "proc_start":
            p.status = "running"
            p.curg = None
            return f"{P} starts (an M takes it to look for goroutines)"
        if kind == "proc_stop":
            p.status = "idle"
            p.curg = None
            return f"{P} finds nothing to run and goes idle"
        if kind == "spawn":
            self.gs[goid] = ("runnable", "")
            if not detail:
                self.fresh.add(goid)
            said = self.runqput(p, goid, True)
            who = f"G{detail}" if detail else "the runtime"
            if not detail:
                return f"{who} creates {G} (main) on {P}: into runnext{said}"
            return f"{who} spawns {G} on {P}: into runnext, it runs next{said}"
        if kind == "run":
            return self._run(p, goid)
        if kind == "park":
            self.gs[goid] = ("waiting", detail or "")
            self._unrun(goid)
            return f"{G} parks ({detail}): {P} looks for another goroutine"
        if kind == "ready":
            self.gs[goid] = ("runnable", "")
            self.remove(goid)
            if p is None or detail in ("global", "netpoll"):
                self.glob.append(goid)
                why = "from the network poller" if detail == "netpoll" else "with no P running"
                return f"{G} is ready ({why}): to the tail of the global queue"
            said = self.runqput(p, goid, True)
            return f"{G} is ready: into {P}'s runnext{said}"
        if kind == "gosched" and detail == "local" and p is not None:
            self.gs[goid] = ("runnable", "")
            self._unrun(goid)
            said = self.runqput(p, goid, False)
            return f"{G} yields its P (goyield): to the tail of {P}'s queue{said}"
        if kind in ("gosched", "preempt"):
            self.gs[goid] = ("runnable", "")
            self._unrun(goid)
            self.glob.append(goid)
            if kind == "gosched":
                return f"{G} yields (gosched): to the tail of the global queue"
            return f"{G} is preempted: to the tail of the global queue"
        if kind == "exit":
            self.gs[goid] = ("dead", "")
            self._unrun(goid)
            self.remove(goid)
            return f"{G} exits: _Gdead, its record goes on the free list for reuse"
        if kind == "steal":
            n, victim_id = detail if isinstance(detail, tuple) else (detail, -1)
            victim = self._p(victim_id)
            if victim.runq:
                batch = [victim.runq.popleft() for _ in range(min(n, len(victim.runq)))]
            elif victim.runnext is not None:
                batch, victim.runnext = [victim.runnext], None
            else:
                batch = []
            if goid in batch:
                batch.remove(goid)
            else:
                self.remove(goid)
            for other in batch:
                self.runqput(p, other, False)
            self.gs[goid] = ("runnable", "")
            return (f"{P} steals {n} goroutine{'s' if n != 1 else ''} from P{victim_id}'s queue: "
                    f"runs {G}" + (f", keeps {len(batch)} in its local queue" if batch else ""))
        if kind == "runqputslow":
            return (f"{P}'s local queue is full: half of it (and the new goroutine, {detail} "
                    f"in all) goes to the global queue")
        if kind == "syscall_enter":
            self.gs[goid] = ("syscall", "")
            p.status = "syscall"
            p.curg = goid
            return f"{G} enters a system call ({detail}): its M blocks, {P} waits (_Psyscall)"
        if kind == "syscall_exit":
            self._unrun(goid)
            if p is None:
                self.gs[goid] = ("runnable", "")
                self.glob.append(goid)
                return f"{G}'s system call returns; no P is free: {G} goes to the global queue"
            self.gs[goid] = ("running", "")
            p.status = "running"
            p.curg = goid
            if detail == "same P":
                return f"{G}'s system call returns quickly: it goes on running on {P}"
            return f"{G}'s system call returns: it takes idle {P} and goes on running"
        if kind == "handoff":
            if p is not None:
                p.status = "idle"
                p.curg = None
            return (f"sysmon retakes {P} from the system call of {G} and hands it off "
                    f"(handoffp), so the P's other goroutines can run")
        if kind == "work":
            return f"{G} computes for {_fmt_time(detail) if isinstance(detail, (int, float)) else detail} on {P}"
        if kind == "timeout":
            return "the run timed out"
        return f"{kind} {G}" + (f" ({detail})" if detail is not None else "")

    def _run(self, p: _P, goid: int) -> str:
        G, P = f"G{goid}", f"P{p.id}"
        p.status = "running"
        if p.curg == goid:
            self.gs[goid] = ("running", "")
            picked = self.picked.pop(p.id, None)
            return picked or f"{P} goes on running {G}"
        return self.pick(p, goid)

    def pick(self, p: _P, goid: int) -> str:
        """P chooses goid to run next (findrunnable + execute): take it from
        its queue the way Go's nextg/runqget/globrunqget would, count the
        schedule; returns the sentence the run event will show."""
        G, P = f"G{goid}", f"P{p.id}"
        status = self._status(goid)
        p.status = "running"
        where = self.remove(goid)
        inherit = False
        fresh = goid in self.fresh
        self.fresh.discard(goid)
        if where is None:
            how = "was taken by a steal" if status == "runnable" else \
                  "woken by the network poller" if status == "waiting" else "no queue"
            said = f"({how})"
        elif where[0] == "runnext" and where[1] is p and not fresh:
            inherit = True
            said = "from runnext: it inherits the time slice, schedtick stays"
        elif where[0] == "runnext":
            said = "from runnext (main starts a fresh time slice)" if fresh else \
                   f"from P{where[1].id}'s runnext"
        elif where[0] == "local":
            said = "from the head of its local queue" if where[1] is p else \
                   f"from P{where[1].id}'s local queue"
        else:
            # globrunqget: every 61st schedule a batch of 1, else len/GOMAXPROCS+1
            size = len(self.glob) + 1
            every61 = p.schedtick % GLOBAL_CHECK_PERIOD == 0
            n = min(size // self.gomaxprocs + 1, size, RUNQ_SIZE // 2)
            if every61:
                n = 1
            batch = [self.glob.popleft() for _ in range(min(n - 1, len(self.glob)))]
            for other in batch:
                self.runqput(p, other, False)
            if every61 and (p.runnext is not None or p.runq):
                said = (f"from the global queue: schedtick {p.schedtick} is a multiple of 61, "
                        "so the global queue goes first")
            elif every61:
                said = f"from the global queue (schedtick {p.schedtick} is a multiple of 61)"
            else:
                said = "from the global queue: the local one is empty"
            if batch:
                said += f"; {len(batch)} more move to its local queue"
        if not inherit:
            p.schedtick += 1
        p.curg = goid
        self.gs[goid] = ("running", "")
        return f"{P} runs {G} {said}" if said.startswith("(") else f"{P} runs {G}, {said}"

    # -- what a view shows

    def snapshot(self, index: int, event, note: str) -> SchedState:
        ps = [PView(p.id, p.status, p.curg, p.runnext, list(p.runq), p.schedtick)
              for p in sorted(self.ps.values(), key=lambda p: p.id)]
        return SchedState(index, event, event[0] if event is not None else 0.0, note, ps,
                          list(self.glob), dict(self.gs))


def _infer_gomaxprocs(events) -> int:
    ids = [e[2] for e in events if e[2] is not None and e[2] >= 0]
    ids += [e[5][1] for e in events if e[1] == "steal" and isinstance(e[5], tuple)]
    return max(ids) + 1 if ids else 1


_STOPS = ("park", "gosched", "preempt", "exit")
_FINDRUNNABLE = ("ready", "steal", "runqputslow")


def _pick_points(events) -> dict:
    """When each P really chose its next goroutine: {event index: [(p, goid)]}.

    A P whose goroutine stops (parks, yields, is preempted, exits) picks
    the next one at once, but the host thread may run other Ps first, so
    the "run" event can come several events later; meanwhile those Ps may
    change the global queue.  The pick happened right after the stop event
    and the events findrunnable itself causes on that P (timers readying
    goroutines, a steal): the replay applies it there, so the queues are
    those of the real run at every step, and shows it at the "run" step."""
    out: dict = {}
    n = len(events)
    nxt: dict = {}                  # p -> index of its next run/proc_stop, scanning backwards
    following = [None] * n
    targets = set()                 # run events whose pick is placed above
    for i in range(n - 1, -1, -1):
        e = events[i]
        if e[1] in _STOPS:
            following[i] = nxt.get(e[2])
        if e[1] in ("run", "proc_stop") and e[2] is not None and e[2] >= 0:
            nxt[e[2]] = i
    for i, e in enumerate(events):
        j = following[i]
        if j is None or events[j][1] != "run" or e[2] is None or e[2] < 0:
            continue
        p = e[2]
        k = i + 1
        while k < j and ((events[k][2] == p and events[k][1] in _FINDRUNNABLE)
                         or (events[k][1] == "ready" and events[k][5] == "netpoll")
                         # goready's wakep, before the pick
                         or (events[k][1] == "proc_start" and events[k - 1][1] == "ready"
                             and events[k - 1][2] == p)):
            k += 1
        out.setdefault(k, []).append((p, events[j][4]))
        targets.add(j)
    # A P started by an M picks before execute's wakep starts another P:
    # those proc_start events come between its pick and its run event.
    for j, e in enumerate(events):
        if e[1] != "run" or j in targets:
            continue
        k = j
        while k > 0 and events[k - 1][1] == "proc_start" and events[k - 1][2] != e[2]:
            k -= 1
        if k < j and not (k > 0 and events[k - 1][1] == "ready" and events[k - 1][2] == e[2]):
            # (after a ready on the same P, the proc_start is goready's wakep,
            # which comes before the pick)
            out.setdefault(k, []).append((e[2], e[4]))
    return out


def replay(events, gomaxprocs: int | None = None, start: int = 0,
           stop: int | None = None) -> list[SchedState]:
    """The scheduler's state after each event of ``events[start:stop]``
    (the events before ``start`` are replayed too, so the states are those
    of the whole run).  ``gomaxprocs``: the run's; default one more than
    the highest P id in the trace."""
    events = list(events)
    model = _Replay(gomaxprocs or _infer_gomaxprocs(events))
    stop = len(events) if stop is None else min(stop, len(events))
    picks = _pick_points(events)
    out = []
    for i, e in enumerate(events[:stop]):
        for pid, goid in picks.get(i, ()):
            p = model._p(pid)
            if p.curg != goid:
                model.picked[pid] = model.pick(p, goid)
        note = model.apply(e)
        if i >= start:
            out.append(model.snapshot(i, e, note))
    return out


# --------------------------------------------------------------------------
# The Stepper


def _in_kernel() -> bool:
    """True inside a Jupyter kernel (where widgets can render)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


class Stepper:
    """Replay an event trace one scheduling event at a time.

    In JupyterLab it shows ◀ ▶ buttons and a slider; after each step, each
    P's running goroutine, ``runnext`` slot and local run queue, the global
    run queue, and every goroutine's state (runnable, running, waiting with
    its wait reason, in a system call, dead), with a sentence saying what
    the event did.  Elsewhere (a terminal, a script, a test) it renders as
    text: ``print(stepper)``, ``stepper.text(i)``.

    ``events``: a trace from ``run(..., trace=events)``.
    ``kinds``: only events of these kinds become steps (the state is still
      rebuilt from every event), e.g. ``kinds={"run"}`` to step from one
      scheduling decision to the next.
    ``start``/``stop``: a window of the trace (indexes into ``events``).
    ``step``: the step shown first (default 0; -1 for the last).
    ``gomaxprocs``: the run's GOMAXPROCS, if some P never appears in it.

    ``len(stepper)`` steps; ``stepper.states[i]`` is a ``SchedState``;
    ``stepper.step`` (settable), ``next()`` and ``prev()`` move the view.
    """

    def __init__(self, events, *, kinds=None, start: int = 0, stop: int | None = None,
                 step: int = 0, gomaxprocs: int | None = None, title: str | None = None) -> None:
        states = replay(events, gomaxprocs=gomaxprocs, start=start, stop=stop)
        if kinds is not None:
            kinds = {kinds} if isinstance(kinds, str) else set(kinds)
            states = [s for s in states if s.event[1] in kinds]
        if not states:
            raise ValueError("nothing to step through: the trace (or the chosen window "
                             "and kinds) has no events; record one with run(..., trace=events)")
        self.states: list[SchedState] = states
        self.title = title
        self._step = 0
        self._widget = None
        self.step = step

    def __len__(self) -> int:
        return len(self.states)

    @property
    def step(self) -> int:
        """The step shown (0 .. len-1)."""
        return self._step

    @step.setter
    def step(self, i: int) -> None:
        n = len(self.states)
        if i < 0:
            i += n
        self._step = max(0, min(n - 1, i))
        if self._widget is not None:
            self._slider.value = self._step + 1

    def next(self) -> SchedState:
        self.step = self._step + 1
        return self.states[self._step]

    def prev(self) -> SchedState:
        self.step = self._step - 1
        return self.states[self._step]

    @property
    def state(self) -> SchedState:
        return self.states[self._step]

    def _header(self, i: int) -> str:
        s = self.states[i]
        head = f"step {i + 1} of {len(self.states)} (event #{s.index})"
        return f"{self.title} — {head}" if self.title else head

    def text(self, i: int | None = None) -> str:
        """Step i (default: the current one) as plain text."""
        i = self._step if i is None else i
        return self._header(i) + "\n" + self.states[i].text()

    def html(self, i: int | None = None) -> str:
        i = self._step if i is None else i
        import html as _h
        return (f"<div style='font:12px sans-serif;color:#555'>{_h.escape(self._header(i))}</div>"
                + self.states[i].html())

    def __repr__(self) -> str:
        return self.text()

    # ---------------------------------------------------------- the widget

    def widget(self):
        """The ipywidgets view (ipywidgets 8): ◀ ▶, a slider (steps counted
        from 1), and the state as HTML.  Built once, then reused."""
        if self._widget is not None:
            return self._widget
        import ipywidgets as w
        n = len(self.states)
        prev = w.Button(description="◀", tooltip="previous step",
                        layout=w.Layout(width="3em"))
        nxt = w.Button(description="▶", tooltip="next step", layout=w.Layout(width="3em"))
        # the slider counts steps from 1, as the header does
        slider = w.IntSlider(value=self._step + 1, min=1, max=max(1, n), step=1,
                             description="step", readout=True, continuous_update=True,
                             layout=w.Layout(width="min(36em, 60%)"))
        view = w.HTML(value=self.html())

        def show(change):
            self._step = change["new"] - 1
            view.value = self.html()

        slider.observe(show, names="value")
        prev.on_click(lambda _b: setattr(slider, "value", max(1, slider.value - 1)))
        nxt.on_click(lambda _b: setattr(slider, "value", min(n, slider.value + 1)))
        self._slider = slider
        self._widget = w.VBox([w.HBox([prev, slider, nxt]), view])
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        """In a Jupyter kernel: the widget, with the text rendering as its
        plain-text fallback (what nbval compares and what a viewer without
        widgets shows).  Anywhere else: the text."""
        text = self.text()
        if not _in_kernel():
            return {"text/plain": text}
        try:
            bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude)
        except ImportError:
            return {"text/plain": text}
        if isinstance(bundle, tuple):      # (data, metadata)
            data, meta = bundle
            data = dict(data)
            data["text/plain"] = text
            return data, meta
        bundle = dict(bundle or {})
        bundle["text/plain"] = text
        return bundle


# --------------------------------------------------------------------------
# The timeline

_MARKERS = {
    # kind: (marker, colour, legend label)
    "steal": ("<", "#000000", "steal"),
    "preempt": ("X", "#d62728", "preemption"),
    "handoff": ("D", "#9467bd", "handoff of the P (sysmon)"),
    "syscall_enter": ("v", "#444444", "system call starts"),
    "syscall_exit": ("^", "#444444", "system call returns"),
    "runqputslow": ("s", "#8c564b", "local queue overflows"),
}


def _intervals(events, xs):
    """(runs, syscalls, marks): runs and syscalls as (p, x0, x1, goid), marks
    as (kind, p, x, goid)."""
    runs, syscalls, marks = [], [], []
    running: dict = {}       # p -> (x0, goid)
    insys: dict = {}         # goid -> (p, x0), while its P waits on the call
    end = xs[-1] if xs else 0.0

    def close(p, x):
        x0, g = running.pop(p)
        runs.append((p, x0, x, g))

    for e, x in zip(events, xs):
        kind, p, goid = e[1], e[2], e[4]
        if kind == "run":
            cur = running.get(p)
            if cur is not None and cur[1] == goid:
                continue
            if cur is not None:
                close(p, x)
            running[p] = (x, goid)
        elif kind in ("park", "gosched", "preempt", "exit", "syscall_enter"):
            for pp, (_x0, g) in list(running.items()):
                if g == goid:
                    close(pp, x)
            if kind == "syscall_enter":
                insys[goid] = (p, x)
        elif kind in ("syscall_exit", "handoff"):
            s = insys.pop(goid, None)
            if s is not None:
                syscalls.append((s[0], s[1], x, goid))
                if kind == "syscall_exit" and p == s[0] and e[5] == "same P":
                    running[p] = (x, goid)
        elif kind == "proc_stop" and p in running:
            close(p, x)
        if kind in _MARKERS:
            mp = p
            if mp is None or mp < 0:
                mp = next((s[0] for s in syscalls[::-1] if s[3] == goid), None)
            if mp is not None and mp >= 0:
                marks.append((kind, mp, x, goid))
    for p, (x0, g) in list(running.items()):
        runs.append((p, x0, end, g))
    for goid, (p, x0) in insys.items():
        syscalls.append((p, x0, end, goid))
    return runs, syscalls, marks


def timeline(events, ax=None, *, x: str = "auto", title: str | None = None,
             gomaxprocs: int | None = None, labels: bool = True):
    """Draw a per-P timeline of a trace with matplotlib and return the Axes.

    One row per P; a bar for each stretch a goroutine ran on it, coloured
    per goroutine (as in the Stepper) and labelled ``G<id>`` where it fits;
    a hatched bar while a system call holds the P; markers for steals,
    preemptions, handoffs, system calls and run-queue overflows.

    ``x``: "time" (seconds since the run started, shown in µs, ms or s),
    "step" (the event's index in the trace: use it for a virtual-clock run
    in which scheduling takes no time), or "auto" (time when most runs take
    some, else step).  ``ax``: an Axes to draw on (default: a new figure,
    9 inches wide).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    events = list(events)
    nps = gomaxprocs or _infer_gomaxprocs(events)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 1.4 + 0.55 * nps))
    if x not in ("auto", "time", "step"):
        raise ValueError(f"x must be 'auto', 'time' or 'step', not {x!r}")
    if x == "auto" and events:
        runs, _s, _m = _intervals(events, [e[0] for e in events])
        timed = sum(1 for r in runs if r[2] > r[1])
        x = "time" if runs and timed * 2 >= len(runs) else "step"
    if x == "step":
        xs = [float(i) for i in range(len(events))]
        scale, xlabel = 1.0, "scheduling event (its index in the trace)"
    else:
        xs = [float(e[0]) for e in events]
        span = (max(xs) - min(xs)) if xs else 0.0
        if span < 1e-3:
            scale, unit = 1e6, "µs"
        elif span < 1:
            scale, unit = 1e3, "ms"
        else:
            scale, unit = 1.0, "s"
        xlabel = f"time since the run started ({unit})"
    runs, syscalls, marks = _intervals(events, xs)
    span = (max(xs) - min(xs)) * scale if xs else 1.0
    span = span or 1.0
    minw = span * 0.002
    for p, x0, x1, goid in runs:
        w = max((x1 - x0) * scale, minw)
        ax.broken_barh([(x0 * scale, w)], (p - 0.35, 0.7), facecolors=goroutine_color(goid),
                       edgecolor="white", linewidth=0.5)
        if labels and w >= span * 0.035:
            ax.text(x0 * scale + w / 2, p, f"G{goid}", ha="center", va="center", fontsize=7,
                    clip_on=True)
    for p, x0, x1, goid in syscalls:
        w = max((x1 - x0) * scale, minw)
        ax.broken_barh([(x0 * scale, w)], (p - 0.25, 0.5), facecolors="none",
                       edgecolor=goroutine_color(goid), hatch="////", linewidth=0.8)
    seen = {}
    for kind, p, xm, _goid in marks:
        marker, colour, label = _MARKERS[kind]
        h = ax.plot([xm * scale], [p - 0.42], linestyle="none", marker=marker, color=colour,
                    markersize=6, clip_on=False)[0]
        seen.setdefault(kind, h)
    ax.set_yticks(range(nps))
    ax.set_yticklabels([f"P{i}" for i in range(nps)])
    ax.set_ylim(nps - 0.5, -0.7)
    ax.set_ylabel("P (logical processor)")
    ax.set_xlabel(xlabel)
    if xs:
        ax.set_xlim(min(xs) * scale - span * 0.01, max(xs) * scale + span * 0.02)
    ax.set_title(title or "Which goroutine each P ran")
    handles = [seen[k] for k in _MARKERS if k in seen]
    names = [_MARKERS[k][2] for k in _MARKERS if k in seen]
    if syscalls:
        handles.append(Patch(facecolor="none", edgecolor="#444444", hatch="////"))
        names.append("P held by a system call")
    if handles:
        ax.legend(handles, names, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
                  frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return ax
