"""The learner's commands (the work folder is the same from every directory:
see ``gokernel.workfolder``):

python -m gokernel lab [--dry-run] [jupyter options]
                             copy/update the notebooks into your course folder, open JupyterLab there
python -m gokernel prog.py   run prog.main() on your runtime, like `go run`
python -m gokernel prog.go   run a Go program on it (reference_runtime.golang translates it)
python -m gokernel progress  which parts are yours, and your points so far
python -m gokernel reset ID  go back to the reference runtime for one part
python -m gokernel restore ID [N]
                             put an earlier saved version of a part back in use
python -m gokernel where     which work folder and runtime the commands use

A program's options are reference_runtime's command line's: --trace FILE writes
the run's event trace for Perfetto (reference_runtime.trace_export).
"""
from __future__ import annotations

import os
import sys

USAGE = __doc__.split("\n\n", 1)[1]


def _runtime_line() -> str:
    from . import parts, workfolder
    return f"{parts.summary()} ({workfolder.where()})"


def progress() -> int:
    from exercises.core import registry
    from exercises.progress import course_table, load
    from . import parts, workfolder
    data = load()
    reg = registry()
    mine = dict((p.id, m) for p, m in parts.status())
    why = workfolder.where().partition(" (")[2].rstrip(")")
    print(f"Your runtime: {workfolder.workdir()}" + (f" ({why})" if why else ""))
    print(f"Your notebooks: {workfolder.home()} (python -m gokernel lab)\n")
    print(f"{'':2}{'exercise':10}{'id':22}{'whose':11}{'points':>8}  title")
    total = earned = 0
    for ex in reg.values():
        is_mine = mine.get(ex.id, False)
        pts = ex.points if is_mine else 0
        total += ex.points
        earned += pts
        entry = data.get(ex.id, {})
        tried = f" ({entry['attempts']} attempts)" if entry.get("attempts") and not is_mine else ""
        print(f"  {ex.label:10}{ex.id:22}{'yours' if is_mine else 'reference':11}"
              f"{pts:>4}/{ex.points:<3}  {ex.title}{tried}")
    print(f"\n{earned}/{total} points.  {parts.summary()}")
    for line in parts.problems():
        print("  " + line)
    # keep the manifest's table of the course current (a course update adds exercises)
    man = workfolder.read_manifest()
    if man["parts"] and man["course"] != course_table():
        man["course"] = course_table()
        workfolder.write_manifest(man)
    return 0


def _exercise(ex_id: str):
    from exercises.core import registry
    reg = registry()
    if ex_id not in reg:
        print(f"no exercise {ex_id!r}; known: {', '.join(reg)}", file=sys.stderr)
        return None
    return reg[ex_id]


def reset(argv: list[str]) -> int:
    from . import workfolder
    if len(argv) != 1:
        print("usage: python -m gokernel reset ID", file=sys.stderr)
        return 2
    ex = _exercise(argv[0])
    if ex is None:
        return 2
    print(workfolder.reset_part(ex.id))
    return 0


def restore(argv: list[str]) -> int:
    from . import workfolder
    if len(argv) not in (1, 2) or (len(argv) == 2 and not argv[1].isdigit()):
        print("usage: python -m gokernel restore ID [N]", file=sys.stderr)
        return 2
    ex = _exercise(argv[0])
    if ex is None:
        return 2
    try:
        print(workfolder.restore_part(ex.id, int(argv[1]) if len(argv) == 2 else None,
                                      kind=ex.kind, provides=ex.provides, label=ex.label))
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    cmd = argv[:1]
    if cmd == ["progress"]:
        return progress()
    if cmd == ["reset"]:
        return reset(argv[1:])
    if cmd == ["restore"]:
        return restore(argv[1:])
    if cmd == ["lab"]:
        from . import lab
        return lab.main(argv[1:])
    if cmd == ["where"]:
        print(_runtime_line())
        return 0
    if cmd in (["-h"], ["--help"], ["help"]) or not argv:
        print(USAGE)
        return 0
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
    if sys.stderr.isatty():
        # say whose runtime this is; only on a terminal, so that stderr stays
        # exactly Go's when it is compared or piped (`python -m gokernel where` any time)
        sys.stderr.write(_runtime_line() + "\n")
        sys.stderr.flush()
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
