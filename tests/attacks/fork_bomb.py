"""Fork as many processes as allowed (bounded, for safety, at CTX["forks"]),
each one waiting for ever; report how many it got."""
import os

WHEN = "first call"


def _attack():
    r, w = os.pipe()
    n, why = 0, "no limit hit"
    for _ in range(CTX["forks"]):
        try:
            pid = os.fork()
        except OSError as e:
            why = type(e).__name__
            break
        if pid == 0:
            with open("/proc/self/comm", "w") as f:
                f.write(CTX["marker"])
            os.close(w)
            os.read(r, 1)
            os._exit(0)
        n += 1
    print(f"FORKS {n} ({why})")
