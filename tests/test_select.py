"""select, as Go specifies it (runtime/select.go: selectgo; the language
spec's "Select statements").

Go's rules: if one or more cases can proceed, one is chosen by a uniform
pseudo-random selection; otherwise the default case runs if there is one;
otherwise select blocks until one case can proceed, and exactly one does.
A case on a nil channel never proceeds; ``select {}`` blocks forever.
"""
from __future__ import annotations

import pytest

from reference_runtime import (Deadlock, GStatus, Panic, WaitGroup, chan, default, go, nilchan,
                               run, select)


def run1(main, **kw):
    kw.setdefault("gomaxprocs", 1)
    kw.setdefault("clock", "virtual")
    kw.setdefault("seed", 1)
    return run(main, **kw)


# ------------------------------------------------------------ ready cases

def test_select_takes_the_only_ready_case():
    def main():
        idle, ready = chan(1), chan(1)
        ready.send("v")
        return select(idle.recv, ready.recv)

    assert run1(main) == (1, "v")


def test_select_recv_ok_case_gives_value_and_ok():
    def main():
        c = chan(1)
        c.send("v")
        return select(chan().recv, c.recv_ok)

    assert run1(main) == (1, ("v", True))


def test_select_receives_from_a_waiting_sender_and_wakes_it(wait_parked):
    def main():
        c = chan()
        g = go(c.send, "hello")
        wait_parked(g, "chan send")
        got = select(c.recv)
        assert g.status == GStatus.Grunnable
        return got

    assert run1(main) == (0, "hello")


def test_select_send_case_to_a_waiting_receiver(wait_parked):
    def main():
        c, got = chan(), chan(1)
        wait_parked(go(lambda: got.send(c.recv())), "chan receive")
        chosen = select((c.send, "x"), chan().recv)
        return chosen, got.recv()

    assert run1(main) == ((0, None), "x")


def test_select_send_case_into_buffer_room():
    def main():
        c = chan(1)
        chosen = select(chan().recv, (c.send, "x"))
        return chosen, len(c), c.recv()

    assert run1(main) == ((1, None), 1, "x")


@pytest.mark.parametrize("ncases", [2, 3])
def test_select_chooses_uniformly_among_ready_cases(ncases):
    """Go shuffles the poll order with a uniform random permutation, so
    each of n ready cases is chosen about 1/n of the time."""
    trials = 3000

    def main():
        chans = [chan(1) for _ in range(ncases)]
        counts = [0] * ncases
        for _ in range(trials):
            for c in chans:
                if len(c) == 0:
                    c.send(None)
            i, _ = select(*(c.recv for c in chans))
            counts[i] += 1
        return counts

    counts = run1(main, seed=20240501)
    expected = trials / ncases
    for n in counts:
        assert abs(n - expected) < 0.15 * expected, counts


def test_select_choice_does_not_depend_on_case_position():
    """Not "first ready case wins": with both ready, the second case is
    also taken, under every seed tried."""
    def main():
        a, b = chan(1), chan(1)
        seen = set()
        for _ in range(50):
            if not len(a):
                a.send("a")
            if not len(b):
                b.send("b")
            seen.add(select(a.recv, b.recv)[1])
        return seen

    for seed in range(5):
        assert run1(main, seed=seed) == {"a", "b"}


# ---------------------------------------------------------------- default

def test_default_is_taken_when_no_case_is_ready():
    def main():
        return select(chan().recv, (chan().send, 1), default)

    assert run1(main) == (2, None)


def test_default_is_never_taken_when_a_case_is_ready():
    def main():
        c = chan(1)
        chosen = []
        for _ in range(200):
            c.send(1)
            chosen.append(select(default, c.recv, chan().recv)[0])
        return set(chosen)

    assert run1(main) == {1}


def test_default_index_is_its_position_among_the_cases():
    def main():
        return select(default, chan().recv), select(chan().recv, default, chan().recv)

    assert run1(main) == ((0, None), (1, None))


def test_select_with_default_does_not_block_on_a_full_buffer():
    def main():
        c = chan(1)
        c.send(1)
        return select((c.send, 2), default), len(c)

    assert run1(main) == ((1, None), 1)


# ------------------------------------------------------------ nil channel

def test_a_nil_channel_case_is_never_chosen():
    def main():
        c = chan(1)
        chosen = set()
        for _ in range(100):
            c.send("v")
            chosen.add(select(nilchan.recv, (nilchan.send, 1), c.recv, nilchan.recv_ok))
        return chosen

    assert run1(main) == {(2, "v")}


def test_nil_channel_cases_with_default_take_the_default():
    assert run1(lambda: select(nilchan.recv, (nilchan.send, 1), default)) == (2, None)


def test_select_on_nil_channels_only_blocks_forever_with_wait_reason_select():
    """Go 1.19: ``select { case <-a: case b <- 1: }`` with a and b nil
    reports ``goroutine 1 [select]:`` (selectgo parks with waitReasonSelect
    even when every case is on a nil channel); only ``select {}``
    (runtime.block) is ``select (no cases)``."""
    with pytest.raises(Deadlock) as ei:
        run1(lambda: select(nilchan.recv, (nilchan.send, 1)))
    assert ei.value.goroutines == [(1, "select")]


def test_select_with_no_cases_blocks_forever():
    with pytest.raises(Deadlock) as ei:
        run1(lambda: select())
    assert ei.value.goroutines == [(1, "select (no cases)")]
    assert "goroutine 1 [select (no cases)]:" in str(ei.value)


def test_a_blocked_select_reports_wait_reason_select(wait_parked):
    def main():
        g = go(select, chan().recv, chan().recv_ok, (chan().send, 1))
        wait_parked(g, "select")
        return "ok"

    assert run1(main) == "ok"


def test_a_select_blocked_forever_is_a_deadlock_with_wait_reason_select():
    with pytest.raises(Deadlock) as ei:
        run1(lambda: select(chan().recv, (chan().send, 1)))
    assert ei.value.goroutines == [(1, "select")]


# ---------------------------------------------------------- blocked select

def test_a_blocked_select_is_woken_by_a_receive_case(wait_parked):
    def main():
        a, b, result = chan(), chan(), chan(1)
        g = go(lambda: result.send(select(a.recv, b.recv)))
        wait_parked(g, "select")
        b.send("to b")
        return result.recv()

    assert run1(main) == (1, "to b")


def test_a_blocked_select_send_case_completes_when_a_receiver_arrives(wait_parked):
    def main():
        a, b, result = chan(), chan(), chan(1)
        g = go(lambda: result.send(select((a.send, "from select"), b.recv)))
        wait_parked(g, "select")
        got = a.recv()
        return got, result.recv()

    assert run1(main) == ("from select", (0, None))


def test_a_blocked_select_send_case_on_a_full_buffer_moves_its_value_to_the_tail(wait_parked):
    def main():
        c, result = chan(1), chan(1)
        c.send(1)
        g = go(lambda: result.send(select((c.send, 2), chan().recv)))
        wait_parked(g, "select")
        first = c.recv()
        assert len(c) == 1 and g.status == GStatus.Grunnable
        return first, result.recv(), c.recv()

    assert run1(main) == (1, (0, None), 2)


def test_a_blocked_select_is_completed_by_exactly_one_case(wait_parked):
    """Once one channel has completed a blocked select, the select's
    entries on its other channels are dead: a send to another of its
    channels finds no receiver, even before the select has run again."""
    def main():
        a, b, result = chan(), chan(), chan(1)
        g = go(lambda: result.send(select(a.recv, b.recv)))
        wait_parked(g, "select")
        a.send("first")                      # completes the select (it has not run yet)
        assert g.status == GStatus.Grunnable
        second = select((b.send, "second"), default)
        return second, result.recv()

    assert run1(main) == ((1, None), (0, "first"))


def test_a_finished_selects_send_case_no_longer_offers_its_value(wait_parked):
    """The mirror image: a select waiting to send on a and receive on b,
    completed by b; a receive on a must not take the value it offered."""
    def main():
        a, b, result = chan(), chan(), chan(1)
        g = go(lambda: result.send(select((a.send, "offered"), b.recv)))
        wait_parked(g, "select")
        b.send("to b")                          # completes the select
        late = select(a.recv, default)          # before the select has run again
        return late, result.recv()

    assert run1(main) == ((1, None), (1, "to b"))


def test_a_later_send_to_a_finished_selects_other_channel_is_not_lost(wait_parked):
    def main():
        a, b, result, got_b = chan(), chan(), chan(1), chan(1)
        g = go(lambda: result.send(select(a.recv, b.recv)))
        wait_parked(g, "select")
        a.send(1)
        chosen = result.recv()                # the select has finished
        wait_parked(go(lambda: got_b.send(b.recv())), "chan receive")
        b.send(2)                             # must reach the new receiver
        return chosen, got_b.recv()

    assert run1(main) == ((0, 1), 2)


def test_a_finished_select_no_longer_counts_as_a_receiver(wait_parked):
    """A plain send to the other channel of a finished select blocks (and
    here deadlocks): the select's stale entry must not swallow it."""
    def main():
        a, b, result = chan(), chan(), chan(1)
        g = go(lambda: result.send(select(a.recv, b.recv)))
        wait_parked(g, "select")
        a.send(1)
        result.recv()
        b.send("nobody receives this")

    with pytest.raises(Deadlock) as ei:
        run1(main)
    assert ei.value.goroutines == [(1, "chan send")]


def test_blocked_select_and_plain_receivers_share_one_fifo_queue(wait_parked):
    def main():
        c, results = chan(), chan(3)
        wait_parked(go(lambda: results.send(("plain-1", c.recv()))), "chan receive")
        wait_parked(go(lambda: results.send(("select", select(chan().recv, c.recv)[1]))),
                    "select")
        wait_parked(go(lambda: results.send(("plain-2", c.recv()))), "chan receive")
        for v in (1, 2, 3):
            c.send(v)
        return sorted(results.recv() for _ in range(3))

    assert run1(main) == [("plain-1", 1), ("plain-2", 3), ("select", 2)]


def test_the_same_channel_in_two_cases_of_a_blocked_select(wait_parked):
    def main():
        c, result = chan(), chan(1)
        g = go(lambda: result.send(select(c.recv, c.recv_ok)))
        wait_parked(g, "select")
        c.send("v")
        got = result.recv()
        # the losing case's entry is gone: nothing else receives on c
        return got, select((c.send, "w"), default)

    got, after = run1(main)
    assert got in [(0, "v"), (1, ("v", True))]
    assert after == (1, None)


# ---------------------------------------------------------------- closed

def test_recv_ok_case_on_a_closed_channel_gives_none_false():
    def main():
        c = chan()
        c.close()
        return select(chan().recv, c.recv_ok)

    assert run1(main) == (1, (None, False))


def test_recv_case_on_a_closed_channel_gives_none():
    def main():
        c = chan()
        c.close()
        return select(c.recv, chan().recv)

    assert run1(main) == (0, None)


def test_a_closed_channel_is_ready_so_default_is_not_taken():
    def main():
        c = chan()
        c.close()
        return select(default, c.recv_ok)

    assert run1(main) == (1, (None, False))


def test_a_closed_channel_drains_its_buffer_through_select_first():
    def main():
        c = chan(2)
        c.send("x")
        c.close()
        return select(c.recv_ok), select(c.recv_ok)

    assert run1(main) == ((0, ("x", True)), (0, (None, False)))


def test_close_wakes_a_blocked_select_recv_ok_case(wait_parked):
    def main():
        a, b, result = chan(), chan(), chan(1)
        g = go(lambda: result.send(select(a.recv_ok, b.recv)))
        wait_parked(g, "select")
        a.close()
        return result.recv()

    assert run1(main) == (0, (None, False))


def test_close_wakes_a_blocked_select_recv_case_with_none(wait_parked):
    def main():
        a, result = chan(), chan(1)
        g = go(lambda: result.send(select(chan().recv, a.recv)))
        wait_parked(g, "select")
        a.close()
        return result.recv()

    assert run1(main) == (1, None)


def test_close_completes_a_blocked_select_by_its_receive_case_not_its_send_case(wait_parked):
    """closechan releases the readers before the writers, so a select
    waiting to both receive from and send to the channel wakes with the
    receive (ok false) and does not panic."""
    def main():
        c, result = chan(), chan(1)
        g = go(lambda: result.send(select((c.send, 1), c.recv_ok)))
        wait_parked(g, "select")
        c.close()
        return result.recv()

    assert run1(main) == (1, (None, False))


def test_select_send_case_on_a_closed_channel_panics_even_with_default():
    def main():
        c = chan(1)
        c.close()
        select((c.send, 1), default)

    with pytest.raises(Panic) as ei:
        run1(main)
    assert str(ei.value) == "send on closed channel"


def test_close_makes_a_blocked_select_send_case_panic(wait_parked):
    def main():
        c, result = chan(), chan(1)

        def selector():
            try:
                select((c.send, 1), chan().recv)
                result.send("sent")
            except Panic as p:
                result.send(str(p))

        wait_parked(go(selector), "select")
        c.close()
        return result.recv()

    assert run1(main) == "send on closed channel"


# --------------------------------------------------------------- bad usage

@pytest.mark.parametrize("cases", [
    pytest.param(lambda c: (42,), id="not-a-channel-method"),
    pytest.param(lambda c: (c.send,), id="send-without-value"),
    pytest.param(lambda c: ((c.recv, 1),), id="recv-with-value"),
    pytest.param(lambda c: ((c.send, 1, 2),), id="send-triple"),
    pytest.param(lambda c: (c.close,), id="close-is-not-a-case"),
    pytest.param(lambda c: (default, default), id="two-defaults"),
])
def test_select_rejects_what_is_not_a_case_with_a_clear_error(cases):
    def main():
        try:
            select(*cases(chan(1)))
        except TypeError as e:
            return str(e)
        return "accepted"

    msg = run1(main)
    assert msg.startswith("select"), msg


# ------------------------------------------------- a whole program, against Go

@pytest.mark.parametrize("clock", ["real", "virtual"])
def test_a_select_server_interleaves_with_its_clients_exactly_as_go(clock):
    """One case ready at a time, so the order is fixed; Go 1.19 with
    GOMAXPROCS=1 prints: a1 sent-a1 sent-b2 b2 a3 sent-a3 quit."""
    def main():
        out, wg = [], WaitGroup()
        a, b, quit = chan(), chan(), chan()
        wg.add(1)

        def server():
            while True:
                i, v = select(a.recv, b.recv, quit.recv)
                if i == 2:
                    out.append("quit")
                    wg.done()
                    return
                out.append(f"{'ab'[i]}{v}")

        go(server)
        a.send(1)
        out.append("sent-a1")
        b.send(2)
        out.append("sent-b2")
        a.send(3)
        out.append("sent-a3")
        quit.close()
        wg.wait()
        return " ".join(out)

    assert run1(main, clock=clock) == "a1 sent-a1 sent-b2 b2 a3 sent-a3 quit"
