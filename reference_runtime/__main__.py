"""``python -m reference_runtime prog.py``: run ``prog.main()`` like ``go run``.
``python -m reference_runtime prog.go`` runs a Go program the same way, through
the Go front end (``reference_runtime.golang``, docs/GO-FRONTEND.md).

stdout is the program's.  When main returns, the process ends at once (exit
status 0), as a Go program does: other goroutines are abandoned, not
unwound.  A panic prints Go's report on stderr (``panic: <text>``, a blank
line, ``goroutine N [running]:`` and the stack) and exits with status 2; a
fatal error (a deadlock, an unlocked mutex) prints ``fatal error: <text>``
and, for a deadlock, the blocked goroutines; also status 2.  ``sys.exit(n)``
in any goroutine exits with n, like ``os.Exit``.

Options mirror Go's environment: GOMAXPROCS=n, GODEBUG=schedtrace=ms, and
--clock, --seed, --preempt, --timeout; --trace FILE writes the run's event
trace in the Chrome trace event format (open it in Perfetto, as Go's
``go tool trace`` shows a run); --traceback go1.21 prints goroutine dumps'
``created by ... in goroutine N`` as Go 1.21+ (default: Go 1.19's).
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
    shown = 0
    for frame, line in reversed(frames):
        if os.path.abspath(frame.f_code.co_filename).startswith(runtime_dir):
            continue
        if shown == _TRACEBACK_MAX_FRAMES:
            out.append("...additional frames elided...\n")
            break
        out.append(f"{_funcname(frame)}(...)\n\t{frame.f_code.co_filename}:{line}\n")
        shown += 1
    return "".join(out)


#: Go 1.19's runtime/traceback.go prints at most this many frames of a stack
_TRACEBACK_MAX_FRAMES = 100


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


def load_go_program(path: str, seed: int | None = None):
    """Translate prog.go (reference_runtime.golang) into module ``main``; on a
    syntax error or a construct outside the subset print Go's
    ``prog.go:LINE:COL: ...`` and return exit status 2."""
    from . import golang
    try:
        mod = golang.load(path, seed=seed)
    except golang.MissingParser as e:
        sys.stderr.write(f"{e}\n")
        return 2
    except golang.GoError as e:
        sys.stderr.write(f"{e}\n")
        return 2
    except OSError as e:
        sys.stderr.write(f"open {path}: {e.strerror.lower()}\n")
        return 1
    sys.modules["main"] = mod
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
    ap.add_argument("--trace", metavar="FILE", default=None,
                    help="write the event trace as Chrome trace JSON (Perfetto, chrome://tracing)")
    ap.add_argument("--traceback", choices=("go1.19", "go1.21"), default="go1.19",
                    help="the Go version whose 'created by' line dumps print")
    args = ap.parse_args(argv)

    if runtime_module is None:
        runtime_module = api
    if args.program.endswith(".go"):     # Go source: the Go front end (golang/)
        prog = load_go_program(args.program, args.seed)
        if isinstance(prog, int):
            return prog
    else:
        prog = load_program(args.program)
    if prepare is not None:
        prepare(prog)
    rt_kwargs = dict(gomaxprocs=args.gomaxprocs, clock=args.clock, seed=args.seed,
                     preempt=args.preempt, timeout=args.timeout,
                     schedtrace=_schedtrace_from_env())
    if args.traceback != "go1.19":
        rt_kwargs["traceback"] = args.traceback
    entry = prog.main
    events: list | None = None
    saved: list = []

    def save_trace() -> None:
        """Write the event trace once (--trace), whichever way the run ended."""
        if events is not None and not saved:
            saved.append(True)
            from .trace_export import write_chrome_trace
            write_chrome_trace(events, args.trace)

    if args.trace is not None:
        events = rt_kwargs["trace"] = []

        def entry():                      # main returning exits the process at once (as
            try:                          # Go): write the trace on the way out
                return prog.main()
            finally:
                save_trace()
    sched._cli_mode = True
    try:
        runtime_module.run(entry, **rt_kwargs)
    except SystemExit as e:
        save_trace()
        sys.stdout.flush()
        code = e.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        sys.stderr.write(f"{code}\n")
        return 1
    except BaseException as exc:        # panic, fatal error, deadlock
        save_trace()
        sys.stdout.flush()
        goid = getattr(exc, "_go_goid", None) or sched.last_fatal_goid or 1
        if hasattr(prog, "_Gto_panic"):  # a Go program: Python errors as Go's runtime errors
            exc = prog._Gto_panic(exc)
        sys.stderr.write(format_panic(exc, goid))
        sys.stderr.flush()
        return 2
    save_trace()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
