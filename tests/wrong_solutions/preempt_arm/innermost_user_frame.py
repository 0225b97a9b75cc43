"""Walks from the interrupted frame outward and arms the first user frame, breaking 'user code called back by a library does not count'."""
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
    for f in chain:                # from the interrupted frame outward
        if is_user_code(f.f_code):
            return f
    return best
