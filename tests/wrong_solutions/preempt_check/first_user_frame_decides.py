"""The first user frame found answers True, breaking 'every frame below must be user code, however deep'."""
from reference_runtime.preempt import is_user_code   # is_user_code(code) -> bool
from reference_runtime.sched import Runtime
GOROUTINE_BASE = Runtime._worker.__code__            # the code of every goroutine's bottom frame

def safe_point(rt, frame):
    f = frame
    while f is not None:
        if f.f_code is GOROUTINE_BASE:
            return True          # the goroutine's base: everything above it was user code
        if not is_user_code(f.f_code):
            return False         # runtime, standard library or a package: may hold a lock
        if is_user_code(f.f_code):
            return True
        f = f.f_back
    return True
