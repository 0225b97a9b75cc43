"""During the first test: forged result lines (no MAC, made-up
observations) on every descriptor; the run then goes on."""
import json
import os

WHEN = "first call"


def _attack():
    data = "".join(json.dumps({"event": "result", "test": n, "status": "passed",
                               "obs": [["runqget(empty P)", "0" * 32, "(None, False)"]]}) + "\n"
                   for n in CTX["tests"])
    for fd in range(0, 10):
        try:
            os.write(fd, data.encode())
        except OSError:
            pass
