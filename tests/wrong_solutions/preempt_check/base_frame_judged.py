"""The walk does not stop at the goroutine's base, breaking 'the base frame (GOROUTINE_BASE) ends the walk and is not judged' (nothing is ever safe)."""
from reference_runtime.preempt import is_user_code   # is_user_code(code) -> bool
from reference_runtime.sched import Runtime
GOROUTINE_BASE = Runtime._worker.__code__            # the code of every goroutine's bottom frame

def safe_point(rt, frame):
    f = frame
    while f is not None:
        if not is_user_code(f.f_code):
            return False         # runtime, standard library or a package: may hold a lock
        f = f.f_back
    return True
