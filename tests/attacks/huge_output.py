"""1 GiB on stderr, then 64 MiB on every other descriptor (the runner's
signed channel among them) and through print."""
import os

WHEN = "first call"


def _attack():
    block = b"x" * (1 << 20)
    for _ in range(1024):
        try:
            os.write(2, block)
        except OSError:
            break
    for fd in (0, 1, 3, 4, 5, 6, 7, 8, 9):
        for _ in range(64):
            try:
                os.write(fd, block)
            except OSError:
                break
    for _ in range(64):
        print("y" * (1 << 20))
