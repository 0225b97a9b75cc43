"""Only the frame and its caller are judged, breaking 'a frame that is not user code makes it unsafe however deep it is'."""
from reference_runtime.preempt import is_user_code   # is_user_code(code) -> bool
from reference_runtime.sched import Runtime
GOROUTINE_BASE = Runtime._worker.__code__            # the code of every goroutine's bottom frame

def safe_point(rt, frame):
    f = frame
    depth = 0
    while f is not None and depth < 2:
        depth += 1
        if f.f_code is GOROUTINE_BASE:
            return True          # the goroutine's base: everything above it was user code
        if not is_user_code(f.f_code):
            return False         # runtime, standard library or a package: may hold a lock
        f = f.f_back
    return True
