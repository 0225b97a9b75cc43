"""``python -m reference_runtime prog.py``: run ``prog.main()`` like ``go run``.

stdout is the program's.  When main returns, the process ends at once (exit
status 0), as a Go program does: other goroutines are abandoned, not
unwound.  A panic prints Go's report on stderr (``panic: <text>``, a blank
line, ``goroutine N [running]:`` and the stack) and exits with status 2; a
fatal error (a deadlock, an unlocked mutex) prints ``fatal error: <text>``
and, for a deadlock, the blocked goroutines; also status 2.  ``sys.exit(n)``
in any goroutine exits with n, like ``os.Exit``.

Options mirror Go's environment: GOMAXPROCS=n, GODEBUG=schedtrace=ms, and
--clock, --seed, --preempt, --timeout.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys

from . import api, sched
from .errors import Deadlock, panic_head
from .trace import _funcname


def format_panic(exc: BaseException, goid: int) -> str:
    """Go's panic report for an exception that escaped goroutine `goid`:
    ``errors.panic_head`` (computed on the crashing goroutine when the
    runtime could, see ``Runtime._crash``), then the goroutine's stack."""
    head = getattr(exc, "_go_panic_head", None) or panic_head(exc)
    if isinstance(exc, Deadlock):
        return head
    out = [head, f"\ngoroutine {goid} [running]:\n"]
    tb = exc.__traceback__
    frames = []
    while tb is not None:
        frames.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    runtime_dir = os.path.dirname(os.path.abspath(__file__)) + os.sep
    for frame, line in reversed(frames):
        if os.path.abspath(frame.f_code.co_filename).startswith(runtime_dir):
            continue
        out.append(f"{_funcname(frame)}(...)\n\t{frame.f_code.co_filename}:{line}\n")
    return "".join(out)


def load_program(path: str):
    """Import prog.py as module ``main`` (so its functions print as
    ``main.main``, as in Go), without running its ``__main__`` block."""
    spec = importlib.util.spec_from_file_location("main", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["main"] = mod
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec.loader.exec_module(mod)
    if not callable(getattr(mod, "main", None)):
        raise SystemExit(f"{path}: function main is undeclared in the main package")
    return mod


def _schedtrace_from_env() -> float | None:
    for item in os.environ.get("GODEBUG", "").split(","):
        k, _, v = item.partition("=")
        if k.strip() == "schedtrace" and v.strip().isdigit() and int(v) > 0:
            return float(v)
    return None


def main(argv: list[str] | None = None, runtime_module=None, prepare=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m reference_runtime",
                                 description="Run prog.main() on the goroutine runtime, like `go run`.")
    ap.add_argument("program")
    ap.add_argument("--clock", choices=("real", "virtual"), default="real")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--preempt", choices=("off", "calls", "async"), default="async")
    ap.add_argument("--gomaxprocs", type=int, default=None)
    ap.add_argument("--timeout", type=float, default=None)
    args = ap.parse_args(argv)

    if runtime_module is None:
        runtime_module = api
    prog = load_program(args.program)
    if prepare is not None:
        prepare(prog)
    rt_kwargs = dict(gomaxprocs=args.gomaxprocs, clock=args.clock, seed=args.seed,
                     preempt=args.preempt, timeout=args.timeout,
                     schedtrace=_schedtrace_from_env())
    sched._cli_mode = True
    try:
        runtime_module.run(prog.main, **rt_kwargs)
    except SystemExit as e:
        sys.stdout.flush()
        code = e.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        sys.stderr.write(f"{code}\n")
        return 1
    except BaseException as exc:        # panic, fatal error, deadlock
        sys.stdout.flush()
        goid = getattr(exc, "_go_goid", None) or sched.last_fatal_goid or 1
        sys.stderr.write(format_panic(exc, goid))
        sys.stderr.flush()
        return 2
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
