"""Double fork and setsid: a daemon (named by /proc/self/comm) that waits
for the grader to finish and then rewrites files of the grader's."""
import os
import time

WHEN = "first call"


def _attack():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            with open("/proc/self/comm", "w") as f:
                f.write(CTX["marker"])
            os.write(w, b"up")
            os.close(w)
            end = time.monotonic() + 60
            while time.monotonic() < end:
                for path in CTX["write"]:
                    try:
                        with open(path, "w") as f:
                            f.write("learner,999\n")
                    except OSError:
                        pass
                time.sleep(0.05)
        os._exit(0)
    os.close(w)
    os.waitpid(pid, 0)
    print("daemon running" if os.read(r, 2) == b"up" else "daemon did not start")
