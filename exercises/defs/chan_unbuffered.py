"""Exercise 04.1: unbuffered channels — chansend, chanrecv, closechan
(Go's runtime/chan.go, for channels of capacity 0)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public


# --------------------------------------------------------------- helpers

def _run(main, *args, seed=1, gomaxprocs=1):
    """Run main(*args) as goroutine 1 of a fresh runtime (one P, virtual
    clock, seeded, no preemption: every schedule is exact)."""
    from reference_runtime.sched import Runtime
    return Runtime(gomaxprocs=gomaxprocs, clock="virtual", seed=seed,
                   preempt="off").run_main(main, args)


def _chan():
    from reference_runtime.chan import Chan
    return Chan(0)


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
def test_a_receiver_waits_for_a_sender(sol):
    """Go: a receive from an unbuffered channel with no sender waiting parks
    the receiver ("goroutine N [chan receive]") with a sudog on c.recvq; a
    later send wakes it, and chanrecv returns (value, True)."""
    from reference_runtime import go

    def main():
        c = _chan()
        got = []
        g = go(lambda: got.append(sol.chanrecv(c)))
        _settle(g)
        seen = (_state(g), len(c.recvq), len(c.sendq))
        sol.chansend(c, 42)
        _settle(g)
        return seen, got

    seen, got = _run(main)
    expect(seen, ("waiting [chan receive]", 1, 0),
           "receiver's state, len(recvq), len(sendq) before the send")
    expect(got, [(42, True)], "what chanrecv returned")


@public
def test_a_sender_waits_for_a_receiver(sol):
    """Go: "Block on the channel. Some receiver will complete our operation
    for us." A send with no receiver waiting parks the sender ("chan send")
    with its value in a sudog on c.sendq; chanrecv takes the value from that
    sudog and readies the sender."""
    from reference_runtime import go

    def main():
        c = _chan()
        done = []
        g = go(lambda: (sol.chansend(c, "hello"), done.append("sent")))
        _settle(g)
        seen = (_state(g), len(c.sendq), c.sendq[0].elem if c.sendq else None)
        v = sol.chanrecv(c)
        _settle(g)
        return seen, v, done, len(c.buf)

    seen, v, done, nbuf = _run(main)
    expect(seen, ("waiting [chan send]", 1, "hello"),
           "sender's state, len(sendq), the value in its sudog")
    expect(v, ("hello", True), "chanrecv(c)")
    expect(done, ["sent"], "the sender went on after the receive")
    expect(nbuf, 0, "len(c.buf): an unbuffered channel never uses its buffer")


@public
def test_a_send_to_a_waiting_receiver_hands_the_value_over_without_blocking(sol):
    """Go's chansend: "Found a waiting receiver. We pass the value we want to
    send directly to the receiver, bypassing the channel buffer": the sender
    does not park; it readies the receiver (which runs once the sender
    stops) and goes on."""
    from reference_runtime import GStatus, go

    def main():
        c = _chan()
        log = []
        g = go(lambda: log.append(("received", sol.chanrecv(c))))
        _settle(g)
        sol.chansend(c, 7)
        log.append("sender went on")
        runnable = g.status == GStatus.Grunnable
        _settle(g)
        return log, runnable

    log, runnable = _run(main)
    expect(runnable, True, "receiver is runnable right after chansend returns")
    expect(log, ["sender went on", ("received", (7, True))],
           "order of events (the sender must not block)")


@public
def test_close_wakes_every_waiting_receiver_with_ok_false(sol):
    """Go's closechan: "release all readers": every goroutine waiting to
    receive is woken, with the zero value (None here) and ok=False."""
    from reference_runtime import go

    def main():
        c = _chan()
        got = {}
        gs = [go(lambda i=i: got.__setitem__(i, sol.chanrecv(c))) for i in range(3)]
        _settle(*gs)
        sol.closechan(c)
        _settle(*gs)
        return got, c.closed, len(c.recvq)

    got, closed, nq = _run(main)
    expect(got, {0: (None, False), 1: (None, False), 2: (None, False)},
           "what each receiver got")
    expect((closed, nq), (True, 0), "c.closed, len(c.recvq) after close")


@public
def test_closed_channels_receive_at_once_and_panic_on_send_or_close(sol):
    """A receive from a closed channel returns (None, False) at once, every
    time; a send on it panics "send on closed channel" and closing it again
    panics "close of closed channel", as in Go's chansend and closechan."""
    from reference_runtime import Panic

    def main():
        c = _chan()
        sol.closechan(c)
        out = [sol.chanrecv(c), sol.chanrecv(c)]
        for op in (lambda: sol.chansend(c, 1), lambda: sol.closechan(c)):
            try:
                op()
                out.append("no panic")
            except Panic as e:
                out.append(f"panic: {e}")
        return out

    expect(_run(main), [(None, False), (None, False), "panic: send on closed channel",
                        "panic: close of closed channel"],
           "recv, recv, send, close on a closed channel")


@public
def test_a_sender_blocked_when_the_channel_closes_panics(sol):
    """Close wakes the senders parked on the channel too (Go's closechan:
    "release all writers (they will panic)"): a parked sender wakes with
    sg.success False and panics "send on closed channel", and c.sendq is
    left empty."""
    from reference_runtime import Panic, go

    def main():
        c = _chan()
        out = []

        def sender():
            try:
                sol.chansend(c, 1)
                out.append("sent")
            except Panic as e:
                out.append(f"panic: {e}")

        g = go(sender)
        _settle(g)
        sol.closechan(c)
        _settle(g)
        return out, len(c.sendq)

    expect(_run(main), (["panic: send on closed channel"], 0), "the sender's fate, len(sendq)")


@public
def test_waiting_senders_and_receivers_are_served_first_in_first_out(sol):
    """Waiting senders and receivers are served first in, first out, as
    Go's waitq (enqueue at the tail, dequeue from the head): three parked
    senders give their values in the order they parked, and three parked
    receivers get values in the order they parked."""
    from reference_runtime import go

    def main():
        c = _chan()
        senders = []
        for v in "abc":
            senders.append(go(sol.chansend, c, v))
            _settle(*senders)
        got = [sol.chanrecv(c)[0] for _ in range(3)]
        out = []
        receivers = []
        for i in range(3):
            receivers.append(go(lambda i=i: out.append((i, sol.chanrecv(c)[0]))))
            _settle(*receivers)
        for v in "xyz":
            sol.chansend(c, v)
        _settle(*receivers)
        return got, sorted(out)

    got, out = _run(main)
    expect(got, ["a", "b", "c"], "values received from three waiting senders")
    expect(out, [(0, "x"), (1, "y"), (2, "z")], "(receiver, value) for three waiting receivers")


@public
def test_close_readies_its_waiters_in_gos_order(sol):
    """Close readies its waiters in reverse order of dequeuing, as Go's
    closechan does: it collects the woken goroutines on a gList, a stack,
    and readies them from its top.  Four receivers spawned 0..3 park in
    that order; after close, on one P, they run 3, 2, 1, 0, as in Go 1.19
    with GOMAXPROCS=1."""
    from reference_runtime import WaitGroup, go, gosched

    def main():
        c = _chan()
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
def test_a_select_that_already_won_is_skipped(sol):
    """A waiter is taken with dequeue, which skips the sudog of a select
    that another case already completed (Go's waitq.dequeue: "someone else
    has won the race to signal this goroutine").  A select parked on c1
    and c2 is woken through c2; a plain receiver queued on c1 behind the
    select's stale sudog gets the next value sent on c1."""
    from reference_runtime import go, select

    def main():
        c1, c2 = _chan(), _chan()
        out = []
        gsel = go(lambda: out.append(("select", select(c1.recv, c2.recv))))
        _settle(gsel)
        grecv = go(lambda: out.append(("receiver", sol.chanrecv(c1))))
        _settle(grecv)
        c2.send("via c2")               # the select wins on c2; its c1 sudog is now stale
        sol.chansend(c1, "via c1")
        _settle(gsel, grecv)
        return sorted(out)

    expect(_run(main), [("receiver", ("via c1", True)), ("select", (1, "via c2"))],
           "what the select and the plain receiver got")


@public
def test_a_select_waiting_on_your_channel_is_woken_by_your_operations(sol):
    """A select (the reference's) parked on your channel is woken by your
    chansend (its receive case), your chanrecv (its send case) and your
    closechan (its receive case, with ok False): a woken waiter's sudog
    says what happened (sg.success; dequeue marks which case won, g.param =
    sg, as Go's send() and recv() do), and no sudog stays queued."""
    from reference_runtime import go, select

    def main():
        c, d = _chan(), _chan()
        out = []
        g = go(lambda: out.append(select(c.recv, d.recv)))
        _settle(g)
        sol.chansend(c, "to the select")
        _settle(g)
        g = go(lambda: out.append(select((c.send, "from the select"), d.recv)))
        _settle(g)
        out.append(sol.chanrecv(c))
        _settle(g)
        g = go(lambda: out.append(select(c.recv_ok, d.recv)))
        _settle(g)
        sol.closechan(c)
        _settle(g)
        return out, [len(q) for q in (c.recvq, c.sendq, d.recvq, d.sendq)]

    out, qs = _run(main)
    expect(out, [(0, "to the select"), ("from the select", True), (0, None), (0, (None, False))],
           "select results and what chanrecv got")
    expect(qs, [0, 0, 0, 0], "queue lengths afterwards")


# --------------------------------------------------------------- hidden

@hidden
def test_whole_programs_run_on_your_unbuffered_channels(sol):
    """gokernel with your chansend/chanrecv/closechan for every unbuffered
    channel: a prime sieve (Go's classic: a goroutine per prime, chained by
    unbuffered channels), a ping-pong, a range over a closed channel, and
    Go's deadlock report for a program blocked on one of your channels."""
    import gokernel
    from gokernel import channel
    from reference_runtime import Deadlock, go

    def sieve(n):
        def generate(ch):
            i = 2
            while True:
                ch.send(i)
                i += 1

        def filt(src, dst, prime):
            for i in src:
                if i % prime:
                    dst.send(i)

        ch = gokernel.chan()
        go(generate, ch)
        primes = []
        for _ in range(n):
            prime = ch.recv()
            primes.append(prime)
            ch1 = gokernel.chan()
            go(filt, ch, ch1, prime)
            ch = ch1
        return primes

    def pingpong(n):
        ping, pong = gokernel.chan(), gokernel.chan()

        def player():
            for v in ping:
                pong.send(v + 1)

        go(player)
        v = 0
        for _ in range(n):
            ping.send(v)
            v = pong.recv()
        ping.close()
        return v

    def ranged():
        c = gokernel.chan()

        def produce():
            for i in range(5):
                c.send(i * i)
            c.close()

        go(produce)
        return list(c)

    def stuck():
        c = gokernel.chan()
        go(lambda: c.send(1))
        c.recv()
        c.recv()

    saved = channel._unbuf
    channel._unbuf = sol
    try:
        expect(_run(sieve, 15), [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47],
               "the prime sieve's first 15 primes")
        expect(_run(pingpong, 1000), 1000, "ping-pong after 1000 round trips")
        expect(_run(ranged), [0, 1, 4, 9, 16], "for v in c, until close")
        try:
            _run(stuck)
            got = "no deadlock"
        except Deadlock as e:
            got = (e.msg, e.goroutines)
        expect(got, ("all goroutines are asleep - deadlock!", [(1, "chan receive")]),
               "the deadlock report")
    finally:
        channel._unbuf = saved


STARTER = '''\
from gokernel.rt import (getg, gopark, goready, dequeue, Sudog, WaitReason, Panic,
                         SEND_ON_CLOSED, CLOSE_OF_CLOSED)

def chansend(c, v):
    """c <- v on an unbuffered channel (c.dataqsiz == 0), Go's chansend.

    Returns once a receiver has v: at once if one was waiting (and it is
    made ready), else after parking on c.sendq ("chan send") until one
    takes it.  Panics SEND_ON_CLOSED if c is closed, before or while it
    waits."""
    ...

def chanrecv(c):
    """v, ok := <-c on an unbuffered channel, Go's chanrecv.

    Returns (v, True) with a sender's value (a waiting sender is made
    ready), at once if one was waiting, else after parking on c.recvq
    ("chan receive"); (None, False) if c is closed."""
    ...

def closechan(c):
    """close(c), Go's closechan: c is closed, and every goroutine waiting
    on it wakes (receivers with (None, False), senders to panic), readied
    in reverse order of dequeuing.  Panics CLOSE_OF_CLOSED if c is
    already closed."""
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
    id="chan_unbuffered",
    notebook="04",
    number=1,
    title="Unbuffered channels: chansend, chanrecv, closechan",
    points=15,
    provides=["chansend", "chanrecv", "closechan"],
    statement=(
        "Write Go's chansend, chanrecv and closechan (runtime/chan.go) for unbuffered "
        "channels. A channel c is Go's hchan: c.recvq and c.sendq are deques of sudogs "
        "(gokernel.rt.Sudog(g, elem, c, None, 0)), c.closed a flag. What must hold: "
        "(1) A send finding a receiver waiting hands v straight into that receiver's sudog "
        "and makes it ready without blocking (chansend calls send: \"Found a waiting "
        "receiver\"); a receive finding a sender waiting takes the value from its sudog "
        "and makes it ready (chanrecv calls recv). An unbuffered channel never holds a "
        "value in c.buf: the goroutines meet. "
        "(2) Otherwise the goroutine parks on c.sendq or c.recvq, in a sudog holding its "
        "value or waiting for one, with wait reason 'chan send' or 'chan receive' (what "
        "Go's goroutine dumps and deadlock reports show). "
        "(3) Waiters are served first in, first out (Go's waitq: enqueue at the tail, "
        "dequeue from the head). "
        "(4) On a closed channel a receive returns (None, False) at once, a send panics "
        "'send on closed channel', a second close panics 'close of closed channel'. "
        "(5) close wakes every waiter: receivers get (None, False), parked senders wake "
        "and panic 'send on closed channel'. They are readied in reverse order of "
        "dequeuing: closechan collects them on a gList, a stack, and readies them from "
        "its top once the channel's lock is released. "
        "(6) Waiters are taken with gokernel.rt.dequeue(q), Go's waitq.dequeue, which "
        "skips the sudog of a select that another case already won, and marks a select's "
        "sudog it returns as the winning case (g.param = sg, which Go's send() and recv() "
        "set). A woken waiter learns what happened from its sudog: sg.success, True for a "
        "value and False for a close, set before goready(sg.g). The reference's select "
        "reads them, so it works on your channels."),
    starter=STARTER,
    hints=[
        "The sudog is where two goroutines meet: whoever arrives second finds the other's "
        "sudog in the channel's queue and completes the operation for both. After gopark "
        "returns, your own sudog tells you what the waker did. Read chansend, chanrecv, "
        "send and recv in Go's runtime/chan.go.",
        "closechan in runtime/chan.go: mark closed, then drain both queues (readers, then "
        "writers) onto a list, filling in each sudog, and only afterwards ready them, from "
        "the last collected. A sender must check, when it wakes, whether it was a receiver "
        "or the close that woke it.",
        "Take waiters only with dequeue(q), never q.popleft(): a select's sudog may still "
        "sit in a queue after another of its cases won (waitq.dequeue in runtime/chan.go).",
        "chanrecv with a sender waiting: sg = dequeue(c.sendq); if sg is not None: "
        "sg.success = True; sg.g.param = sg; goready(sg.g); return sg.elem, True. "
        "closechan: for each sg from dequeue(c.recvq) then dequeue(c.sendq): set elem "
        "(receivers) to None, success False, param; collect sg.g; then "
        "for g in reversed(woken): goready(g).",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="chan",
)
