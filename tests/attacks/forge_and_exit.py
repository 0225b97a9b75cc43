"""Forged result lines for every test (with and without a made-up MAC, with
made-up observations), on every file descriptor and on sys.__stdout__,
then os._exit(0) — at import, before any test runs."""
import json
import os
import sys

WHEN = "import"


def _attack():
    lines = [{"event": "setup", "status": "ok"}]
    for name in CTX["tests"]:
        lines.append({"event": "start", "test": name})
        lines.append({"event": "result", "test": name, "status": "passed",
                      "obs": [["x", "0" * 32, "x"]], "mac": "0" * 64})
        lines.append({"event": "result", "test": name, "status": "passed"})
    lines.append({"event": "done"})
    data = "".join(json.dumps(x) + "\n" for x in lines)
    for fd in range(0, 10):
        try:
            os.write(fd, data.encode())
        except OSError:
            pass
    sys.__stdout__.write(data)
    sys.__stdout__.flush()
    os._exit(0)
