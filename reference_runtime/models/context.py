"""What a context switch saves, as models: Go's ``gobuf`` against a thread's
register file (``runtime/runtime2.go``, ``runtime/asm_amd64.s``,
``runtime/preempt_amd64.s``), a toy machine that saves and restores
contexts, and ``gosave``/``gogo``/``mcall`` on greenlets with a g0
scheduler.

Why a goroutine switch saves so little
--------------------------------------

A goroutine switches where it *called* the runtime (a channel operation,
``Gosched``, a blocked lock, a stack check).  Go's register calling
convention (``cmd/compile/abi-internal.md``) has no callee-saved registers:
"a call may overwrite any register that doesn't have a fixed meaning", so
at any call the compiler has already spilled every live value to the
goroutine's own stack.  What is left to save is where the stack is and
where to go on: Go's ``gobuf`` is seven words, ``sp, pc, g, ctxt, ret, lr,
bp`` (56 bytes on amd64).  ``ctxt`` is the closure context register, DX on
amd64: ``morestack`` runs in a function's prologue, before the function
has spilled DX, so it saves DX in ``g.sched.ctxt`` and ``gogo`` reloads it;
that is the "DX" of "PC, SP and DX".  ``g`` is the current goroutine (R14
plus thread-local storage), ``ret`` a value handed to the resumed code (AX),
``lr`` the link register of ARM-like machines, ``bp`` the frame pointer.

A thread switch is different: the kernel can stop a thread at any
instruction, so it saves every register the thread can see: the
general-purpose ones and flags (``pt_regs``, 21 words on x86-64) and the
extended state (x87, SSE, AVX, AVX-512: ``XSAVE``, 832 bytes to ~2.7 KB),
plus the cost of entering the kernel and running its scheduler.  Go 1.14's
asynchronous preemption stops a goroutine at any instruction too, and so
pays the same way: ``asyncPreempt`` pushes the flags and 14 general and 16
XMM registers (368 bytes) onto the goroutine's stack before it enters the
scheduler.

The toy machine
---------------

``ToyMachine`` runs tiny programs (tuples of instructions) as goroutines,
one CPU, switching either cooperatively (at a ``call gosched``) or by
preemption every N instructions, and saving either the gobuf registers or
the full register file.  It shows the three cases: cooperative + gobuf
works; preemption + gobuf corrupts registers; preemption + full save works.

gosave/gogo/mcall on greenlets
------------------------------

On greenlets, a suspended stack *is* the saved sp, pc, bp and lr: the
greenlet object keeps its slice of C stack and its Python frames.  So
``Gobuf`` keeps the greenlet plus the fields Go's code moves by hand (g,
ctxt, ret).  ``Scheduler`` is a cooperative scheduler built the way Go's is:
g0 (the M's scheduling context) runs ``schedule``; a goroutine enters the
scheduler with ``mcall(fn)``, which saves its context and runs ``fn(g)`` on
g0; g0 resumes a goroutine with ``gogo(&g.sched)``.  Exercise 02.1 writes
``gosave``, ``gogo`` and ``mcall``; the ones here are the answer key.

Two differences from Go, both forced by greenlets: Go's ``mcall`` restarts
g0 at the top of its stack every time and ``fn`` never returns (it calls
``schedule``, which ``gogo``s away); a greenlet cannot be restarted, so g0
runs one loop in which ``fn(g)`` returns and the loop schedules again.  And
Go's ``newproc`` makes a goroutine's function return into ``goexit``, which
calls ``mcall(goexit0)``; here the goroutine's greenlet returns
``(goexit0, g)`` to its parent, g0, the same message, and the finished
greenlet is gone.  (The reference runtime itself skips g0: it switches from
the stopping goroutine straight to the next, one switch instead of two.)
"""
from __future__ import annotations

from collections import deque
from typing import Callable

import greenlet

# ---------------------------------------------------------------------------
# What each kind of switch saves (x86-64, Linux)

GOBUF_FIELDS = ("sp", "pc", "g", "ctxt", "ret", "lr", "bp")    # runtime2.go, type gobuf
GOBUF_BYTES = 8 * len(GOBUF_FIELDS)

#: the user registers the kernel saves on entry (arch/x86/include/asm/ptrace.h, struct pt_regs)
PT_REGS = ("r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx",
           "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss")

#: the XSAVE components (bytes), and the CPU flag that makes each present
XSAVE_COMPONENTS = (
    ("x87 + SSE legacy area (FPU, MXCSR, XMM0-15)", 512, None),
    ("XSAVE header", 64, "xsave"),
    ("AVX: upper halves of YMM0-15", 256, "avx"),
    ("AVX-512: opmask k0-7", 64, "avx512f"),
    ("AVX-512: upper halves of ZMM0-15", 512, "avx512f"),
    ("AVX-512: ZMM16-31", 1024, "avx512f"),
    ("PKRU (protection keys)", 8, "pku"),
)

#: what asyncPreempt (preempt_amd64.s) pushes: BP, flags, 14 GPRs, 16 XMM
ASYNC_PREEMPT_BYTES = 8 + 8 + 14 * 8 + 16 * 16


def cpu_flags(path: str = "/proc/cpuinfo") -> set[str]:
    """The CPU feature flags of this machine (empty where unknown)."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def thread_context(flags: set[str] | None = None) -> list[tuple[str, int]]:
    """(part, bytes) of what Linux saves for a thread on a switch on this
    CPU: pt_regs plus each XSAVE component the CPU has."""
    if flags is None:
        flags = cpu_flags()
    parts = [("general registers, flags, rip, rsp (pt_regs)", 8 * len(PT_REGS))]
    for name, size, flag in XSAVE_COMPONENTS:
        if flag is None or flag in flags:
            parts.append((name, size))
    return parts


# ---------------------------------------------------------------------------
# A toy machine

REGISTERS = ("pc", "sp", "bp", "dx", "ax", "bx", "cx", "si", "di",
             "r8", "r9", "r10", "r11", "r12", "r13", "r15")
GOBUF_REGISTERS = ("pc", "sp", "bp", "dx")   # what gogo restores: gobuf's sp, pc, bp, ctxt(DX)


class ToyG:
    """A goroutine of the toy machine: its program, its saved context and
    what it printed."""

    def __init__(self, goid: int, code: list, ctx: dict) -> None:
        self.goid = goid
        self.code = code
        self.ctx = ctx          # saved registers, by name
        self.out: list[int] = []
        self.done = False

    def __repr__(self) -> str:
        return f"<ToyG {self.goid} out={self.out} {'done' if self.done else ''}>"


class ToyMachine:
    """One CPU with 16 registers, a word-addressed memory and a round-robin
    scheduler.

    Instructions (tuples)::

        ("movi", r, n)         r = n
        ("load", r, base, k)   r = mem[base + k]        (base: a register)
        ("add", r, x)          r += x                   (x: register or int)
        ("dec", r)             r -= 1
        ("jpos", r, target)    if r > 0: pc = target
        ("push", r) ("pop", r) the goroutine's stack
        ("call", "gosched")    a cooperative switch: a call, so every
                               register is dead across it (Go's ABI)
        ("out", r)             print r
        ("exit",)

    ``saves``: the registers a switch saves and restores (``GOBUF_REGISTERS``
    or ``REGISTERS``).  ``preempt_every``: preempt after that many
    instructions (asynchronous preemption), or None (cooperative only)."""

    STACK_WORDS = 64

    def __init__(self, saves=GOBUF_REGISTERS, preempt_every: int | None = None) -> None:
        self.saves = tuple(saves)
        self.preempt_every = preempt_every
        self.regs = {r: 0 for r in REGISTERS}
        self.mem: list[int] = []
        self.gs: list[ToyG] = []
        self.runq: deque = deque()
        self.switches = 0
        self.words_saved = 0

    def go(self, code: list, closure: list[int]) -> ToyG:
        """Start a goroutine running code with its closure (its captured
        data) in memory; DX points at the closure, as Go's closure calls do."""
        base = len(self.mem)
        self.mem.extend(closure)
        self.mem.extend([0] * self.STACK_WORDS)
        ctx = {r: 0 for r in REGISTERS}
        ctx.update(pc=0, sp=len(self.mem), dx=base)
        g = ToyG(len(self.gs) + 1, code, ctx)
        self.gs.append(g)
        self.runq.append(g)
        return g

    def _save(self, g: ToyG) -> None:
        for r in self.saves:
            g.ctx[r] = self.regs[r]
        self.switches += 1
        self.words_saved += len(self.saves)

    def _restore(self, g: ToyG) -> None:
        # registers not in self.saves keep whatever the last goroutine left there
        for r in self.saves:
            self.regs[r] = g.ctx[r]

    def run(self, max_steps: int = 100_000) -> dict[int, list[int]]:
        """Run every goroutine to the end; returns each one's output."""
        steps = 0
        while self.runq:
            g = self.runq.popleft()
            self._restore(g)
            ran = 0
            while True:
                steps += 1
                if steps > max_steps:
                    raise RuntimeError("toy machine: too many steps")
                stop = self._step(g)
                ran += 1
                if stop == "exit":
                    g.done = True
                    break
                if stop == "yield" or (self.preempt_every and ran >= self.preempt_every):
                    self._save(g)
                    self.runq.append(g)
                    break
        return {g.goid: g.out for g in self.gs}

    def _val(self, x):
        return self.regs[x] if isinstance(x, str) else x

    def _step(self, g: ToyG):
        regs, mem = self.regs, self.mem
        ins = g.code[regs["pc"]]
        regs["pc"] += 1
        op = ins[0]
        if op == "movi":
            regs[ins[1]] = ins[2]
        elif op == "load":
            regs[ins[1]] = mem[regs[ins[2]] + ins[3]]
        elif op == "add":
            regs[ins[1]] += self._val(ins[2])
        elif op == "dec":
            regs[ins[1]] -= 1
        elif op == "jpos":
            if regs[ins[1]] > 0:
                regs["pc"] = ins[2]
        elif op == "push":
            regs["sp"] -= 1
            mem[regs["sp"]] = regs[ins[1]]
        elif op == "pop":
            regs[ins[1]] = mem[regs["sp"]]
            regs["sp"] += 1
        elif op == "call":
            # the runtime's own code runs here and clobbers scratch registers
            for r in ("ax", "bx", "cx", "si", "di", "dx", "r8", "r9", "r10", "r11"):
                regs[r] = 0xDEAD
            return "yield"
        elif op == "out":
            g.out.append(regs[ins[1]])
        elif op == "exit":
            return "exit"
        else:
            raise ValueError(f"unknown instruction {ins!r}")
        return None


def sum_program(spill: bool = True) -> list:
    """sum(1..n) where n is read from the closure through DX; yields after
    every addition.  spill=True: compiled as Go does, saving the live
    registers (ax, cx) on the stack around the call; spill=False: keeps them
    in registers (only safe if nothing can interrupt)."""
    code = [("load", "cx", "dx", 0),      # 0: n from the closure
            ("movi", "ax", 0)]            # 1: sum = 0
    loop = len(code)
    code += [("add", "ax", "cx"),         # sum += n
             ("dec", "cx")]               # n -= 1
    if spill:
        code += [("push", "ax"), ("push", "cx"), ("call", "gosched"),
                 ("pop", "cx"), ("pop", "ax")]
    code += [("jpos", "cx", loop),
             ("out", "ax"),
             ("exit",)]
    return code


# ---------------------------------------------------------------------------
# gosave / gogo / mcall on greenlets

class Gobuf:
    """Go's gobuf for a goroutine on a greenlet.

    glet: the suspended greenlet: its saved stack slice and frames stand for
          gobuf's sp, pc, bp and lr.  None: the goroutine has not started.
    g:    the goroutine this context belongs to (gobuf.g).
    ctxt: for a goroutine not started yet, the function its greenlet runs
          (gobuf.ctxt: the closure, DX).
    ret:  a value for the resumed context: what its mcall returns (gobuf.ret)."""

    __slots__ = ("glet", "g", "ctxt", "ret")

    def __init__(self) -> None:
        self.glet = None
        self.g = None
        self.ctxt = None
        self.ret = None

    def __repr__(self) -> str:
        return f"Gobuf(glet={self.glet!r}, g={self.g!r}, ctxt={self.ctxt!r}, ret={self.ret!r})"


class Goroutine:
    """A goroutine of the greenlet scheduler: id, status, context."""

    __slots__ = ("goid", "status", "sched", "__weakref__")

    def __init__(self, goid: int) -> None:
        self.goid = goid
        self.status = "idle"
        self.sched = Gobuf()
        self.sched.g = self

    def __repr__(self) -> str:
        return f"<Goroutine {self.goid} {self.status}>"


class M:
    """The thread: g0 (its scheduling context) and curg, the goroutine
    running now (Go keeps it in TLS and in R14)."""

    __slots__ = ("g0", "curg")

    def __init__(self) -> None:
        self.g0 = Goroutine(0)
        self.g0.status = "g0"
        self.curg = None


def gosave(m: M, buf: Gobuf) -> None:
    """Save the running context in buf: the greenlet running now, and the
    goroutine it belongs to (Go's ``gosave``)."""
    buf.glet = greenlet.getcurrent()
    buf.g = m.curg


def gogo(m: M, buf: Gobuf):
    """Resume the context saved in buf (Go's ``gogo``): make buf.g the
    running goroutine and switch to its greenlet, handing it buf.ret (and
    clearing it).  A buf never started gets a greenlet running buf.ctxt,
    whose parent is g0.  Returns, on g0, what the next switch back to g0
    brings: ``(fn, g)`` from ``mcall`` or from a goroutine that finished."""
    m.curg = buf.g
    glet = buf.glet
    if glet is None:
        glet = buf.glet = greenlet.greenlet(buf.ctxt, parent=m.g0.sched.glet)
        buf.ctxt = None
    ret, buf.ret = buf.ret, None
    return glet.switch(ret)


def mcall(m: M, fn: Callable):
    """From the running goroutine: save its context in its g.sched, switch
    to g0 and have g0 run fn(g) (Go's ``mcall``).  Returns when the
    goroutine is resumed, with the value gogo handed it."""
    g = m.curg
    gosave(m, g.sched)
    m.curg = m.g0
    return m.g0.sched.glet.switch((fn, g))


class Scheduler:
    """A cooperative scheduler on one M, built as Go's: g0 runs
    ``schedule``; goroutines enter it with ``mcall``.  gosave, gogo and
    mcall are pluggable (exercise 02.1).

        s = Scheduler()
        s.go(worker, 1); s.go(worker, 2)
        s.run()            # returns when every goroutine has finished

    Inside goroutines: ``s.gosched()``, ``s.park()`` (returns the value of
    the ``s.ready(g, value)`` that woke it), ``s.current()``."""

    def __init__(self, gogo: Callable | None = None, mcall: Callable | None = None,
                 gosave: Callable | None = None) -> None:
        self.gogo = gogo or globals()["gogo"]
        self.mcall = mcall or globals()["mcall"]
        self.gosave = gosave or globals()["gosave"]
        self.m = M()
        self.runq: deque = deque()
        self.ngoid = 0
        self.switches = 0          # gogo calls (a yield costs two switches: g -> g0 -> g')
        self.finished: list[int] = []
        self.allg: dict[int, Goroutine] = {}

    # -- on goroutines
    def go(self, fn: Callable, *args) -> Goroutine:
        """newproc: a goroutine that will run fn(*args), at the tail of the run queue."""
        self.ngoid += 1
        g = Goroutine(self.ngoid)
        m = self.m

        def start(*_ignored):
            fn(*args)
            m.curg = m.g0               # goexit1: back to g0 ...
            return (self._goexit0, g)   # ... to run goexit0(g) there

        g.sched.ctxt = start
        g.status = "runnable"
        self.allg[g.goid] = g
        self.runq.append(g)
        return g

    def current(self) -> Goroutine:
        return self.m.curg

    def gosched(self) -> None:
        """Yield: the goroutine goes to the tail of the run queue."""
        self.mcall(self.m, self._gosched_m)

    def park(self):
        """Block until ready(g, value); returns value (Go's gopark)."""
        return self.mcall(self.m, self._park_m)

    def ready(self, g: Goroutine, value=None) -> None:
        """Make a parked goroutine runnable; its park() returns value (goready)."""
        if g.status != "waiting":
            raise RuntimeError(f"ready of {g!r}: not parked")
        g.sched.ret = value
        g.status = "runnable"
        self.runq.append(g)

    # -- on g0
    def _gosched_m(self, g: Goroutine) -> None:
        g.status = "runnable"
        self.runq.append(g)

    def _park_m(self, g: Goroutine) -> None:
        g.status = "waiting"

    def _goexit0(self, g: Goroutine) -> None:
        g.status = "dead"
        g.sched.glet = None
        del self.allg[g.goid]
        self.finished.append(g.goid)

    def run(self) -> list[int]:
        """Run g0's schedule loop until no goroutine is runnable; returns
        the goids in the order they finished.  Raises if a goroutine raised
        (it propagates to g0) or if goroutines are left parked (deadlock)."""
        m = self.m
        m.curg = m.g0
        self.gosave(m, m.g0.sched)
        if m.g0.sched.glet is not greenlet.getcurrent():
            raise RuntimeError("gosave(m, m.g0.sched) did not save the running greenlet")
        while self.runq:
            g = self.runq.popleft()                # schedule: pick the next G
            g.status = "running"
            self.switches += 1
            req = self.gogo(m, g.sched)            # execute: run it until it comes back
            if m.curg is not m.g0:
                raise RuntimeError(f"back on g0, but m.curg is {m.curg!r}: mcall must set "
                                   "m.curg = m.g0 before switching")
            if greenlet.getcurrent() is not m.g0.sched.glet:
                raise RuntimeError("gogo returned somewhere other than g0's greenlet")
            if not (isinstance(req, tuple) and len(req) == 2 and callable(req[0])):
                raise RuntimeError(f"g0 was switched to with {req!r}, not (fn, g): mcall must "
                                   "switch to g0's greenlet with (fn, g)")
            fn, gp = req
            fn(gp)                                 # fn(g) on g0, as mcall does
        stuck = sorted(g.goid for g in self.allg.values() if g.status == "waiting")
        if stuck:
            raise RuntimeError(f"all goroutines are asleep - deadlock! (parked: {stuck})")
        return self.finished
