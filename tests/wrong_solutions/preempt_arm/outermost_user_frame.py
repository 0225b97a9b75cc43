"""Returns the first frame that counted, breaking 'the innermost safe frame is armed' (the switch would come late)."""
from reference_runtime.preempt import is_user_code   # is_user_code(code) -> bool
from reference_runtime.sched import Runtime
GOROUTINE_BASE = Runtime._worker.__code__            # the code of every goroutine's bottom frame

def arm_frame(rt, frame):
    chain = []                     # the goroutine's frames, innermost first
    f = frame
    while f is not None and f.f_code is not GOROUTINE_BASE:
        chain.append(f)
        f = f.f_back
    best = None
    for f in reversed(chain):      # from the goroutine's base upward
        if not is_user_code(f.f_code):
            break                  # everything above may run under a library's lock
        if best is None:
            best = f
    return best
