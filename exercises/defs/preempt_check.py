"""Exercise 07.1: is this a safe point? — safe_point (Go's isAsyncSafePoint, in spirit; preempt.go)."""
from __future__ import annotations

import os

from exercises.core import Exercise, collect_tests, expect, hidden, public

# ---------------------------------------------------------------------------
# Real frames of each kind.  The same small function is compiled under four
# file names, so its frames count as user code, standard library, an
# installed package, or this runtime: a chain of calls built from them is a
# real Python stack, as the preemption hooks see it.

_HOP_SRC = '''\
import sys

def hop_{kind}(chain, i, probe, frames):
    frames.append(sys._getframe())
    if i + 1 == len(chain):
        return probe(sys._getframe())
    return chain[i + 1](chain, i + 1, probe, frames)
'''


def kind_paths() -> dict:
    import sysconfig

    import reference_runtime
    paths = sysconfig.get_paths()
    return {
        "user": os.path.join(os.sep, "home", "learner", "prog.py"),
        "stdlib": os.path.join(paths["stdlib"], "json", "_course_fake.py"),
        "library": os.path.join(paths["purelib"], "somepackage", "core.py"),
        "runtime": os.path.join(os.path.dirname(os.path.abspath(reference_runtime.__file__)),
                                "_course_fake.py"),
    }


_HOPS: dict = {}


def hops() -> dict:
    if not _HOPS:
        for kind, path in kind_paths().items():
            ns: dict = {}
            # one function name per kind: equal code objects compare equal
            # whatever their file, and the runtime caches its answer per code
            exec(compile(_HOP_SRC.format(kind=kind), path, "exec"), ns)
            _HOPS[kind] = ns[f"hop_{kind}"]
    return _HOPS


def in_goroutine(kinds, check):
    """Run, as a goroutine, a chain of calls whose frames are of the given
    kinds (outermost first); the innermost one calls check(rt, its frame).
    Returns (what check returned, the chain's frames, outermost first)."""
    from reference_runtime.sched import Runtime, getrt
    h = hops()
    chain = [h[k] for k in kinds]
    frames: list = []

    def probe(frame):
        return check(getrt(), frame)

    res = Runtime(gomaxprocs=1, preempt="off").run_main(chain[0], (chain, 0, probe, frames))
    return res, frames


# The seed article's program, compiled as user code wherever the course is installed.
SEED_SRC = '''\
from reference_runtime import chan, go, sleep

def tick():
    return None

def seed_program(loop_calls_a_function, ticks=3):
    printed = []

    def main():
        done = chan()

        def spin():
            i = 0
            if loop_calls_a_function:
                while True:
                    i += 1
                    tick()
            else:
                while True:
                    i += 1

        def printer():
            for k in range(ticks):
                printed.append(k)
                sleep(0.02)
            done.send(True)

        go(spin)
        go(printer)
        done.recv()          # the seed's main blocks forever (select {}); ours until the ticks are done
        return list(printed)
    return main

def library_loop():
    import json
    stop = []
    count = [0]

    def payload(n):
        return {"a": list(range(n)), "b": {"c": [1, 2, 3]}}

    def busy():
        while not stop:
            json.dumps(payload(20), indent=1)
            count[0] += 1

    def main():
        from reference_runtime import now
        go(busy)
        t0 = now()
        sleep(0.02)
        late = now() - t0
        stop.append(1)
        sleep(0.005)
        return late, count[0]
    return main
'''


def seed_namespace() -> dict:
    ns: dict = {}
    exec(compile(SEED_SRC, os.path.join(os.sep, "home", "learner", "seed.py"), "exec"), ns)
    return ns


def run_seed(parts, preempt, loop_calls_a_function, timeout=2.0):
    from reference_runtime.sched import Runtime
    main = seed_namespace()["seed_program"](loop_calls_a_function)
    return Runtime(gomaxprocs=1, preempt=preempt, timeout=timeout, parts=parts).run_main(main, ())


# ---------------------------------------------------------------------------

@public
def test_user_code_all_the_way_down_is_a_safe_point(sol):
    """A frame whose goroutine stack is user code only is a safe point.

    The goroutine's base frame (the runtime's worker loop, whose code is
    GOROUTINE_BASE) is where the walk stops: it is not looked at."""
    got, _ = in_goroutine(["user", "user", "user"], sol.safe_point)
    expect(got, True, "safe_point(user <- user <- user)")


@public
def test_inside_the_standard_library_is_not_a_safe_point(sol):
    """A frame in the standard library is not a safe point: it may hold a lock."""
    got, _ = in_goroutine(["user", "stdlib"], sol.safe_point)
    expect(got, False, "safe_point(stdlib frame called from user code)")


@public
def test_user_code_called_back_by_a_library_is_not_a_safe_point(sol):
    """User code called back by a library (user -> package -> user) is not a safe point.

    The library frame below may hold a lock while it calls back; switching
    goroutines there could block the host thread."""
    got, _ = in_goroutine(["user", "library", "user"], sol.safe_point)
    expect(got, False, "safe_point(user <- package <- user)")


@public
def test_inside_the_runtime_is_not_a_safe_point(sol):
    """A frame of the runtime itself is never a safe point: it may be in the
    middle of moving a goroutine between queues."""
    got, _ = in_goroutine(["user", "runtime"], sol.safe_point)
    expect(got, False, "safe_point(runtime frame)")


@public
def test_a_runtime_frame_deep_down_makes_it_unsafe(sol):
    """Any frame below that is not user code, however deep, makes it unsafe: a
    runtime frame three calls down (runtime <- user <- user <- user) gives
    False."""
    got, _ = in_goroutine(["runtime", "user", "user", "user"], sol.safe_point)
    expect(got, False, "safe_point(runtime <- user <- user <- user)")


@hidden
def test_a_deep_user_stack_is_a_safe_point(sol):
    """A stack of 300 user frames is a safe point, found without hitting the recursion limit."""
    got, _ = in_goroutine(["user"] * 300, sol.safe_point)
    expect(got, True, "safe_point(300 user frames)")


@hidden
def test_calls_mode_preempts_the_seed_program_when_its_loop_calls_a_function(sol):
    """The seed's program (Go 1.2-1.13, preempt="calls"): the loop calls tick(), so it is preempted.

    A goroutine spins forever calling a function, another prints three
    times, 20 ms apart, and main waits for it; with your safe_point checking
    each call, the printer gets the P back and main returns."""
    got = run_seed({"safe_point": sol.safe_point}, "calls", True)
    expect(got, [0, 1, 2], "what the printer printed")


@hidden
def test_async_mode_preempts_the_seed_program(sol):
    """The seed's program with a loop without calls (Go 1.14+, preempt="async") terminates."""
    got = run_seed({"safe_point": sol.safe_point}, "async", False)
    expect(got, [0, 1, 2], "what the printer printed")


@hidden
def test_your_answer_matches_the_runtimes_on_every_frame_it_asks_about(sol):
    """Under preempt="calls", a goroutine looping over json.dumps (pure-Python
    standard library) is asked about at every call: library frames must be
    refused, its own frames accepted, and main must wake on time."""
    from reference_runtime import preempt
    from reference_runtime.sched import Runtime
    wrong = []

    def checked(rt, frame):
        mine = sol.safe_point(rt, frame)
        ref = preempt.safe_point(rt, frame)
        if bool(mine) != ref and len(wrong) < 5:
            wrong.append((frame.f_code.co_name, os.path.basename(frame.f_code.co_filename),
                          mine, ref))
        return mine

    main = seed_namespace()["library_loop"]()
    late, count = Runtime(gomaxprocs=1, preempt="calls", timeout=3,
                          parts={"safe_point": checked}).run_main(main, ())
    expect(wrong, [], "frames where your answer differs: (function, file, yours, expected)")
    expect(count > 0 and late < 1.0, True, "main woke within a second while json looped")


STARTER = '''\
from reference_runtime.preempt import is_user_code   # is_user_code(code) -> bool
from reference_runtime.sched import Runtime
GOROUTINE_BASE = Runtime._worker.__code__            # the code of every goroutine's bottom frame

def safe_point(rt, frame):
    """May the running goroutine be switched out at `frame`?  True or False."""
    ...
'''


def _reference():
    from reference_runtime import preempt
    return {"safe_point": preempt.safe_point}


EXERCISE = Exercise(
    id="preempt_check",
    notebook="07",
    number=1,
    title="Is this a safe point? safe_point",
    points=6,
    provides=["safe_point"],
    statement=(
        "Write safe_point(rt, frame): the check both preemption modes make before switching "
        "goroutines from a hook. Go asks the same question for async preemption "
        "(Go 1.19, runtime/preempt.go isAsyncSafePoint): may the goroutine be stopped "
        "here, with nothing half done? Here a Python frame is a safe point when it and "
        "every frame below it in the goroutine are user code. The rules: "
        "(1) a frame that is not user code (is_user_code(f.f_code) is False: this runtime, "
        "which may be moving a goroutine between queues; the standard library or an "
        "installed package, which may hold a threading lock while it calls back into user "
        "code) makes the answer False, wherever it is below frame, however deep; "
        "(2) the goroutine's base frame (f.f_code is GOROUTINE_BASE, the runtime's worker "
        "loop that runs every goroutine) ends the walk and is not itself judged, nor is "
        "anything below it; reaching it, or the end of the chain, with only user code "
        "seen gives True; "
        "(3) the answer is a bool, True or False. "
        "Tests build real stacks of user, library and runtime frames inside a goroutine "
        "(public: one test per rule); hidden tests add a 300-frame stack and run the "
        "seed's tight-loop program under preempt=\"calls\" and \"async\" with your "
        "safe_point, comparing your answers with the runtime's on every frame a "
        "json-heavy loop is interrupted in."),
    starter=STARTER,
    hints=[
        "Read isAsyncSafePoint in Go 1.19's runtime/preempt.go: Go refuses to stop a "
        "goroutine in runtime code or where it cannot see the state. Here the same worry is "
        "a lock held by a frame further down: which frames must you look at, and where does "
        "the goroutine's own stack end?",
        "frame.f_back is the caller's frame; the chain goes on below the goroutine into the "
        "runtime's worker loop, which is runtime code. What happens to your answer if the "
        "walk does not stop at GOROUTINE_BASE?",
        "Code objects compare by identity, and every path must return True or False: a "
        "bare return gives None.",
        "In code: `f = frame`; `while f is not None:` `if f.f_code is GOROUTINE_BASE: "
        "return True`; `if not is_user_code(f.f_code): return False`; `f = f.f_back`; "
        "after the loop `return True`.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
)
