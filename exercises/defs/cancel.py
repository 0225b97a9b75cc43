"""Exercise 09.2: a pipeline with cancellation (a done channel), so that a
consumer that stops early leaves no goroutine behind (the Go blog's
"Pipelines and cancellation")."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public


def _run(main, procs=1, seed=1):
    """Run a test program; a deadlock becomes a failed check naming what each
    goroutine waits for (Go's report, without the stack frames)."""
    from reference_runtime import Deadlock, run
    try:
        return run(main, gomaxprocs=procs, clock="virtual", seed=seed, timeout=4.0)
    except Deadlock as d:
        waits = ", ".join(f"goroutine {goid} [{reason}]" for goid, reason in d.goroutines)
        raise AssertionError(f"the program deadlocked: fatal error: {d.msg} "
                             f"({waits})") from None


def _settle():
    """Let the stages that are returning return: a short sleep (instant in
    virtual time: every P goes idle and the clock jumps)."""
    from reference_runtime import sleep
    sleep(0.01)


def _take_then_cancel(sol, take, stages=2, nums=tuple(range(1, 11)), settle_first=False):
    """main: a pipeline gen -> sq x stages; take `take` values, (settle, so
    that every stage is blocked sending, if settle_first), close done,
    settle; returns (values, goroutines before, after, out closed?)."""
    from reference_runtime import chan, num_goroutine

    def main():
        done = chan()
        out = sol.gen(done, *nums)
        for _ in range(stages):
            out = sol.sq(done, out)
        values = [out.recv() for _ in range(take)]
        if settle_first:
            _settle()
        before = num_goroutine()
        done.close()
        _settle()
        after = num_goroutine()
        rest = []
        while True:                    # a stage may have sent one more value before it saw done
            v, ok = out.recv_ok()
            if not ok:
                break
            rest.append(v)
        return values, before, after, len(rest) <= 1
    return main


@public
def test_the_pipeline_squares_every_number_in_order(sol):
    """sq(done, gen(done, 1, 2, 3)) gives 1, 4 and 9, then its channel is closed (done is never closed)."""
    from reference_runtime import chan

    def main():
        done = chan()
        return list(sol.sq(done, sol.gen(done, 1, 2, 3)))
    expect(_run(main), [1, 4, 9], "values ranged over sq's channel")


@public
def test_closing_done_ends_every_stage(sol):
    """gen -> sq -> sq of 1..10: main takes 3 values and closes done; then every stage returns and only main is left."""
    values, before, after, _ = _run(_take_then_cancel(sol, 3))
    expect(values, [1, 16, 81], "the first three values")
    expect(before, 4, "goroutines before closing done (main, gen, two sq)")
    expect(after, 1, "goroutines after closing done (only main should be left)")


@public
def test_a_cancelled_stage_closes_its_output(sol):
    """After done is closed, the last stage's channel is closed, so a range over it ends."""
    *_, closed = _run(_take_then_cancel(sol, 3))
    expect(closed, True, "the output channel was closed after cancelling")


@public
def test_cancel_before_reading_anything(sol):
    """Closing done before any value is read still ends every stage, and the
    last stage's channel is closed: at once, before the stages ran, and
    after they started, when each is blocked sending its first value."""
    for settle_first in (False, True):
        values, before, after, closed = _run(_take_then_cancel(sol, 0, settle_first=settle_first))
        expect((before, after, closed), (4, 1, True),
               f"(goroutines before, after, output closed), {'after' if settle_first else 'before'}"
               " the stages started")


@hidden
def test_a_long_chain_on_four_ps(sol):
    """A chain gen -> sq x 5 on 4 Ps, with several seeds, ends when done is closed after 2 values: only main is left each time."""
    for seed in (1, 2, 3):
        values, before, after, closed = _run(_take_then_cancel(sol, 2, stages=5), procs=4,
                                             seed=seed)
        expect(values, [1, 2 ** 32], f"the first two values (seed {seed})")
        expect((before, after, closed), (7, 1, True),
               f"(goroutines before, after, output closed) with seed {seed}")


@hidden
def test_reading_everything_then_cancelling(sol):
    """Closing done after every value was read (the stages ended by themselves) breaks nothing, and only main is left."""
    values, before, after, closed = _run(_take_then_cancel(sol, 4, nums=(1, 2, 3, 4)))
    expect(values, [1, 16, 81, 256], "values")
    expect((after, closed), (1, True), "(goroutines after, output closed)")


STARTER = '''\
from gokernel import chan, go, select

# The pipeline as written without cancellation: it works, but a consumer that stops
# reading early leaves gen and sq blocked forever on a send (a goroutine leak).

def gen(done, *nums):
    """Send each of nums on a new channel, then close it; return the channel."""
    out = chan()
    def run():
        for n in nums:
            out.send(n)
        out.close()
    go(run)
    return out

def sq(done, inp):
    """Send the square of each value from inp on a new channel, then close it."""
    out = chan()
    def run():
        for n in inp:
            out.send(n * n)
        out.close()
    go(run)
    return out
'''


def _reference():
    from reference_runtime import chan, go, select

    def gen(done, *nums):
        out = chan()

        def run():
            try:
                for n in nums:
                    i, _ = select((out.send, n), done.recv)
                    if i == 1:
                        return
            finally:
                out.close()
        go(run)
        return out

    def sq(done, inp):
        out = chan()

        def run():
            try:
                for n in inp:
                    i, _ = select((out.send, n * n), done.recv)
                    if i == 1:
                        return
            finally:
                out.close()
        go(run)
        return out
    return {"gen": gen, "sq": sq}


EXERCISE = Exercise(
    id="cancel",
    notebook="09",
    number=2,
    title="A pipeline with cancellation: no goroutine left behind",
    points=5,
    provides=["gen", "sq"],
    statement=(
        "Make the pipeline stages gen(done, *nums) and sq(done, inp) cancellable, as in "
        "the Go blog's \"Pipelines and cancellation\". Each starts one goroutine and "
        "returns its output channel. The rules: "
        "(1) without cancellation the pipeline computes what it did: gen sends nums in "
        "order, sq their squares, and each closes its output when its input is used up; "
        "(2) once the consumer closes done, every stage returns, whether it is waiting to "
        "send or about to, even before anything was read, instead of blocking forever on "
        "a send nobody will receive: a leaked goroutine is never collected, in Go as here "
        "(its stack and everything it refers to stay); closing a channel is a broadcast "
        "(every receive from a closed channel is ready at once), which is why one close of "
        "done reaches every stage; "
        "(3) every stage closes its output on every way out, as Go's `defer close(out)` "
        "does, so the stage after it (or a consumer's range) ends too. "
        "The starter is the pipeline without cancellation: it computes the right values "
        "but leaks its goroutines. The tests build gen -> sq -> sq on the reference "
        "runtime (virtual clock), read a few values or none, close done, and count the "
        "goroutines left (num_goroutine() must be 1: only main); hidden tests add a chain "
        "of five stages on four Ps and a cancel after everything was read."),
    starter=STARTER,
    hints=[
        "Read the Go blog's \"Go Concurrency Patterns: Pipelines and cancellation\" "
        "(section \"Explicit cancellation\"): a stage must never wait for one thing "
        "only. Which statement lets a goroutine wait for a send and for done at once, and "
        "what does a receive from a closed channel do?",
        "select returns which case happened. After the done case, the stage is finished: "
        "what must it still do on its way out, and how do you make sure it happens on "
        "every way out?",
        "A stage blocked receiving from inp needs no select: when the stage before it "
        "returns, it closes inp, and the loop over inp ends.",
        "In code: each send becomes `i, _ = select((out.send, v), done.recv)` with `if i "
        "== 1: return`; and run's body goes in `try: ... finally: out.close()`.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="model",
)
