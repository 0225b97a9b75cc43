"""Only installed packages count as library code, breaking 'the standard library and this runtime are not user code either'."""
from reference_runtime.preempt import is_user_code   # is_user_code(code) -> bool
from reference_runtime.sched import Runtime
GOROUTINE_BASE = Runtime._worker.__code__            # the code of every goroutine's bottom frame

def safe_point(rt, frame):
    f = frame
    while f is not None:
        if f.f_code is GOROUTINE_BASE:
            return True          # the goroutine's base: everything above it was user code
        if "-packages" in f.f_code.co_filename:
            return False         # runtime, standard library or a package: may hold a lock
        f = f.f_back
    return True
