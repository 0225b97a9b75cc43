"""``%%go``: run a cell of Go on the learner's runtime (``%load_ext gokernel.gocell``).

    %%go --preempt calls --timeout 3
    package main
    ...

The cell is a whole ``package main`` program.  It is translated by the Go
front end (``reference_runtime.golang``, docs/GO-FRONTEND.md) and run with
``gokernel.run``: the parts of the runtime the learner has built are the
ones scheduling it, as for ``python -m gokernel prog.go``.  stdout is the
program's; a panic, fatal error or deadlock prints Go's report on stderr,
as ``go run`` does (with ``exit status 2``), and the kernel lives on.

Options (those of ``python -m gokernel``): ``--gomaxprocs N``,
``--preempt off|calls|async``, ``--clock real|virtual``, ``--seed N``,
``--timeout S`` (default 30: a program that never ends is stopped and the
goroutine that was running is named), ``--trace`` (draw the scheduling
timeline of the run, ``gokernel.views.timeline``), ``--runtime reference``
(the reference runtime instead of the learner's), and ``--compare``: also
run the cell with real Go when ``go`` is on PATH, and show both outputs
side by side.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

DEFAULT_TIMEOUT = 30.0


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="%%go", add_help=False)
    ap.add_argument("--gomaxprocs", type=int, default=None)
    ap.add_argument("--preempt", choices=("off", "calls", "async"), default="async")
    ap.add_argument("--clock", choices=("real", "virtual"), default="real")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    ap.add_argument("--trace", action="store_true")
    ap.add_argument("--compare", action="store_true")
    ap.add_argument("--runtime", choices=("gokernel", "reference"), default="gokernel")
    return ap


def run_go_source(source: str, *, gomaxprocs: int | None = None, preempt: str = "async",
                  clock: str = "real", seed: int | None = None,
                  timeout: float | None = DEFAULT_TIMEOUT, trace: list | None = None,
                  runtime: str = "gokernel", filename: str = "cell.go") -> int:
    """Run Go source like ``go run``, in this process; returns the exit
    status.  Output goes to sys.stdout / sys.stderr."""
    limit = sys.getrecursionlimit()
    try:
        return _run_go_source(source, gomaxprocs=gomaxprocs, preempt=preempt, clock=clock,
                              seed=seed, timeout=timeout, trace=trace, runtime=runtime,
                              filename=filename)
    finally:
        # a Go program may recurse far deeper than Python's default allows
        # (golang.load_source raises the limit); the kernel's own code gets
        # its usual limit back, and with it RecursionError before a crash
        sys.setrecursionlimit(limit)


def _run_go_source(source: str, *, gomaxprocs, preempt, clock, seed, timeout, trace,
                   runtime, filename) -> int:
    from reference_runtime import golang, sched
    from reference_runtime.__main__ import format_panic
    from reference_runtime.errors import RunTimeout
    import reference_runtime
    try:
        if runtime == "reference":
            mod = golang.load_source(source, filename, runtime=reference_runtime)
            runner = reference_runtime.run
        else:
            import gokernel
            from gokernel.__main__ import use_gokernel
            mod = golang.load_source(source, filename, runtime=reference_runtime)
            use_gokernel(mod)             # the learner's channels and select
            runner = lambda m, **kw: gokernel.run(m, quiet=True, **kw)   # noqa: E731
    except (golang.GoError, golang.MissingParser) as e:
        sys.stderr.write(f"{e}\n")
        return 2
    try:
        runner(mod.main, gomaxprocs=gomaxprocs, preempt=preempt, clock=clock, seed=seed,
               timeout=timeout, trace=trace)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        sys.stdout.flush()
        if code:
            sys.stderr.write(f"exit status {code}\n")
        return code
    except RunTimeout as e:
        sys.stdout.flush()
        sys.stderr.write(f"stopped after --timeout {timeout:g} s: {e}\n")
        return 2
    except BaseException as exc:          # panic, fatal error, deadlock
        if isinstance(exc, KeyboardInterrupt):
            raise
        sys.stdout.flush()
        goid = getattr(exc, "_go_goid", None) or sched.last_fatal_goid or 1
        exc = mod._Gto_panic(exc)
        sys.stderr.write(format_panic(exc, goid))
        sys.stderr.write("exit status 2\n")
        return 2
    return 0


def run_real_go(source: str, timeout: float = 60.0) -> tuple[str, str, int] | None:
    """(stdout, stderr, exit status) of ``go run`` on the source, or None
    when ``go`` is not on PATH."""
    go = shutil.which("go")
    if go is None:
        return None
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "cell.go")
        with open(path, "w") as f:
            f.write(source)
        env = dict(os.environ, GO111MODULE="off", GOFLAGS="")
        try:
            p = subprocess.run([go, "run", path], capture_output=True, text=True,
                               timeout=timeout, cwd=d, env=env)
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            return out, f"(go run stopped after {timeout:g} s)\n", -1
        return p.stdout, p.stderr.replace(path, "cell.go"), p.returncode


def side_by_side(left_title: str, left: str, right_title: str, right: str) -> str:
    """Two texts in columns, for --compare."""
    a, b = left.splitlines(), right.splitlines()
    width = max([len(left_title)] + [len(x) for x in a]) + 2
    rows = [f"{left_title:<{width}}| {right_title}", f"{'-' * width}+{'-' * (len(right_title) + 1)}"]
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else ""
        y = b[i] if i < len(b) else ""
        rows.append(f"{x:<{width}}| {y}")
    return "\n".join(rows) + "\n"


def go(line: str, cell: str) -> None:
    """The %%go cell magic (see the module's docstring)."""
    try:
        args = _parser().parse_args(shlex.split(line))
    except SystemExit:
        print(_parser().format_usage(), file=sys.stderr)
        return
    events: list | None = [] if args.trace else None
    kw = dict(gomaxprocs=args.gomaxprocs, preempt=args.preempt, clock=args.clock,
              seed=args.seed, timeout=args.timeout, trace=events, runtime=args.runtime)
    if not args.compare:
        run_go_source(cell, **kw)
    else:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run_go_source(cell, **kw)
        ours = out.getvalue() + err.getvalue()
        real = run_real_go(cell)
        title = "your runtime" if args.runtime == "gokernel" else "reference runtime"
        if real is None:
            sys.stdout.write(ours)
            print("(--compare: `go` is not on PATH, so only this runtime ran)", file=sys.stderr)
        else:
            gout, gerr, gcode = real
            sys.stdout.write(side_by_side(f"{title} (exit {code})", ours,
                                          f"go run (exit {gcode})", gout + gerr))
    if events is not None:
        from .views import timeline
        timeline(events, title="%%go --trace")


def load_ipython_extension(ipython) -> None:
    """``%load_ext gokernel.gocell`` registers ``%%go``."""
    ipython.register_magic_function(go, magic_kind="cell", magic_name="go")
