"""The goroutine's base frame is collected too, breaking 'the walk ends at GOROUTINE_BASE, which is never judged' (nothing is ever armed)."""
from reference_runtime.preempt import is_user_code   # is_user_code(code) -> bool
from reference_runtime.sched import Runtime
GOROUTINE_BASE = Runtime._worker.__code__            # the code of every goroutine's bottom frame

def arm_frame(rt, frame):
    chain = []                     # the goroutine's frames, innermost first
    f = frame
    while f is not None:
        chain.append(f)
        f = f.f_back
    best = None
    for f in reversed(chain):      # from the goroutine's base upward
        if not is_user_code(f.f_code):
            break                  # everything above may run under a library's lock
        best = f
    return best
