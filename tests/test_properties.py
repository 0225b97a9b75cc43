"""Property-based specification of channels and select as a whole
(runtime/chan.go, runtime/select.go; the deadlock check of runtime/proc.go:
checkdead): random programs never lose, duplicate or reorder a message,
and end normally or with exactly the deadlock a simple model predicts.

The generated programs are shaped so that the model is exact whatever the
interleaving:

* each channel (random capacity) has one sender goroutine, which sends a
  known sequence, ``(channel, 0, 0), (channel, 0, 1), ...``, by plain sends
  or by selects, then closes the channel (or, to make deadlocks, forgets
  to); or, when it has receivers, several senders, each sending its own
  sequence ``(channel, s, 0), (channel, s, 1), ...``, and a closer
  goroutine that waits for them (on a WaitGroup) before it closes it;
* each receiver goroutine is a plain loop on one channel (``recv_ok``,
  ``recv`` or ``for``) or a select loop over several channels, dropping a
  channel when it reports closed and stopping when none is left;
* main waits for all of them on a WaitGroup.

The model: a channel with at least one receiver delivers its whole
sequence, each value to exactly one receiver, and each receiver sees each
sender's values in the order sent; a channel with no receiver keeps its
values, and its sender blocks for good when they overflow the buffer; a
receiver finishes exactly when all its channels get closed.  Whoever does
not finish is blocked, with a wait reason the model knows, and main is
then blocked in ``wg.wait()``: that is the whole deadlock report.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference_runtime import Deadlock, WaitGroup, chan, go, gosched, nilchan, run, select

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@dataclass
class ChanSpec:
    cap: int
    n: int                 # values each sender sends
    has_sender: bool
    closes: bool
    send_by_select: list   # per value: send with select((c.send, v), nilchan.recv)?
    sender_yields: list    # per value: gosched() after sending it?
    senders: int = 1       # more than one only on a channel that has receivers


@dataclass
class RecvSpec:
    kind: str              # "recv_ok", "recv", "for" (one channel) or "select" (several)
    chans: list
    select_recv_ok: bool   # select loops: ch.recv_ok cases, else ch.recv cases
    with_nil_case: bool    # select loops: add a case on the nil channel
    yields: list           # gosched() after the k-th receive, cycled


@dataclass
class Program:
    chans: list
    receivers: list
    gomaxprocs: int
    seed: int


@st.composite
def programs(draw, must_deadlock: bool | None = None):
    nchan = draw(st.integers(1, 4))
    chans = []
    for _ in range(nchan):
        n = draw(st.integers(0, 6))
        chans.append(ChanSpec(
            cap=draw(st.integers(0, 3)),
            n=n,
            has_sender=draw(st.booleans()) if must_deadlock is not False else True,
            closes=draw(st.booleans()) if must_deadlock is not False else True,
            send_by_select=draw(st.lists(st.booleans(), min_size=n, max_size=n)),
            sender_yields=draw(st.lists(st.booleans(), min_size=n, max_size=n)),
        ))
    if must_deadlock is None:
        # mostly well-formed programs: every channel sent on and closed
        for c in chans:
            if draw(st.integers(0, 3)) != 0:
                c.has_sender = c.closes = True
    nrecv = draw(st.integers(0 if must_deadlock is not False else 1, 4))
    receivers = []
    for _ in range(nrecv):
        kind = draw(st.sampled_from(["recv_ok", "recv", "for", "select"]))
        if kind == "select":
            cs = draw(st.lists(st.integers(0, nchan - 1), min_size=1, max_size=nchan,
                               unique=True))
        else:
            cs = [draw(st.integers(0, nchan - 1))]
        receivers.append(RecvSpec(
            kind=kind, chans=cs, select_recv_ok=draw(st.booleans()),
            with_nil_case=draw(st.booleans()),
            yields=draw(st.lists(st.booleans(), min_size=1, max_size=4))))
    if must_deadlock is False:
        # every channel needs a receiver, or its sender might block
        covered = {c for r in receivers for c in r.chans}
        for i in range(nchan):
            if i not in covered:
                receivers.append(RecvSpec("recv_ok", [i], True, False, [False]))
    covered = {c for r in receivers for c in r.chans}
    for i, c in enumerate(chans):
        if i in covered and c.has_sender:
            c.senders = draw(st.integers(1, 3))
    prog = Program(chans, receivers, draw(st.integers(1, 4)), draw(st.integers(0, 2**32)))
    if must_deadlock is True and not predict(prog)["blocked"]:
        # make it deadlock: a receiver on a channel no one sends on
        prog.chans.append(ChanSpec(draw(st.integers(0, 3)), 0, False, False, [], []))
        prog.receivers.append(RecvSpec("recv_ok", [len(prog.chans) - 1], True, False, [False]))
    return prog


def predict(prog: Program) -> dict:
    """The model: who ends blocked (and why), and what is delivered."""
    receivers_of = {i: [r for r in prog.receivers if i in r.chans]
                    for i in range(len(prog.chans))}
    closed, blocked = {}, []
    for i, c in enumerate(prog.chans):
        assert c.senders == 1 or receivers_of[i], "the model needs receivers for many senders"
        if not c.has_sender:
            closed[i] = False
            continue
        if not receivers_of[i] and c.n > c.cap:
            # the send of value number `cap` finds the buffer full, forever
            blocked.append((("sender", i, 0),
                            "select" if c.send_by_select[c.cap] else "chan send"))
            closed[i] = False
        else:
            closed[i] = c.closes
    for k, r in enumerate(prog.receivers):
        if not all(closed[i] for i in r.chans):
            # a select left with one case is a plain receive, as Go compiles it
            ncases = sum(1 for i in r.chans if not closed[i]) + bool(r.with_nil_case)
            blocked.append((("receiver", k),
                            "select" if r.kind == "select" and ncases > 1 else "chan receive"))
    delivered = {i: ([(s, k) for s in range(c.senders) for k in range(c.n)]
                     if receivers_of[i] and c.has_sender else [])
                 for i, c in enumerate(prog.chans)}
    return {"blocked": blocked, "delivered": delivered}


def execute(prog: Program):
    """Run the program; returns (goids by role, what each receiver got,
    the Deadlock or None)."""
    goids = {}
    got = [[] for _ in prog.receivers]

    def main():
        chans = [chan(c.cap) for c in prog.chans]
        wg = WaitGroup()

        def sender(i, s, senders_done):
            c, spec = chans[i], prog.chans[i]
            for k in range(spec.n):
                if spec.send_by_select[k]:
                    select(nilchan.recv, (c.send, (i, s, k)))
                else:
                    c.send((i, s, k))
                if spec.sender_yields[(k + s) % spec.n]:
                    gosched()
            if senders_done is not None:
                senders_done.done()
            elif spec.closes:
                c.close()
            wg.done()

        def closer(i, senders_done):
            senders_done.wait()
            chans[i].close()
            wg.done()

        def receiver(k):
            spec, out = prog.receivers[k], got[k]
            received = 0

            def record(v):
                nonlocal received
                out.append(v)
                if spec.yields[received % len(spec.yields)]:
                    gosched()
                received += 1

            if spec.kind == "for":
                for v in chans[spec.chans[0]]:
                    record(v)
            elif spec.kind == "recv_ok":
                c = chans[spec.chans[0]]
                while True:
                    v, ok = c.recv_ok()
                    if not ok:
                        break
                    record(v)
            elif spec.kind == "recv":
                c = chans[spec.chans[0]]
                while (v := c.recv()) is not None:      # values are never None
                    record(v)
            else:
                live = [chans[i] for i in spec.chans]
                while live:
                    cases = [c.recv_ok if spec.select_recv_ok else c.recv for c in live]
                    if spec.with_nil_case:
                        cases.insert(0, nilchan.recv)
                    i, res = select(*cases)
                    if spec.with_nil_case:
                        assert i != 0, "a nil channel case was chosen"
                        i -= 1
                    v, ok = res if spec.select_recv_ok else (res, res is not None)
                    if ok:
                        record(v)
                    else:
                        live.pop(i)
            wg.done()

        for i, c in enumerate(prog.chans):
            if not c.has_sender:
                continue
            senders_done = None
            if c.senders > 1:
                senders_done = WaitGroup()
                senders_done.add(c.senders)
                if c.closes:
                    wg.add(1)
                    goids[("closer", i)] = go(closer, i, senders_done).goid
            for s in range(c.senders):
                wg.add(1)
                goids[("sender", i, s)] = go(sender, i, s, senders_done).goid
        for k in range(len(prog.receivers)):
            wg.add(1)
            goids[("receiver", k)] = go(receiver, k).goid
        wg.wait()

    try:
        run(main, gomaxprocs=prog.gomaxprocs, clock="virtual", seed=prog.seed)
        return goids, got, None
    except Deadlock as d:
        return goids, got, d


def check_against_model(prog: Program) -> dict:
    want = predict(prog)
    goids, got, deadlock = execute(prog)

    # delivery: nothing lost, nothing duplicated, nothing reordered
    for i, spec in enumerate(prog.chans):
        per_receiver = [[(s, k) for (c, s, k) in out if c == i] for out in got]
        for seq in per_receiver:
            for s in range(spec.senders):
                from_s = [k for (s2, k) in seq if s2 == s]
                assert from_s == sorted(set(from_s)), \
                    f"channel {i}: a receiver saw sender {s}'s values as {from_s}"
        merged = sorted(v for seq in per_receiver for v in seq)
        assert merged == want["delivered"][i], f"channel {i}: delivered {merged}"

    # the ending: normal, or exactly the predicted deadlock
    if not want["blocked"]:
        assert deadlock is None, f"unexpected deadlock:\n{deadlock}"
    else:
        assert deadlock is not None, "the model predicts a deadlock; the run ended normally"
        expected = sorted([(1, "sync.WaitGroup.Wait")] +
                          [(goids[who], reason) for who, reason in want["blocked"]])
        assert sorted(deadlock.goroutines) == expected
        assert str(deadlock).startswith("fatal error: all goroutines are asleep - deadlock!")
    return want


@SETTINGS
@given(programs())
def test_random_channel_programs_match_the_model(prog):
    check_against_model(prog)


@SETTINGS
@given(programs(must_deadlock=False))
def test_well_formed_programs_deliver_every_message_once_in_order_and_end(prog):
    want = check_against_model(prog)
    assert want["blocked"] == []


@SETTINGS
@given(programs(must_deadlock=True))
def test_programs_with_a_stuck_goroutine_deadlock_listing_exactly_the_stuck_ones(prog):
    want = check_against_model(prog)
    assert want["blocked"] != []


# --------------------------------------------- the model itself, on examples

def test_model_a_lone_receiver_on_a_silent_channel_deadlocks():
    prog = Program([ChanSpec(0, 0, False, False, [], [])],
                   [RecvSpec("recv_ok", [0], True, False, [False])], 1, 0)
    assert predict(prog)["blocked"] == [(("receiver", 0), "chan receive")]
    goids, got, deadlock = execute(prog)
    assert sorted(deadlock.goroutines) == [(1, "sync.WaitGroup.Wait"),
                                           (goids[("receiver", 0)], "chan receive")]


def test_model_an_unreceived_channel_blocks_its_sender_only_when_it_overflows():
    fits = Program([ChanSpec(2, 2, True, True, [False, False], [False, False])], [], 1, 0)
    overflows = Program([ChanSpec(2, 3, True, True, [False, False, True], [False] * 3)],
                        [], 1, 0)
    assert predict(fits)["blocked"] == []
    assert predict(overflows)["blocked"] == [(("sender", 0, 0), "select")]
    assert execute(fits)[2] is None
    goids, _, deadlock = execute(overflows)
    assert sorted(deadlock.goroutines) == [(1, "sync.WaitGroup.Wait"),
                                           (goids[("sender", 0, 0)], "select")]


@pytest.mark.parametrize("procs", [1, 4])
def test_model_two_select_receivers_share_three_channels_with_three_senders_each(procs):
    prog = Program(
        [ChanSpec(c, 6, True, True, [k % 2 == 0 for k in range(6)], [k % 3 == 0 for k in range(6)],
                  senders=3)
         for c in (0, 1, 3)],
        [RecvSpec("select", [0, 1, 2], True, True, [True, False]),
         RecvSpec("select", [2, 1], False, False, [False])], procs, 7)
    assert predict(prog)["blocked"] == []
    check_against_model(prog)
