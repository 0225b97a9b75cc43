"""Exercise 04.3: select — selectgo's three passes (Go's runtime/select.go)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public

RECV, RECV_OK, SEND = 0, 1, 2


# --------------------------------------------------------------- helpers

def _run(main, *args, seed=1, gomaxprocs=1):
    """Run main(*args) as goroutine 1 of a fresh runtime (one P, virtual
    clock, seeded, no preemption: every schedule is exact)."""
    from reference_runtime.sched import Runtime
    return Runtime(gomaxprocs=gomaxprocs, clock="virtual", seed=seed,
                   preempt="off").run_main(main, args)


def _chan(size=0):
    from reference_runtime.chan import Chan
    return Chan(size)


def _settle(*gs):
    """Yield until each goroutine in gs has parked (or finished)."""
    from reference_runtime import GStatus, gosched
    for _ in range(1000):
        if all(g.status in (GStatus.Gwaiting, GStatus.Gdead) for g in gs):
            return
        gosched()


def _state(g):
    from reference_runtime import GStatus
    if g.status == GStatus.Gwaiting:
        return f"waiting [{g.wait_reason}]"
    return str(g.status)


def _choices(sol, n, seed):
    """Which of two always-ready channels n selects choose."""
    def main():
        a, b = _chan(1), _chan(1)
        out = []
        for _ in range(n):
            for c in (a, b):
                if not c.buf:
                    c.buf.append("x")
            i, _ = sol.selectgo([(0, RECV, a, None), (1, RECV, b, None)], -1)
            out.append(i)
        return out
    return _run(main, seed=seed)


# --------------------------------------------------------------- public

@public
def test_a_ready_case_is_taken_at_once(sol):
    """Pass 1 ("look for something already waiting"): a receive case on a
    channel with a buffered value completes at once and returns
    (its index, the value); a send case with room in the buffer too."""

    def main():
        c, d = _chan(1), _chan(1)
        c.buf.append("ready")
        r1 = sol.selectgo([(0, RECV, c, None), (1, RECV, d, None)], -1)
        r2 = sol.selectgo([(0, RECV, c, None), (1, SEND, d, "put")], -1)
        return r1, r2, list(c.buf), list(d.buf)

    expect(_run(main), ((0, "ready"), (1, None), [], ["put"]),
           "first select, second select, c.buf, d.buf")


@public
def test_default_is_taken_when_nothing_is_ready(sol):
    """Go: with a default case and no case ready, select takes the default at
    once (selectgo with block=false returns -1; here: dflt's index) and
    leaves nothing queued on any channel."""

    def main():
        c, d = _chan(0), _chan(1)
        d.buf.append(1)                   # full: a send cannot proceed
        r = sol.selectgo([(0, RECV, c, None), (2, SEND, d, 2)], 1)
        return r, [len(q) for q in (c.recvq, c.sendq, d.recvq, d.sendq)]

    expect(_run(main), ((1, None), [0, 0, 0, 0]), "select result, queue lengths")


@public
def test_a_blocked_select_is_woken_by_the_first_channel_ready(sol):
    """Pass 2 ("enqueue on all chans") and pass 3 ("dequeue from unsuccessful
    chans"): with nothing ready the goroutine parks with wait reason
    "select", one sudog on each channel; a send on c2 wakes it with
    (1, value), and its sudog on c1 is gone from c1.recvq."""
    from reference_runtime import go

    def main():
        c1, c2 = _chan(), _chan()
        out = []
        g = go(lambda: out.append(sol.selectgo([(0, RECV, c1, None), (1, RECV, c2, None)], -1)))
        _settle(g)
        parked = (_state(g), len(c1.recvq), len(c2.recvq))
        if parked[2] == 0:
            return parked, out, None      # nobody waits on c2: a send would block forever
        c2.send("hi")
        _settle(g)
        return parked, out, len(c1.recvq)

    expect(_run(main), (("waiting [select]", 1, 1), [(1, "hi")], 0),
           "(state, len(c1.recvq), len(c2.recvq)) while parked; result; len(c1.recvq) after")


@public
def test_recv_ok_reports_a_closed_channel(sol):
    """A recv_ok case (v, ok := <-c) on a closed, empty channel is ready and
    returns (index, (None, False)); a plain recv case returns (index, None)."""

    def main():
        c = _chan(0)
        c.close()
        return (sol.selectgo([(0, RECV_OK, c, None)], -1),
                sol.selectgo([(3, RECV, c, None)], -1))

    expect(_run(main), ((0, (None, False)), (3, None)), "recv_ok case, recv case")


@public
def test_a_receive_case_takes_values_in_the_order_they_were_sent(sol):
    """A receive case is a channel receive: on a closed channel it still gets the
    buffered values first (ok True), and only then (None, False); with a sender parked
    on a full buffer it gets the buffer's head, and the sender's value joins the tail
    (Go's recv)."""
    from reference_runtime import go

    def main():
        c = _chan(1)
        c.buf.append("left")
        c.close()
        r = [sol.selectgo([(0, RECV_OK, c, None)], -1), sol.selectgo([(0, RECV_OK, c, None)], -1)]
        d = _chan(1)
        d.buf.append("old")
        g = go(lambda: d.send("new"))
        _settle(g)
        r.append(sol.selectgo([(0, RECV, d, None)], -1))
        return r, list(d.buf), len(d.sendq)

    expect(_run(main), ([(0, ("left", True)), (0, (None, False)), (0, "old")], ["new"], 0),
           "(closed channel with a value: two recv_ok selects, then a select on a full "
           "buffer with a sender parked), d.buf after, senders still parked")


@public
def test_a_send_case_on_a_closed_channel_panics(sol):
    """Go's selectgo, label sclose: "send on closed channel" is a panic, even
    when another case is ready."""
    from reference_runtime import Panic

    def main():
        c = _chan(1)
        c.close()
        try:
            sol.selectgo([(0, SEND, c, 1)], -1)
            return "no panic"
        except Panic as e:
            return str(e)

    expect(_run(main), "send on closed channel", "the panic")


@public
def test_the_poll_order_is_random_and_fair(sol):
    """Go: "generate permuted order" (a Fisher-Yates shuffle with fastrandn):
    with two channels always ready, each is chosen about half the time, and
    each select takes exactly one value.  2,000 selects: each case must win
    between 40% and 60% of them."""
    out = _choices(sol, 2000, seed=7)
    n0 = out.count(0)
    expect(len(out), 2000, "selects completed")
    expect(800 <= n0 <= 1200, True, f"case 0 chosen between 800 and 1200 times (got {n0})")


@public
def test_the_random_choices_come_from_the_runs_generator(sol):
    """Every random choice comes from the run's seeded generator
    (runtime().rng, standing for Go's fastrandn), so a run with the same
    seed makes the same 64 choices and a run with another seed other ones."""
    a = _choices(sol, 64, seed=3)
    b = _choices(sol, 64, seed=3)
    c = _choices(sol, 64, seed=4)
    expect(a == b, True, "same seed, same choices")
    expect(a != c, True, "another seed, other choices")


@public
def test_a_blocked_send_case_hands_its_value_to_a_receiver(sol):
    """A select parked on a send case: its sudog carries the value, a
    receiver takes it (Go's recv from a waiting sender), and the select
    returns (index, None)."""
    from reference_runtime import go

    def main():
        c, d = _chan(), _chan()
        out = []
        g = go(lambda: out.append(sol.selectgo([(0, RECV, d, None), (1, SEND, c, 7)], -1)))
        _settle(g)
        v = c.recv()
        _settle(g)
        return v, out, [len(q) for q in (c.sendq, d.recvq)]

    expect(_run(main), (7, [(1, None)], [0, 0]), "value received, select result, queues")


@public
def test_a_send_case_parked_when_the_channel_closes_panics(sol):
    """A select woken by close on a send case panics "send on closed
    channel" (Go's selectgo: "if !caseSuccess" on a send case), and a
    recv_ok case woken by close returns (None, False)."""
    from reference_runtime import Panic, go

    def main():
        c, d = _chan(), _chan()
        out = []

        def sender():
            try:
                out.append(sol.selectgo([(0, SEND, c, 1), (1, RECV, d, None)], -1))
            except Panic as e:
                out.append(str(e))

        g = go(sender)
        _settle(g)
        c.close()
        _settle(g)
        e = _chan()
        g = go(lambda: out.append(sol.selectgo([(0, RECV, d, None), (1, RECV_OK, e, None)],
                                               -1)))
        _settle(g)
        e.close()
        _settle(g)
        return out

    expect(_run(main), ["send on closed channel", (1, (None, False))], "what the selects did")


@public
def test_one_select_is_completed_by_one_channel_only(sol):
    """The sudogs of one select share one Select record (Go's selectDone):
    once c1 woke it, its sudog still queued on c2 is skipped by the next
    sender on c2, whose value goes to a later receiver instead of being
    lost."""
    from reference_runtime import go

    def main():
        c1, c2 = _chan(), _chan()
        out = []
        g = go(lambda: out.append(sol.selectgo([(0, RECV, c1, None), (1, RECV, c2, None)], -1)))
        _settle(g)
        c1.send("first")                  # wins; g has not run pass 3 yet
        s = go(c2.send, "second")         # must not complete the same select again
        _settle(s)
        v = c2.recv()
        _settle(g)
        return out, v

    expect(_run(main), ([(0, "first")], "second"), "the select's result, then c2's value")


@public
def test_two_selects_on_one_channel_are_served_in_order(sol):
    """Two goroutines parked in selects on the same channel c: a send on c
    wakes the first; the second stays parked until its other channel is
    ready; every losing sudog is removed from its queue (Go's pass 3:
    "otherwise they stack up on quiet channels")."""
    from reference_runtime import go

    def main():
        c, d, e = _chan(), _chan(), _chan()
        out = []
        g1 = go(lambda: out.append(("g1", sol.selectgo([(0, RECV, c, None),
                                                         (1, RECV, d, None)], -1))))
        _settle(g1)
        g2 = go(lambda: out.append(("g2", sol.selectgo([(0, RECV, c, None),
                                                         (1, RECV, e, None)], -1))))
        _settle(g2)
        c.send("c")
        _settle(g1, g2)
        mid = (list(out), _state(g2))
        e.send("e")
        _settle(g2)
        return mid, out, [len(q) for q in (c.recvq, d.recvq, e.recvq)]

    mid, out, qs = _run(main)
    expect(mid, ([("g1", (0, "c"))], "waiting [select]"), "after the send on c")
    expect(out, [("g1", (0, "c")), ("g2", (1, "e"))], "both results")
    expect(qs, [0, 0, 0], "queue lengths at the end")


@public
def test_the_case_indices_are_the_callers(sol):
    """selectgo returns the index stored in the chosen case, and dflt itself
    for the default: the glue drops nil-channel cases and the default, so
    positions in scases are not the select's indices."""

    def main():
        c = _chan(1)
        c.buf.append("v")
        r1 = sol.selectgo([(3, RECV, c, None)], 0)
        r2 = sol.selectgo([(3, RECV, c, None)], 5)
        return r1, r2

    expect(_run(main), ((3, "v"), (5, None)), "two selects")


@public
def test_no_live_case_blocks_forever_with_reason_select(sol):
    """A select whose cases are all on nil channels (scases empty, no
    default) blocks forever: Go parks it with wait reason "select", and the
    deadlock report lists it so."""
    from reference_runtime import Deadlock

    def main():
        sol.selectgo([], -1)

    try:
        _run(main)
        got = "returned"
    except Deadlock as e:
        got = e.goroutines
    expect(got, [(1, "select")], "the deadlock report's goroutines")


@public
def test_five_ready_cases_are_chosen_evenly(sol):
    """With five channels always ready, 5,000 selects choose each case between
    900 and 1,100 times (a fair choice gives 1,000, give or take 28): the
    permutation is unbiased for more than two cases too, where a naive
    swap-with-any shuffle favours the second case (24%) and starves the
    last (16%)."""
    def main():
        cs = [_chan(1) for _ in range(5)]
        out = []
        for _ in range(5000):
            for c in cs:
                if not c.buf:
                    c.buf.append("x")
            i, _ = sol.selectgo([(k, RECV, c, None) for k, c in enumerate(cs)], -1)
            out.append(i)
        return [out.count(k) for k in range(5)]

    counts = _run(main, seed=11)
    expect(all(900 <= n <= 1100 for n in counts), True,
           f"each of 5 cases chosen 900 to 1100 times (got {counts})")


# --------------------------------------------------------------- hidden

@hidden
def test_whole_programs_run_on_your_select(sol):
    """gokernel's select bound to your selectgo: a timeout (time.After), a
    fan-in with a quit channel, a ticker loop, non-blocking sends with
    default, and a select {} with only nil channels in a deadlock report."""
    import gokernel
    from gokernel import selectgo
    from reference_runtime import Deadlock, after, chan, default, go, nilchan, sleep, tick

    def timeout():
        c = chan()
        go(lambda: (sleep(0.5), c.send("late")))
        first = gokernel.select(c.recv, after(0.1).recv)
        second = gokernel.select(c.recv, after(1.0).recv)
        return first[0], second

    def fanin():
        a, b, quit = chan(), chan(), chan()

        def produce(c, tag, n):
            for i in range(n):
                c.send(f"{tag}{i}")

        go(produce, a, "a", 5)
        go(produce, b, "b", 5)
        go(lambda: (sleep(1), quit.close()))
        got = []
        while True:
            i, v = gokernel.select(a.recv, b.recv, quit.recv_ok)
            if i == 2:
                return sorted(got), v
            got.append(v)

    def ticker():
        t = tick(0.1)
        done = after(0.35)
        n = 0
        while True:
            i, _ = gokernel.select(t.recv, done.recv)
            if i == 1:
                return n
            n += 1

    def nonblocking():
        c = chan(2)
        sent = [gokernel.select((c.send, k), default)[0] for k in range(4)]
        got = [gokernel.select(c.recv, default) for _ in range(3)]
        return sent, got

    def stuck():
        gokernel.select(nilchan.recv, (nilchan.send, 1))

    saved = selectgo._mine
    selectgo._mine = sol
    try:
        expect(_run(timeout), (1, (0, "late")), "timeout, then the value")
        expect(_run(fanin), ([f"a{i}" for i in range(5)] + [f"b{i}" for i in range(5)],
                             (None, False)), "fan-in values and the quit case")
        expect(_run(ticker), 3, "ticks before the deadline")
        expect(_run(nonblocking), ([0, 0, 1, 1], [(0, 0), (0, 1), (1, None)]),
               "non-blocking sends and receives")
        try:
            _run(stuck)
            got = "returned"
        except Deadlock as e:
            got = e.goroutines
        expect(got, [(1, "select")], "deadlock report of a select on nil channels")
    finally:
        selectgo._mine = saved


STARTER = '''\
from gokernel.rt import (runtime, getg, gopark, goready, dequeue, Sudog, WaitReason, Panic,
                         SEND_ON_CLOSED)

RECV, RECV_OK, SEND = 0, 1, 2      # the case kinds in scases

class Select:
    """Shared by the sudogs of one parked select: dequeue() sets done when a
    channel operation completes one of them (Go's selectDone)."""
    def __init__(self):
        self.done = False

def selectgo(scases, dflt):
    """Go's selectgo.  scases: [(index, kind, c, value)], kind RECV
    (v := <-c), RECV_OK (v, ok := <-c) or SEND (c <- value); dflt: the
    default case's index, or -1.

    Returns (index, result) of the one case that completed, chosen
    uniformly among the ready ones with runtime().rng: the value for RECV,
    (v, ok) for RECV_OK, None for SEND and the default.  With nothing
    ready and no default it waits, with reason "select", on every
    channel at once, and leaves no sudog behind on any of them."""
    ...
'''


def _reference():
    from reference_runtime.select import selectgo as reference_selectgo

    def selectgo(scases, dflt):
        return reference_selectgo(scases, dflt)

    return {"selectgo": selectgo}


EXERCISE = Exercise(
    id="select",
    notebook="04",
    number=3,
    title="select: poll in random order, park on every channel, wake once",
    points=20,
    provides=["selectgo"],
    statement=(
        "Write Go's selectgo (runtime/select.go). gokernel's select parses the cases into "
        "scases, a list of (index, kind, c, value) with kind RECV=0 (v := <-c), RECV_OK=1 "
        "(v, ok := <-c) or SEND=2 (c <- value), cases on nil channels removed, and dflt, "
        "the default case's index or -1. Return (index, result), index being the one "
        "stored in the case (or dflt): the value received for RECV, (v, ok) for RECV_OK, "
        "None for SEND and for the default. What must hold: "
        "(1) A case that can proceed now completes at once: a receive if a sender waits, "
        "the buffer has a value or the channel is closed; a send if a receiver waits or "
        "the buffer has room. It completes as that channel operation would (04.2): a "
        "closed channel's buffered values come before (None, False), and with a sender "
        "parked on a full buffer the receive gets the buffer's head while the sender's "
        "value joins the tail. A send case on a closed channel panics 'send on closed "
        "channel' (selectgo's sclose). "
        "(2) Among the ready cases the choice is uniform: Go polls the cases in a random "
        "permutation (pollorder, an unbiased Fisher-Yates shuffle with fastrandn), so "
        "that no case can starve another. The randomness comes from the run's generator, "
        "runtime().rng, so that a seeded run is reproducible. "
        "(3) Nothing ready: the default if there is one, with nothing left queued. "
        "(4) Otherwise the goroutine waits on every channel at once: one sudog per case "
        "(Sudog(g, value, c, sel, index), the value for a send), all sharing one Select "
        "record, on c.sendq or c.recvq, parked with wait reason 'select'. The Select "
        "record is how one select is completed by one channel only: dequeue marks it "
        "done and sets g.param to the winning sudog (Go's selectDone). With no cases "
        "and no default, it parks forever ('select', as Go's block()). "
        "(5) Once woken, every other sudog of the select is removed from its queue "
        "(Go's pass 3: otherwise they stack up on quiet channels), and the winner "
        "reports as a channel operation would: sg.success False means the channel was "
        "closed, so a send case panics and a RECV_OK case gets (None, False)."),
    starter=STARTER,
    hints=[
        "selectgo has three passes: look for a case that can proceed now, else enqueue "
        "on all channels and park, then after waking dequeue from the unsuccessful "
        "ones. Read selectgo in Go's runtime/select.go: the comments \"pass 1\", "
        "\"pass 2\" and \"pass 3\" mark them.",
        "Pass 1 is your channel code without the parking: each case either completes "
        "or says it would block. Fairness needs an unbiased shuffle (selectgo's "
        "pollorder loop, which swaps each case with one of the places up to its own, "
        "drawn uniformly), taking its draws from runtime().rng, not from the random "
        "module.",
        "Pass 2 must create one Select record for the whole select, not one per sudog, "
        "and remember (queue, sudog) pairs for pass 3. After gopark, g.param is the "
        "winning sudog; every other one may still be queued.",
        "Shuffle: for n, case in enumerate(scases): j = int(rng.random() * (n + 1)); "
        "order.append(None); order[n] = order[j]; order[j] = case. Pass 3: for q, sg in "
        "waiting: if sg is not won: try: q.remove(sg) except ValueError: pass. A receive "
        "is ready if c.buf or c.closed or a sudog in c.sendq has sel None or not "
        "sel.done (dequeue(c.sendq) finds it).",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="select",
)
