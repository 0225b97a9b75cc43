"""Record what real Go prints for each program of the corpus.

    python tests/corpus/record.py              # every program
    python tests/corpus/record.py sleep_order  # only these

For each ``tests/corpus/<name>/prog.go``: build it with ``go build`` and run
the binary (not ``go run``, which adds its own "exit status N" line to
stderr), several times, checking that the runs agree; then write
``<name>/expected.json``:

    stdout       the program's whole stdout
    stderr_head  the lines of stderr that a Python port can match (see
                 ``stderr_head``): Go's source paths and stack lines cannot
    exit_status  the process's exit status (2 for a panic or fatal error)
    go_version   the Go that made the recording

This script documents how the data was made; ``tests/test_corpus.py`` only
reads the JSON files and does not need Go.  It also imports ``stderr_head``
from here, so that the recording and the runtime's output are cut the same
way.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
RUNS = 5            # each binary runs this many times; the runs must agree

GOROUTINE_HEADER = re.compile(r"^goroutine \d+ \[.*\]:$")


def stderr_head(stderr: str) -> list[str]:
    """The comparable head of a panic or fatal-error report.

    The first paragraph (``panic: ...`` with any nested ``\\tpanic: ...``
    lines, or ``fatal error: ...``), then, if any goroutine is listed, one
    blank line and every ``goroutine N [reason]:`` header in the order
    printed.  Frames, source paths, ``created by`` lines and the blank lines
    between goroutine blocks are dropped.  Empty stderr gives ``[]``.
    """
    lines = stderr.splitlines()
    head: list[str] = []
    i = 0
    while i < len(lines) and lines[i].strip() != "":
        head.append(lines[i])
        i += 1
    headers = [ln for ln in lines[i:] if GOROUTINE_HEADER.match(ln)]
    if headers:
        head.append("")
        head.extend(headers)
    return head


def go_version(go: str) -> str:
    out = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def _env() -> dict:
    env = dict(os.environ)
    for k in ("GODEBUG", "GOTRACEBACK", "GOMAXPROCS"):
        env.pop(k, None)
    return env


def _comparable(rec: dict) -> tuple:
    """A run's record with goroutine numbers blanked, to compare runs."""
    head = [re.sub(r"^goroutine \d+ \[", "goroutine N [", ln) for ln in rec["stderr_head"]]
    return rec["stdout"], tuple(head), rec["exit_status"]


def record(name: str, go: str, version: str, workdir: Path) -> dict:
    src = CORPUS / name / "prog.go"
    binary = workdir / name
    subprocess.run([go, "build", "-o", str(binary), str(src)], check=True, env=_env())
    recs = []
    for _ in range(RUNS):
        p = subprocess.run([str(binary)], capture_output=True, text=True, timeout=60,
                           cwd=src.parent, env=_env())
        recs.append({"stdout": p.stdout, "stderr_head": stderr_head(p.stderr),
                     "exit_status": p.returncode, "go_version": version})
    first = _comparable(recs[0])
    for r in recs[1:]:
        if _comparable(r) != first:
            raise SystemExit(f"{name}: Go's output differs between runs; the program is "
                             f"not deterministic:\n{recs[0]}\n{r}")
    return recs[0]


def main(argv: list[str]) -> int:
    go = shutil.which("go")
    if go is None:
        print("record.py needs `go` on PATH", file=sys.stderr)
        return 1
    version = go_version(go)
    names = argv or sorted(d.name for d in CORPUS.iterdir() if (d / "prog.go").is_file())
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            rec = record(name, go, version, Path(tmp))
            out = CORPUS / name / "expected.json"
            out.write_text(json.dumps(rec, indent=2) + "\n")
            print(f"{name}: exit {rec['exit_status']}, {len(rec['stdout'].splitlines())} "
                  f"lines of stdout, stderr head {rec['stderr_head'][:1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
