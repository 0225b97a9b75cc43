"""Exercise 03.3: G reuse — gfget and gfput (Go's free list of dead Gs, proc.go)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public
from exercises.defs._support import goid as _goid


def _rt():
    from reference_runtime.sched import Runtime
    return Runtime(gomaxprocs=1, clock="virtual")


def _dead(n, first=1):
    from reference_runtime.g import G, Gdead
    out = []
    for i in range(n):
        g = G()
        g.goid = first + i
        g.status = Gdead
        out.append(g)
    return out


class _Counted:
    """The learner's parts, counting their calls, plugged into a Runtime.

    The run is traced: the runtime's inlined fast paths (which, untraced,
    inline gfget/gfput even when they are replaced) are off, so
    every go statement and every exit goes through the learner's functions;
    the tests also check that they were called."""

    def __init__(self, sol, **kw):
        from reference_runtime.sched import Runtime
        self.calls = {"gfget": 0, "gfput": 0}

        def gfget(rt):
            self.calls["gfget"] += 1
            return sol.gfget(rt)

        def gfput(rt, g):
            self.calls["gfput"] += 1
            return sol.gfput(rt, g)

        self.rt = Runtime(clock="virtual", trace=[], parts={"gfget": gfget, "gfput": gfput}, **kw)

    def run(self, main):
        out = self.rt.run_main(main, ())
        expect(self.calls["gfget"] > 0 and self.calls["gfput"] > 0, True,
               f"the runtime called your gfget and gfput (calls: {self.calls})")
        return out


def _spawner(n, batch):
    """main for the whole-program tests: n goroutines, `batch` alive at a time."""
    def main():
        from reference_runtime import go, gosched, num_goroutine, runtime
        done = []
        for _ in range(n // batch):
            for _ in range(batch):
                go(lambda: done.append(1))
            while num_goroutine() > 1:
                gosched()
        return len(done), runtime().nallg
    return main


# -- public ------------------------------------------------------------------

@public
def test_an_empty_free_list_gives_none(sol):
    """gfget with nothing on rt.gfree returns None, without raising (newproc then
    allocates a new G)."""
    rt = _rt()
    expect(_goid(sol.gfget(rt)), None, "gfget(rt) with an empty free list")


@public
def test_a_freed_g_is_kept_on_rt_gfree(sol):
    """gfput(rt, g) keeps the G record itself on the free list rt.gfree."""
    rt = _rt()
    g, = _dead(1)
    sol.gfput(rt, g)
    expect([x.goid for x in rt.gfree], [1], "goids on rt.gfree")


@public
def test_the_last_freed_g_is_reused_first(sol):
    """The free list is a stack, as Go's gList: gfget returns the very record freed last
    and takes it off, so three puts come back in reverse, then None."""
    rt = _rt()
    a, b, c = _dead(3)
    for g in (a, b, c):
        sol.gfput(rt, g)
    got = [sol.gfget(rt) for _ in range(4)]
    expect([_goid(g) for g in got], [3, 2, 1, None], "goids from four gfget calls")
    expect(got[0] is c, True, "gfget returns the very record that was freed")


@public
def test_a_program_allocates_only_as_many_gs_as_are_alive_at_once(sol):
    """A program of 2,000 goroutines, at most 50 alive at a time, run with your parts,
    allocates at most 51 G records (rt.nallg), main included."""
    done, nallg = _Counted(sol, gomaxprocs=1).run(_spawner(2000, 50))
    expect(done, 2000, "goroutines that ran")
    expect(nallg <= 51, True, f"at most 51 G records allocated (got {nallg})")


@public
def test_gfget_never_hands_out_the_same_g_twice(sol):
    """Each freed G comes back once: five puts and five gets give five distinct records,
    and the free list is empty afterwards."""
    rt = _rt()
    gs = _dead(5)
    for g in gs:
        sol.gfput(rt, g)
    got = [sol.gfget(rt) for _ in range(5)]
    expect(len({id(g) for g in got}), 5, "distinct records from five gfget calls")
    expect(list(rt.gfree), [], "rt.gfree afterwards")


@public
def test_puts_and_gets_interleave_as_a_stack(sol):
    """Puts and gets interleaved behave as a stack: put 1, put 2, get, put 3, get, get
    returns 2, 3, 1."""
    rt = _rt()
    a, b, c = _dead(3)
    sol.gfput(rt, a)
    sol.gfput(rt, b)
    x = sol.gfget(rt)
    sol.gfput(rt, c)
    got = [x, sol.gfget(rt), sol.gfget(rt)]
    expect([_goid(g) for g in got], [2, 3, 1], "goids in the order gfget returned them")


# -- hidden ------------------------------------------------------------------

@hidden
def test_a_reused_record_describes_the_new_goroutine(sol):
    """With your parts, a G object kept by the program after its goroutine ended is reused
    for the next go statement: same object, new goid (as in Go)."""
    from reference_runtime import go, gosched

    def main():
        first = go(lambda: None)
        old_goid = first.goid
        gosched()                          # it runs and exits
        second = go(lambda: None)
        return first is second, old_goid, second.goid

    got = _Counted(sol, gomaxprocs=1).run(main)
    expect(got, (True, 2, 3), "(same record, first goid, second goid)")


@hidden
def test_many_goroutines_on_several_ps_with_your_free_list(sol):
    """10,000 goroutines on 2 Ps, a WaitGroup and a channel: every one runs, goids are
    unique, and far fewer records than goroutines are allocated."""
    from reference_runtime import WaitGroup, chan, go, runtime

    def main():
        seen = set()
        c = chan(16)
        wg = WaitGroup()

        def collect():
            for goid in c:
                seen.add(goid)
        go(collect)
        for i in range(100):
            for _ in range(100):
                wg.add(1)
                go(lambda: (c.send(runtime().curg.goid), wg.done()))
            wg.wait()
        c.close()
        return len(seen), runtime().nallg

    n, nallg = _Counted(sol, gomaxprocs=2, seed=1).run(main)
    expect(n, 10_000, "distinct goids seen")
    expect(nallg < 1_000, True, f"fewer than 1,000 G records allocated (got {nallg})")


STARTER = '''\
def gfget(rt):
    """A dead G to reuse for a new goroutine (Go's gfget), taken off the
    free list rt.gfree (a Python list): the one freed most recently, or
    None when the list is empty."""
    ...

def gfput(rt, g):
    """Goroutine g has exited (its status is Gdead): its record goes on
    the free list rt.gfree for a later go statement (Go's gfput)."""
    ...
'''


def _reference():
    from reference_runtime import sched
    return {"gfget": sched.gfget, "gfput": sched.gfput}


EXERCISE = Exercise(
    id="greuse",
    notebook="03",
    number=3,
    title="G reuse: the free list of dead goroutines (gfget, gfput)",
    points=5,
    provides=["gfget", "gfput"],
    statement=(
        "Write gfput(rt, g) and gfget(rt), Go's free list of dead goroutines "
        "(runtime/proc.go, gfput and gfget). When a goroutine exits, goexit0 calls gfput; "
        "a go statement (newproc1) first calls gfget and allocates a new G only if it "
        "returns None. Go keeps dead Gs because a G record and its stack cost an "
        "allocation and garbage-collector work each time: a program that starts a million "
        "short goroutines then allocates only as many records as are alive at once. What "
        "must hold: (1) gfput keeps the record itself on rt.gfree (a list). (2) The free "
        "list is a stack, as Go's gList (push and pop at the head): gfget returns the G "
        "freed most recently and takes it off the list, so a record is never handed out "
        "twice. (3) gfget on an empty list returns None (it does not raise). The runtime "
        "then fills the reused record in for its new goroutine (a new goid, a new start "
        "function), as Go's newproc1 does."),
    starter=STARTER,
    hints=[
        "A free list is a stack of records that are waiting to be reused. Read gfput and "
        "gfget in Go's runtime/proc.go, and gList's push and pop there: which end do they "
        "use?",
        "A Python list is a stack when both functions work at the same end. gfget must "
        "remove what it returns, and must not fail on an empty list.",
        "gfput: rt.gfree.append(g). gfget: return rt.gfree.pop() if rt.gfree else None.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
)
