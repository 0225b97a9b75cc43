"""Exercise 04.2: buffered channels — chansend, chanrecv, closechan for every
channel, with the buffer (Go's runtime/chan.go)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public


# --------------------------------------------------------------- helpers

def _run(main, *args, seed=1, gomaxprocs=1):
    """Run main(*args) as goroutine 1 of a fresh runtime (one P, virtual
    clock, seeded, no preemption: every schedule is exact)."""
    from reference_runtime.sched import Runtime
    return Runtime(gomaxprocs=gomaxprocs, clock="virtual", seed=seed,
                   preempt="off").run_main(main, args)


def _chan(size):
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


# --------------------------------------------------------------- public

@public
def test_sends_fill_the_buffer_then_block(sol):
    """Go's chansend: "Space is available in the channel buffer. Enqueue the
    element to send." With cap 3, three sends return at once and sit in
    c.buf; the fourth parks its sender ("chan send")."""
    from reference_runtime import go

    def main():
        c = _chan(3)
        for v in (1, 2, 3):
            sol.chansend(c, v)
        first = list(c.buf)
        g = go(sol.chansend, c, 4)
        _settle(g)
        return first, _state(g), list(c.buf), len(c.sendq)

    expect(_run(main), ([1, 2, 3], "waiting [chan send]", [1, 2, 3], 1),
           "buffer after 3 sends, 4th sender's state, buffer, len(sendq)")


@public
def test_the_buffer_is_first_in_first_out(sol):
    """Values come out of a buffered channel in the order they went in, and a
    receive from a non-empty buffer does not block."""

    def main():
        c = _chan(5)
        for v in "abcde":
            sol.chansend(c, v)
        out = [sol.chanrecv(c) for _ in range(3)]
        sol.chansend(c, "f")
        out += [sol.chanrecv(c) for _ in range(3)]
        return out, len(c.buf)

    expect(_run(main), ([("a", True), ("b", True), ("c", True), ("d", True), ("e", True),
                         ("f", True)], 0), "values received, len(c.buf) afterwards")


@public
def test_a_receive_from_a_full_buffer_lets_a_waiting_sender_in(sol):
    """Go's recv: "Queue is full. Take the item at the head of the queue. Make
    the sender enqueue its item at the tail of the queue." The receiver gets
    the oldest value, the parked sender's value joins the tail, and the
    sender is made ready."""
    from reference_runtime import go

    def main():
        c = _chan(2)
        sol.chansend(c, 1)
        sol.chansend(c, 2)
        g = go(sol.chansend, c, 3)
        _settle(g)
        v = sol.chanrecv(c)
        after = (list(c.buf), len(c.sendq), _state(g))
        return v, after, [sol.chanrecv(c) for _ in range(2)]

    v, after, rest = _run(main)
    expect(v, (1, True), "first chanrecv")
    expect(after, ([2, 3], 0, "runnable"), "buffer, len(sendq), sender's state after it")
    expect(rest, [(2, True), (3, True)], "the next two receives")


@public
def test_close_lets_receivers_drain_the_buffer_first(sol):
    """Go's chanrecv: "The channel has been closed, but the channel's buffer
    have data": values still in the buffer are received (ok=True); only then
    (None, False)."""

    def main():
        c = _chan(3)
        sol.chansend(c, "x")
        sol.chansend(c, "y")
        sol.closechan(c)
        return [sol.chanrecv(c) for _ in range(4)]

    expect(_run(main), [("x", True), ("y", True), (None, False), (None, False)],
           "receives after close")


@public
def test_unbuffered_channels_still_work(sol):
    """Your functions now serve every channel, capacity 0 included: a send
    waits for a receiver and hands the value over directly."""
    from reference_runtime import go

    def main():
        c = _chan(0)
        g = go(sol.chansend, c, "direct")
        _settle(g)
        seen = (_state(g), len(c.buf))
        return seen, sol.chanrecv(c)

    expect(_run(main), (("waiting [chan send]", 0), ("direct", True)),
           "sender's state and len(buf), then chanrecv")


@public
def test_senders_parked_on_a_full_buffer_get_in_first_in_first_out(sol):
    """Two senders parked on a full cap-2 buffer join it in the order they
    parked (Go's waitq is first in, first out), each behind the values
    already there: four receives give 1, 2, 3, 4."""
    from reference_runtime import go

    def main():
        c = _chan(2)
        sol.chansend(c, 1)
        sol.chansend(c, 2)
        gs = []
        for v in (3, 4):
            gs.append(go(sol.chansend, c, v))
            _settle(*gs)
        out = [sol.chanrecv(c)[0] for _ in range(4)]
        _settle(*gs)
        return out, len(c.sendq)

    expect(_run(main), ([1, 2, 3, 4], 0), "values received, len(sendq) afterwards")


@public
def test_closed_buffered_channels_panic_on_send_or_close(sol):
    """On a closed buffered channel with room, a send still panics "send on
    closed channel" (the check comes before the buffer) and a second close
    panics "close of closed channel", as in Go's chansend and closechan."""
    from reference_runtime import Panic

    def main():
        c = _chan(4)
        sol.chansend(c, "in")
        sol.closechan(c)
        out = []
        for op in (lambda: sol.chansend(c, 1), lambda: sol.closechan(c)):
            try:
                op()
                out.append("no panic")
            except Panic as e:
                out.append(f"panic: {e}")
        return out, list(c.buf)

    expect(_run(main), (["panic: send on closed channel", "panic: close of closed channel"], ["in"]),
           "send and close on a closed channel, then c.buf")


@public
def test_close_readies_its_waiters_in_gos_order(sol):
    """Close readies its waiters in reverse order of dequeuing, as Go's
    closechan (a gList, a stack): four receivers parked on an empty cap-2
    channel, spawned 0..3, run 3, 2, 1, 0 after close on one P."""
    from reference_runtime import WaitGroup, go, gosched

    def main():
        c = _chan(2)
        wg = WaitGroup()
        woken = []
        for i in range(4):
            wg.add(1)
            go(lambda i=i: (sol.chanrecv(c), woken.append(i), wg.done()))
        gosched()
        sol.closechan(c)
        wg.wait()
        return woken

    expect(_run(main), [3, 2, 1, 0], "order in which the receivers ran after close")



@public
def test_a_waiting_receiver_gets_the_value_directly_even_with_a_buffer(sol):
    """A send finding a receiver waiting hands it the value directly, even on
    a buffered channel (Go's chansend: "Found a waiting receiver. We pass
    the value we want to send directly to the receiver, bypassing the
    channel buffer (if any)."): the buffer stays empty and the sender does
    not block."""
    from reference_runtime import go

    def main():
        c = _chan(4)
        got = []
        g = go(lambda: got.append(sol.chanrecv(c)))
        _settle(g)
        sol.chansend(c, 9)
        nbuf = len(c.buf)
        _settle(g)
        return nbuf, got

    expect(_run(main), (0, [(9, True)]), "len(c.buf) right after the send, what was received")


@public
def test_close_with_senders_waiting_on_a_full_buffer(sol):
    """Close wakes the senders parked on a full buffer, and they panic "send
    on closed channel"; the value already in the buffer is still received,
    then (None, False)."""
    from reference_runtime import Panic, go

    def main():
        c = _chan(1)
        sol.chansend(c, "kept")
        out = []

        def sender():
            try:
                sol.chansend(c, "lost")
                out.append("sent")
            except Panic as e:
                out.append(str(e))

        g = go(sender)
        _settle(g)
        sol.closechan(c)
        _settle(g)
        return out, [sol.chanrecv(c) for _ in range(2)]

    expect(_run(main), (["send on closed channel"], [("kept", True), (None, False)]),
           "the sender's panic, then what receivers get")


@public
def test_a_select_that_already_won_is_skipped(sol):
    """A waiter is taken with dequeue, which skips a sudog whose select
    another case already completed (Go's waitq.dequeue).  A select parked
    sending on a full cap-1 channel c1 and receiving on c2 is woken through
    c2; the plain sender queued behind it on c1 is the one whose value
    joins the buffer."""
    from reference_runtime import go, select

    def main():
        c1, c2 = _chan(1), _chan(0)
        sol.chansend(c1, "first")
        out = []
        gsel = go(lambda: out.append(("select", select((c1.send, "from select"), c2.recv))))
        _settle(gsel)
        gsend = go(sol.chansend, c1, "plain")
        _settle(gsend)
        c2.send("won")                  # the select wins on c2; its c1 sudog is stale now
        got = [sol.chanrecv(c1), sol.chanrecv(c1)]
        _settle(gsel, gsend)
        return out, got

    expect(_run(main), ([("select", (1, "won"))], [("first", True), ("plain", True)]),
           "the select's result, then two receives on c1")


@public
def test_a_select_on_your_buffered_channel_is_woken_by_your_operations(sol):
    """The reference's select parked on your channel is woken by your
    operations: your chansend wakes its receive case directly, not through
    the buffer, and your chanrecv from a full buffer takes its send case's
    value into the buffer; each wakeup leaves sg.success (and dequeue
    g.param = sg) for the select to read."""
    from reference_runtime import go, select

    def main():
        c, d = _chan(1), _chan(0)
        out = []
        g = go(lambda: out.append(select(c.recv, d.recv)))
        _settle(g)
        sol.chansend(c, "to the select")
        _settle(g)
        sol.chansend(c, "in the buffer")
        g = go(lambda: out.append(select((c.send, "from the select"), d.recv)))
        _settle(g)
        out.append(sol.chanrecv(c))
        _settle(g)
        out.append(list(c.buf))
        return out

    expect(_run(main), [(0, "to the select"), ("in the buffer", True), (0, None),
                        ["from the select"]],
           "select results, chanrecv, and the buffer at the end")


# --------------------------------------------------------------- hidden

@hidden
def test_the_buffer_never_exceeds_its_capacity(sol):
    """With five senders and a receiver on a cap-3 channel, c.buf never holds
    more than 3 values (Go: "if c.qcount < c.dataqsiz"), every value is
    received exactly once, and each sender's values arrive in its order."""
    from reference_runtime import WaitGroup, go, gosched

    def main():
        c = _chan(3)
        wg = WaitGroup()
        peak = [0]
        got = []

        def sender(s):
            for i in range(20):
                sol.chansend(c, (s, i))
                peak[0] = max(peak[0], len(c.buf))
                if i % 3 == 0:
                    gosched()
            wg.done()

        def receiver():
            for _ in range(100):
                v, ok = sol.chanrecv(c)
                got.append(v)
                peak[0] = max(peak[0], len(c.buf))
                gosched()
                gosched()
            wg.done()

        for s in range(5):
            wg.add(1)
            go(sender, s)
        wg.add(1)
        go(receiver)
        wg.wait()
        per = {s: [i for (t, i) in got if t == s] for s in range(5)}
        return peak[0], len(got), per

    peak, n, per = _run(main)
    expect(peak, 3, "largest len(c.buf) seen")
    expect(n, 100, "values received")
    expect(per, {s: list(range(20)) for s in range(5)}, "each sender's values, in order")


@hidden
def test_whole_programs_run_on_your_channels(sol):
    """gokernel with your channels for every channel: a worker pool (jobs and
    results on buffered channels), a counting semaphore (a cap-3 channel
    bounding concurrency to 3), select with time.After, and Go's deadlock
    report for a send on a full buffer."""
    import gokernel
    from gokernel import channel
    from reference_runtime import Deadlock, WaitGroup, go, select, sleep, after

    def pool():
        jobs, results = gokernel.chan(100), gokernel.chan(100)

        def worker(w):
            for j in jobs:
                sleep(0.001 * (j % 3))
                results.send(j * j)

        for w in range(4):
            go(worker, w)
        for j in range(50):
            jobs.send(j)
        jobs.close()
        return sorted(results.recv() for _ in range(50))

    def semaphore():
        sem = gokernel.chan(3)
        wg = WaitGroup()
        running, peak = [0], [0]

        def task():
            sem.send(None)
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            sleep(0.01)
            running[0] -= 1
            sem.recv()
            wg.done()

        for _ in range(10):
            wg.add(1)
            go(task)
        wg.wait()
        return peak[0]

    def timeout():
        c = gokernel.chan(1)
        go(lambda: (sleep(0.5), c.send("late")))
        i, v = select(c.recv, after(0.1).recv)
        j, w = select(c.recv, after(1.0).recv)
        return i, j, w

    def stuck():
        c = gokernel.chan(1)
        c.send(1)
        c.send(2)

    saved = channel._any
    channel._any = sol
    try:
        expect(_run(pool), [j * j for j in range(50)], "worker pool results")
        expect(_run(semaphore), 3, "most tasks running at once under a cap-3 semaphore")
        expect(_run(timeout), (1, 0, "late"), "select with after(): timeout, then the value")
        try:
            _run(stuck)
            got = "no deadlock"
        except Deadlock as e:
            got = (e.msg, e.goroutines)
        expect(got, ("all goroutines are asleep - deadlock!", [(1, "chan send")]),
               "the deadlock report")
    finally:
        channel._any = saved


STARTER = '''\
from gokernel.rt import (getg, gopark, goready, dequeue, Sudog, WaitReason, Panic,
                         SEND_ON_CLOSED, CLOSE_OF_CLOSED)

def chansend(c, v):
    """c <- v on any channel, Go's chansend.  c.buf is a deque of at most
    c.dataqsiz values (Go's ring buffer).

    Returns once v is with a receiver or in the buffer; parks on c.sendq
    ("chan send") while neither can take it.  Panics SEND_ON_CLOSED if c
    is closed, before or while it waits."""
    ...

def chanrecv(c):
    """v, ok := <-c on any channel, Go's chanrecv.

    Returns (v, True) with the oldest value sent and not yet received,
    parking on c.recvq ("chan receive") while there is none; (None, False)
    once c is closed and nothing is left to receive."""
    ...

def closechan(c):
    """close(c), Go's closechan: as for unbuffered channels; the values
    left in the buffer are still received afterwards."""
    ...
'''


def _reference():
    from reference_runtime.chan import Chan

    def chansend(c, v):
        Chan.send(c, v)

    def chanrecv(c):
        return Chan.recv_ok(c)

    def closechan(c):
        Chan.close(c)

    return {"chansend": chansend, "chanrecv": chanrecv, "closechan": closechan}


EXERCISE = Exercise(
    id="chan_buffered",
    notebook="04",
    number=2,
    title="Buffered channels: the ring buffer between senders and receivers",
    points=15,
    provides=["chansend", "chanrecv", "closechan"],
    statement=(
        "Extend your channels to every capacity (Go's runtime/chan.go, chansend, chanrecv, "
        "recv and closechan). c.buf is a deque holding at most c.dataqsiz values: Go's "
        "ring buffer, len(c.buf) is its qcount. Everything that held for unbuffered "
        "channels still holds (04.1: panics on closed channels, waiters in sudogs, first "
        "in first out, taken with dequeue, woken with sg.success set, close "
        "waking every waiter and readying them in reverse order of dequeuing). What the "
        "buffer adds: "
        "(1) A send goes straight to a waiting receiver, bypassing the buffer (a receiver "
        "waits only when the buffer is empty); else into the buffer if it holds fewer "
        "than c.dataqsiz values, without blocking; else the sender parks. "
        "(2) Values come out in the order they went in. A receive from a full buffer with "
        "a sender parked takes the buffer's head and puts the sender's value at its tail, "
        "then readies the sender (Go's recv: \"Queue is full. Take the item at the head "
        "of the queue. Make the sender enqueue its item at the tail\"): the parked "
        "sender's value is younger than everything already buffered. "
        "(3) A closed channel's buffered values are still received, with ok True; only "
        "then does a receive return (None, False). Senders parked on a full buffer wake "
        "at close and panic 'send on closed channel'. "
        "Capacity 0 keeps behaving as in 04.1: these functions serve every channel."),
    starter=STARTER,
    hints=[
        "The buffer is a third party between senders and receivers. Ask, for each "
        "operation, who can complete it right now: a waiting partner, the buffer, or "
        "nobody. Read the order of the cases in chansend and chanrecv in Go's "
        "runtime/chan.go, and recv for the full-buffer case.",
        "When a sender is parked on a buffered channel, the buffer is full: the value to "
        "return is not the sender's. Which value is the oldest? A closed channel may "
        "still hold values: which check comes first in chanrecv?",
        "The full-buffer handoff, with sg = dequeue(c.sendq) not None and c.dataqsiz > 0: "
        "v = c.buf.popleft(); c.buf.append(sg.elem); then wake sg and return (v, True). "
        "In chansend, between the waiting receiver and parking: "
        "if len(c.buf) < c.dataqsiz: c.buf.append(v); return.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="chan",
)
