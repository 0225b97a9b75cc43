"""Exercise 07.2: where to arm the async preemption hook — arm_frame (preempt.go's asyncPreempt, in spirit)."""
from __future__ import annotations

from exercises.core import Exercise, collect_tests, expect, hidden, public
from exercises.defs.preempt_check import in_goroutine, run_seed, seed_namespace


def _which(kinds, sol):
    """Index (0 = outermost) of the frame arm_frame chose in a chain of the given kinds, or None."""
    got, frames = in_goroutine(kinds, sol.arm_frame)
    if got is None:
        return None
    for i, f in enumerate(frames):
        if f is got:
            return i
    return f"a frame outside the chain ({getattr(got, 'f_code', got)!r})"


@public
def test_in_user_code_the_interrupted_frame_itself_is_armed(sol):
    """When the goroutine was interrupted in user code (user <- user <- user), the innermost frame, the one interrupted, is armed."""
    expect(_which(["user", "user", "user"], sol), 2, "index of the armed frame (0 = outermost)")


@public
def test_inside_a_library_the_user_frame_that_called_it_is_armed(sol):
    """When the goroutine was interrupted inside the standard library, the user frame that called it is armed.

    Its hook fires when the library call returns to it (the next bytecode
    that frame runs), which is the first safe point."""
    expect(_which(["user", "user", "stdlib", "stdlib"], sol), 1,
           "index of the armed frame (0 = outermost)")


@public
def test_a_callback_from_a_library_is_not_armed(sol):
    """In user <- package <- user, the outer user frame, below the package, is armed.

    The callback's frame is user code, but a package frame below it may
    hold a lock: from the goroutine's base upward, user frames count only
    until the first frame that is not user code."""
    expect(_which(["user", "library", "user"], sol), 0, "index of the armed frame (0 = outermost)")


@public
def test_no_user_frame_at_the_base_means_nothing_to_arm(sol):
    """A goroutine running library code from its base (package <- user) has nothing to arm: None, and sysmon asks again later."""
    expect(_which(["library", "user"], sol), None, "arm_frame result")


@public
def test_interrupted_in_the_runtime_the_user_frame_below_is_armed(sol):
    """When the goroutine was interrupted in the runtime's own code (user <- user <- runtime), the user frame that called it is armed."""
    expect(_which(["user", "user", "runtime"], sol), 1, "index of the armed frame (0 = outermost)")


@public
def test_the_goroutine_base_is_never_armed(sol):
    """A goroutine whose first frame above the base is the runtime's code
    (runtime <- user) has no frame to arm: None.  The base frame itself is
    never armed."""
    expect(_which(["runtime", "user"], sol), None, "arm_frame result")


@hidden
def test_a_deep_stack(sol):
    """A stack of 300 user frames, then the standard library: the 300th frame (index 299) is armed."""
    expect(_which(["user"] * 300 + ["stdlib"], sol), 299, "index of the armed frame")


@hidden
def test_async_mode_preempts_the_seed_program(sol):
    """The seed's program, whose loop makes no calls, terminates under preempt="async" with your arm_frame.

    One goroutine runs `while True: i += 1`, another prints three times,
    20 ms apart, and main waits for it. The SIGURG handler asks your
    arm_frame where to arm the trace hook; the switch happens there."""
    got = run_seed({"arm_frame": sol.arm_frame}, "async", False)
    expect(got, [0, 1, 2], "what the printer printed")


@hidden
def test_a_loop_spending_its_time_in_the_library_is_preempted(sol):
    """A goroutine that spends most of its time inside json.dumps is still preempted.

    The signal mostly lands inside the standard library: arming the user
    frame that called it preempts the goroutine as soon as the call returns,
    so main, sleeping 20 ms, wakes well within a second."""
    from reference_runtime.sched import Runtime
    main = seed_namespace()["library_loop"]()
    late, count = Runtime(gomaxprocs=1, preempt="async", timeout=3,
                          parts={"arm_frame": sol.arm_frame}).run_main(main, ())
    expect(count > 0 and late < 1.0, True, f"main woke within a second (it took {late:.3f} s)")


STARTER = '''\
from reference_runtime.preempt import is_user_code   # is_user_code(code) -> bool
from reference_runtime.sched import Runtime
GOROUTINE_BASE = Runtime._worker.__code__            # the code of every goroutine's bottom frame

def arm_frame(rt, frame):
    """SIGURG interrupted the running goroutine at `frame`: the frame to arm
    the trace hook on, or None."""
    ...
'''


def _reference():
    from reference_runtime import preempt
    return {"arm_frame": preempt.arm_frame}


EXERCISE = Exercise(
    id="preempt_arm",
    notebook="07",
    number=2,
    title="Where to arm the async hook: arm_frame",
    points=8,
    provides=["arm_frame"],
    statement=(
        "Write arm_frame(rt, frame), which the SIGURG handler calls under "
        "preempt=\"async\" (Go 1.14+, runtime/preempt.go and signal_unix.go doSigPreempt, "
        "in spirit). The handler never switches goroutines itself (it may have interrupted "
        "C code holding a lock: greenlet issue #143); it arms a trace hook on one frame, "
        "and the switch happens when that frame runs its next bytecode. Which frame? The "
        "rules: "
        "(1) the armed frame is a safe point: it and every frame below it, down to the "
        "goroutine's base (f.f_code is GOROUTINE_BASE, never armed), are user code "
        "(is_user_code); "
        "(2) of those, the innermost one, so the switch comes as soon as possible: "
        "interrupted in user code, the interrupted frame itself; interrupted inside a "
        "library or the runtime, the user frame that called it, whose hook fires as soon "
        "as the call returns to it; "
        "(3) user code called back by a library does not count: above the first frame that "
        "is not user code, counting from the base, nothing is safe; "
        "(4) None when no frame qualifies (the first frame above the base is not user "
        "code): sysmon will ask again, as Go retries a signal that landed on an unsafe "
        "point; "
        "(5) the answer is the frame object itself. "
        "Tests build real stacks of user, library and runtime frames (public: one test per "
        "rule); hidden tests add a 300-frame stack and run the seed's tight-loop program "
        "and a json-bound loop under preempt=\"async\" with your arm_frame."),
    starter=STARTER,
    hints=[
        "This is safe_point (exercise 07.1) asked of every frame of the stack at once: "
        "which frames would safe_point accept, and which of them is closest to where the "
        "signal landed? Go's asyncPreempt, in runtime/preempt.go, wants the same: stop as "
        "soon as it is safe.",
        "Judging from the innermost frame outward cannot see a library frame further down; "
        "judging from the goroutine's base upward can. You will need the frames in a list "
        "first: f_back only goes one way.",
        "Stop collecting at the goroutine's base frame (code objects compare by identity), "
        "and return a frame from that list, never a copy or its code, or None.",
        "In code: `chain = []; f = frame; while f is not None and f.f_code is not "
        "GOROUTINE_BASE: chain.append(f); f = f.f_back`; then `best = None; for f in "
        "reversed(chain): if not is_user_code(f.f_code): break; best = f`; `return best`.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
)
