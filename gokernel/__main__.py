"""python -m gokernel prog.py   run prog.main() on the learner's runtime, like `go run`
python -m gokernel progress  which parts are yours, and your points so far

The options are reference_runtime's command line's: --trace FILE writes the
run's event trace for Perfetto (reference_runtime.trace_export)."""
from __future__ import annotations

import os
import sys


def progress() -> int:
    from exercises.progress import load, workdir
    from . import parts
    data = load()
    rows = parts.status()
    total = sum(ex.points for ex, _ in rows)
    earned = 0
    print(f"Your runtime: {workdir()}\n")
    print(f"{'':2}{'exercise':8}{'id':22}{'whose':11}{'points':>8}  title")
    for ex, mine in rows:
        pts = ex.points if mine else 0
        earned += pts
        entry = data.get(ex.id, {})
        tried = f" ({entry['attempts']} attempts)" if entry.get("attempts") and not mine else ""
        print(f"  {ex.label:8}{ex.id:22}{'yours' if mine else 'reference':11}"
              f"{pts:>4}/{ex.points:<3}  {ex.title}{tried}")
    print(f"\n{earned}/{total} points.  {parts.summary()}")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["progress"]:
        return progress()
    from reference_runtime.__main__ import main as cli_main
    from . import run as gk_run
    import types
    module = types.SimpleNamespace(run=lambda m, **kw: gk_run(m, quiet=True, **kw))
    strict = os.environ.get("GOKERNEL_STRICT") == "1"
    if strict:
        from . import parts
        missing = parts.fallback()
        if missing:
            sys.stderr.write("gokernel: GOKERNEL_STRICT=1 but these parts would come from the "
                             f"reference: {', '.join(ex.id for ex in missing)}\n")
            return 3
    return cli_main(argv, runtime_module=module, prepare=use_gokernel)


def use_gokernel(prog) -> None:
    """Let a program written for reference_runtime run on the learner's
    runtime: the names it imported that differ in gokernel (channels,
    select, the module itself) are rebound to gokernel's."""
    import reference_runtime
    import gokernel
    swap = {id(reference_runtime): gokernel}
    for name in ("chan", "Chan", "select", "run"):
        swap[id(getattr(reference_runtime, name))] = getattr(gokernel, name)
    for name, value in list(vars(prog).items()):
        new = swap.get(id(value))
        if new is not None:
            setattr(prog, name, new)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
