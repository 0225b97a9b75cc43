"""Record what real Go prints for each program of the Go corpus.

    python tests/gocorpus/record.py                       # every program
    python tests/gocorpus/record.py gobyexample/select    # only these

Each ``tests/gocorpus/<source>/<name>/<name>.go`` is a public Go program,
unchanged (see LICENSE.md).  This builds it with ``go build`` and runs the
binary several times, as ``tests/corpus/record.py`` does (whose
``stderr_head`` cuts stderr the same way here and in the test), and writes
``<name>/expected.json`` from the first run.  The runs must agree once the
normalisation of ``programs.json`` is applied (``normalise`` below, the
same one the test uses): a program whose output varies in a way the
normalisation does not cover is reported, not recorded.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

GOCORPUS = Path(__file__).resolve().parent
RUNS = 5

_spec = importlib.util.spec_from_file_location("corpus_record",
                                               GOCORPUS.parent / "corpus" / "record.py")
_record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_record)
stderr_head = _record.stderr_head
HEADER = re.compile(r"^goroutine \d+ \[(.*)\]:$")


def programs() -> list[str]:
    """Every program, as "<source>/<name>"."""
    out = []
    for src in sorted(p for p in GOCORPUS.iterdir() if p.is_dir()):
        for d in sorted(p for p in src.iterdir() if p.is_dir()):
            if (d / f"{d.name}.go").is_file():
                out.append(f"{src.name}/{d.name}")
    return out


def config(name: str) -> dict:
    cfg = json.loads((GOCORPUS / "programs.json").read_text())
    return cfg.get(name, {})


def normalise(name: str, stdout: str, head: list[str]) -> tuple[list[str], list[str]]:
    """stdout's lines and stderr's head, normalised as programs.json says
    for this program ("sub": [regex, replacement, why] applied to each
    stdout line; "sorted": compare stdout's lines as a multiset), and with
    goroutine numbers blanked in the stderr head (tests/test_corpus.py's
    rule (a))."""
    cfg = config(name)
    lines = stdout.splitlines()
    for pat, repl, _why in cfg.get("sub", []):
        lines = [re.sub(pat, repl, ln) for ln in lines]
    if cfg.get("sorted"):
        lines = sorted(lines)
    h = []
    for ln in head:
        m = HEADER.match(ln)
        h.append(f"goroutine N [{m.group(1)}]:" if m else ln)
    return lines, h


def record(name: str, go: str, version: str, workdir: Path) -> dict:
    src = GOCORPUS / name / f"{name.split('/')[1]}.go"
    binary = workdir / name.replace("/", "_")
    env = _record._env()
    subprocess.run([go, "build", "-o", str(binary), str(src)], check=True, env=env,
                   cwd=src.parent)
    recs = []
    for _ in range(RUNS):
        p = subprocess.run([str(binary)], capture_output=True, text=True, timeout=120,
                           cwd=src.parent, env=env, stdin=subprocess.DEVNULL)
        recs.append({"stdout": p.stdout, "stderr_head": stderr_head(p.stderr),
                     "exit_status": p.returncode, "go_version": version})
    first = normalise(name, recs[0]["stdout"], recs[0]["stderr_head"]), recs[0]["exit_status"]
    for r in recs[1:]:
        if (normalise(name, r["stdout"], r["stderr_head"]), r["exit_status"]) != first:
            raise SystemExit(f"{name}: Go's output differs between runs beyond the "
                             f"normalisation of programs.json:\n{recs[0]}\n{r}")
    return recs[0]


def main(argv: list[str]) -> int:
    go = shutil.which("go")
    if go is None:
        print("record.py needs `go` on PATH", file=sys.stderr)
        return 1
    version = _record.go_version(go)
    names = argv or programs()
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            try:
                rec = record(name, go, version, Path(tmp))
            except subprocess.CalledProcessError as e:
                print(f"{name}: does not build with {version}: {e}", file=sys.stderr)
                continue
            except SystemExit as e:
                print(e, file=sys.stderr)
                continue
            out = GOCORPUS / name / "expected.json"
            out.write_text(json.dumps(rec, indent=2, ensure_ascii=False) + "\n")
            print(f"{name}: exit {rec['exit_status']}, {len(rec['stdout'].splitlines())} "
                  f"lines of stdout, stderr head {rec['stderr_head'][:1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
