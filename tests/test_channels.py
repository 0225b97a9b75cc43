"""Channels, as Go specifies them (runtime/chan.go: makechan, chansend,
chanrecv, closechan; the language spec's "Channel types", "Send
statements", "Receive operator", "Close").

Unless a test says otherwise, programs run on one P under the virtual
clock, so the interleavings they rely on are Go's exact ones on
GOMAXPROCS=1; tests that wait for a goroutine to block use
``wait_parked`` (conftest.py), never a sleep.
"""
from __future__ import annotations

import pytest

from reference_runtime import (Deadlock, FatalError, GStatus, Panic, WaitGroup, chan, go,
                               gosched, nilchan, run)


def run1(main, **kw):
    kw.setdefault("gomaxprocs", 1)
    kw.setdefault("clock", "virtual")
    kw.setdefault("seed", 1)
    return run(main, **kw)


# ------------------------------------------------------------ unbuffered

@pytest.mark.parametrize("procs", [1, 4])
def test_unbuffered_send_completes_only_when_received(wait_parked, procs):
    log = []

    def main():
        c, finished = chan(), chan()

        def sender():
            c.send("x")
            log.append("send returned")
            finished.close()

        g = go(sender)
        wait_parked(g, "chan send")
        assert log == []
        log.append("receiving")
        assert c.recv() == "x"
        finished.recv()

    run1(main, gomaxprocs=procs)
    assert log == ["receiving", "send returned"]


def test_unbuffered_receive_blocks_until_a_sender_arrives(wait_parked):
    def main():
        c, got = chan(), chan(1)
        g = go(lambda: got.send(c.recv()))
        wait_parked(g, "chan receive")
        assert len(got) == 0
        c.send(42)
        return got.recv()

    assert run1(main) == 42


def test_send_to_a_waiting_receiver_does_not_block(wait_parked):
    """chansend's first rule: a receiver is waiting, so the value is handed
    to it and the sender goes on without parking."""
    def main():
        c = chan()
        g = go(c.recv)
        wait_parked(g, "chan receive")
        c.send(1)
        # the receiver has its value and is runnable; we never gave it the CPU
        assert g.status == GStatus.Grunnable
        return "sender went on"

    assert run1(main) == "sender went on"


def test_waiting_senders_are_served_in_fifo_order(wait_parked):
    def main():
        c = chan()
        for i in range(4):
            wait_parked(go(c.send, i), "chan send")
        return [c.recv() for _ in range(4)]

    assert run1(main) == [0, 1, 2, 3]


def test_waiting_receivers_are_served_in_fifo_order(wait_parked):
    def main():
        c, results = chan(), chan(4)
        for i in range(4):
            wait_parked(go(lambda i=i: results.send((i, c.recv()))), "chan receive")
        for v in "abcd":
            c.send(v)
        return sorted(results.recv() for _ in range(4))

    assert run1(main) == [(0, "a"), (1, "b"), (2, "c"), (3, "d")]


def test_unbuffered_channel_has_len_and_cap_zero(wait_parked):
    def main():
        c = chan()
        wait_parked(go(c.send, 1), "chan send")
        return len(c), c.cap

    assert run1(main) == (0, 0)


# -------------------------------------------------------------- buffered

def test_buffered_channel_is_fifo():
    def main():
        c = chan(3)
        out = []
        for v in (1, 2, 3):
            c.send(v)
        out.append(c.recv())
        c.send(4)
        out.extend(c.recv() for _ in range(3))
        return out

    assert run1(main) == [1, 2, 3, 4]


def test_len_counts_buffered_values_and_cap_is_the_buffer_size():
    def main():
        c = chan(3)
        seen = [(len(c), c.cap)]
        for v in range(3):
            c.send(v)
            seen.append((len(c), c.cap))
        c.recv()
        seen.append((len(c), c.cap))
        return seen

    assert run1(main) == [(0, 3), (1, 3), (2, 3), (3, 3), (2, 3)]


def test_send_to_buffered_channel_with_room_does_not_block():
    def main():
        c = chan(2)
        c.send("a")
        c.send("b")          # no receiver anywhere: a deadlock if this blocked
        return len(c)

    assert run1(main) == 2


def test_send_to_a_full_buffer_blocks(wait_parked):
    def main():
        c = chan(2)
        c.send(1)
        c.send(2)
        g = go(c.send, 3)
        wait_parked(g, "chan send")
        return len(c)

    assert run1(main) == 2


def test_send_to_a_full_buffer_blocks_main_into_a_deadlock():
    def main():
        c = chan(1)
        c.send(1)
        c.send(2)

    with pytest.raises(Deadlock) as ei:
        run1(main)
    assert ei.value.goroutines == [(1, "chan send")]


def test_receiving_from_a_full_buffer_moves_the_waiting_senders_value_to_the_tail(wait_parked):
    """chanrecv with a full buffer and a waiting sender: take the head,
    copy the sender's value to the tail, wake the sender.  The buffer is
    full again at once, before the sender has even run."""
    def main():
        c = chan(2)
        c.send(1)
        c.send(2)
        g = go(c.send, 3)
        wait_parked(g, "chan send")
        first = c.recv()
        assert len(c) == 2
        assert g.status == GStatus.Grunnable
        return [first, c.recv(), c.recv()]

    assert run1(main) == [1, 2, 3]


def test_waiting_senders_on_a_full_buffer_keep_fifo_order(wait_parked):
    def main():
        c = chan(1)
        c.send(0)
        for i in (1, 2, 3):
            wait_parked(go(c.send, i), "chan send")
        return [c.recv() for _ in range(4)]

    assert run1(main) == [0, 1, 2, 3]


# ----------------------------------------------------------------- close

def test_close_lets_receivers_drain_the_buffer_then_reports_closed():
    def main():
        c = chan(3)
        c.send(1)
        c.send(2)
        c.close()
        return [c.recv_ok(), c.recv_ok(), c.recv_ok(), c.recv_ok(), c.recv()]

    assert run1(main) == [(1, True), (2, True), (None, False), (None, False), None]


def test_receive_from_closed_empty_channel_returns_none_at_once():
    def main():
        c = chan()
        c.close()
        return c.recv(), c.recv_ok(), len(c)

    assert run1(main) == (None, (None, False), 0)


def test_a_sent_none_is_told_apart_from_closed_by_recv_ok():
    def main():
        c = chan(1)
        c.send(None)
        c.close()
        return c.recv_ok(), c.recv_ok()

    assert run1(main) == ((None, True), (None, False))


@pytest.mark.parametrize("size", [0, 1, 5])
def test_iteration_ends_when_the_channel_is_closed_and_drained(size):
    def main():
        c = chan(size)

        def producer():
            for i in range(5):
                c.send(i)
            c.close()

        go(producer)
        return [v for v in c]

    assert run1(main) == [0, 1, 2, 3, 4]


def test_iteration_delivers_sent_none_values_and_stops_only_at_close():
    def main():
        c = chan(3)
        for v in (None, 0, None):
            c.send(v)
        c.close()
        return list(c)

    assert run1(main) == [None, 0, None]


def test_close_wakes_every_waiting_receiver_with_none_and_not_ok(wait_parked):
    def main():
        c, results = chan(), chan(4)
        gs = [
            go(lambda: results.send(("recv_ok", c.recv_ok()))),
            go(lambda: results.send(("recv_ok", c.recv_ok()))),
            go(lambda: results.send(("recv", c.recv()))),
            go(lambda: results.send(("for", list(c)))),
        ]
        for g in gs:
            wait_parked(g, "chan receive")
        c.close()
        return sorted(results.recv() for _ in range(4))

    assert run1(main) == [("for", []), ("recv", None),
                          ("recv_ok", (None, False)), ("recv_ok", (None, False))]


def test_close_readies_its_waiting_receivers_in_gos_order():
    """closechan collects the waiters on a gList (a stack) and readies them
    from its head, each into runnext: so on one P the first waiter runs
    first, then the rest in reverse.  Go 1.19, GOMAXPROCS=1, receivers
    spawned 0..3 then Gosched (so they queue as 3, 0, 1, 2), then close:
    prints woken 3, 2, 1, 0."""
    def main():
        c, wg, woken = chan(), WaitGroup(), []
        for i in range(4):
            wg.add(1)
            go(lambda i=i: (c.recv(), woken.append(i), wg.done()))
        gosched()
        c.close()
        wg.wait()
        return woken

    assert run1(main) == [3, 2, 1, 0]


def test_close_makes_every_waiting_sender_panic_send_on_closed_channel(wait_parked):
    def main():
        c, results = chan(), chan(2)

        def sender(v):
            try:
                c.send(v)
                results.send("sent")
            except Panic as p:               # Go's recover()
                results.send(str(p))

        for v in (1, 2):
            wait_parked(go(sender, v), "chan send")
        c.close()
        return [results.recv(), results.recv()]

    assert run1(main) == ["send on closed channel", "send on closed channel"]


def test_close_with_a_sender_waiting_on_a_full_buffer_panics_it_and_keeps_the_buffer(
        wait_parked):
    def main():
        c, result = chan(1), chan(1)
        c.send(1)

        def sender():
            try:
                c.send(2)
                result.send("sent")
            except Panic as p:
                result.send(str(p))

        wait_parked(go(sender), "chan send")
        c.close()
        return result.recv(), c.recv_ok(), c.recv_ok()

    assert run1(main) == ("send on closed channel", (1, True), (None, False))


def test_unrecovered_send_on_closing_channel_ends_the_program(wait_parked):
    def main():
        c = chan()
        wait_parked(go(c.send, 1), "chan send")
        c.close()
        chan().recv()      # main blocks; the woken sender's panic ends the program first

    with pytest.raises(Panic) as ei:
        run1(main)
    assert str(ei.value) == "send on closed channel"


@pytest.mark.parametrize("size", [0, 3])
def test_send_on_closed_channel_panics(size):
    def main():
        c = chan(size)
        c.close()
        c.send(1)

    with pytest.raises(Panic) as ei:
        run1(main)
    assert str(ei.value) == "send on closed channel"


def test_close_of_closed_channel_panics():
    def main():
        c = chan()
        c.close()
        c.close()

    with pytest.raises(Panic) as ei:
        run1(main)
    assert str(ei.value) == "close of closed channel"


def test_close_of_nil_channel_panics():
    with pytest.raises(Panic) as ei:
        run1(lambda: nilchan.close())
    assert str(ei.value) == "close of nil channel"


def test_channel_panics_are_panics_not_fatal_errors():
    def main():
        c = chan()
        c.close()
        try:
            c.close()
        except Panic as p:
            return p
    p = run1(main)
    assert isinstance(p, Panic) and not isinstance(p, FatalError)


# ------------------------------------------------------------ nil channel

@pytest.mark.parametrize("op, reason", [
    (lambda: nilchan.recv(), "chan receive (nil chan)"),
    (lambda: nilchan.recv_ok(), "chan receive (nil chan)"),
    (lambda: list(nilchan), "chan receive (nil chan)"),
    (lambda: nilchan.send(1), "chan send (nil chan)"),
])
def test_the_nil_channel_blocks_forever(op, reason):
    with pytest.raises(Deadlock) as ei:
        run1(op)
    assert ei.value.goroutines == [(1, reason)]
    assert f"goroutine 1 [{reason}]:" in str(ei.value)


def test_a_goroutine_blocked_on_the_nil_channel_is_abandoned_when_main_returns(wait_parked):
    def main():
        wait_parked(go(nilchan.recv), "chan receive (nil chan)")
        return "done"

    assert run1(main) == "done"


def test_the_nil_channel_has_len_and_cap_zero():
    assert len(nilchan) == 0 and nilchan.cap == 0


# ------------------------------------------------------------ bad usage

@pytest.mark.parametrize("size", ["3", 1.5, None, True])
def test_chan_size_must_be_an_int(size):
    with pytest.raises(TypeError, match="chan size"):
        chan(size)


def test_negative_chan_size_panics_makechan_size_out_of_range():
    with pytest.raises(Panic) as ei:
        chan(-1)
    assert str(ei.value) == "makechan: size out of range"


def test_blocking_channel_operation_outside_run_raises_a_clear_error():
    c = chan()
    with pytest.raises(RuntimeError, match=r"run\(\)"):
        c.recv()
    with pytest.raises(RuntimeError, match=r"run\(\)"):
        c.send(1)
