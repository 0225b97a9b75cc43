"""The learner's work folder: one home that every command finds, from any
folder.

    ~/goroutines-course/            the home ($GOKERNEL_HOME moves it)
        00_what_you_will_build.ipynb ...   the learner's own copies of the notebooks
        .course-copies.json         the hash of each notebook as copied from the course
        my_runtime/                 the runtime they built ($GOKERNEL_WORKDIR moves it alone)
            runq.py ...             the part in use, one file per exercise passed
            manifest.json           each file's kind, functions and hash at save time
            progress.json           attempts, hints asked for, points
            .versions/runq/001.py   every version ever saved

The manifest lets ``gokernel`` find the learner's parts without importing
the grader (``exercises``), and tells a file saved by a passing exercise
(its hash matches: it passed the integration check, in a subprocess) from
one edited since by hand: that one is *vetted* — imported in a subprocess
with a time limit — before it is imported into the learner's process, so a
file that exits, calls ``os._exit``, loops or hangs at import is reported by
name and the reference runs instead.

Like Go's ``GOPATH`` (``go env GOPATH``, default ``~/go``), the default lives
in the user's home directory, and one environment variable moves it.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time

HOME_ENV = "GOKERNEL_HOME"          # the learner's home: notebooks and my_runtime/
WORKDIR_ENV = "GOKERNEL_WORKDIR"    # my_runtime/ alone (tests and scratch runs)
DEFAULT_HOME = os.path.join("~", "goroutines-course")
MANIFEST = "manifest.json"
VERSIONS = ".versions"
VET_TIMEOUT = 10.0                  # seconds for importing an edited file in a subprocess


def home() -> str:
    """The learner's home: ``$GOKERNEL_HOME``, else ``~/goroutines-course``."""
    return os.path.abspath(os.path.expanduser(os.environ.get(HOME_ENV) or DEFAULT_HOME))


def workdir() -> str:
    """The folder of the learner's runtime parts: ``$GOKERNEL_WORKDIR``, else
    ``my_runtime/`` in the home."""
    env = os.environ.get(WORKDIR_ENV)
    return os.path.abspath(os.path.expanduser(env)) if env else os.path.join(home(), "my_runtime")


def where() -> str:
    """One line naming the work folder and why it is the one used."""
    wd = workdir()
    if os.environ.get(WORKDIR_ENV):
        return f"work folder {wd} (from ${WORKDIR_ENV})"
    if os.environ.get(HOME_ENV):
        return f"work folder {wd} (from ${HOME_ENV})"
    return f"work folder {wd}"


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def write_json(path: str, data: dict, sort_keys: bool = True) -> None:
    """Write atomically (a crash never leaves half a file)."""
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=sort_keys)
        f.write("\n")
    os.replace(tmp, path)


# ------------------------------------------------------------------ manifest

def manifest_path(wd: str | None = None) -> str:
    return os.path.join(wd or workdir(), MANIFEST)


def read_manifest(wd: str | None = None) -> dict:
    """``{"course": {id: {kind, label}}, "parts": {id: {...}}}``; an empty one
    when missing.  A manifest that does not parse is moved aside (the files
    are then vetted as edited ones): it is never trusted."""
    path = manifest_path(wd)
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if not isinstance(data, dict) or not isinstance(data.get("parts", {}), dict):
            raise ValueError("not a manifest")
    except FileNotFoundError:
        return {"course": {}, "parts": {}}
    except (OSError, ValueError) as e:
        backup = f"{path}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}"
        try:
            os.replace(path, backup)
            kept = f"kept it as {backup}"
        except OSError as e2:
            kept = f"could not move it aside ({e2})"
        sys.stderr.write(f"gokernel: {path} could not be read ({type(e).__name__}: {e}); {kept}. "
                         "Your saved parts will each be checked again before use.\n")
        return {"course": {}, "parts": {}}
    data.setdefault("course", {})
    data.setdefault("parts", {})
    return data


def write_manifest(data: dict, wd: str | None = None) -> None:
    os.makedirs(wd or workdir(), exist_ok=True)
    write_json(manifest_path(wd), data, sort_keys=False)     # the course table is in course order


# ------------------------------------------------------------------ versions

def versions_dir(exercise_id: str, wd: str | None = None) -> str:
    return os.path.join(wd or workdir(), VERSIONS, exercise_id)


def versions(exercise_id: str, wd: str | None = None) -> list[int]:
    """The numbers of every saved version of a part, oldest first."""
    try:
        names = os.listdir(versions_dir(exercise_id, wd))
    except OSError:
        return []
    return sorted(int(m.group(1)) for m in map(re.compile(r"^(\d+)\.py$").match, names) if m)


def version_path(exercise_id: str, n: int, wd: str | None = None) -> str:
    return os.path.join(versions_dir(exercise_id, wd), f"{n:03d}.py")


def save_part(exercise_id: str, text: str, kind: str, provides: list[str], label: str,
              course: dict | None = None, wd: str | None = None) -> tuple[str, int]:
    """Put ``text`` in use as the part ``exercise_id`` and keep it as a new
    version; record its hash in the manifest.  Returns (path, version)."""
    wd = wd or workdir()
    os.makedirs(versions_dir(exercise_id, wd), exist_ok=True)
    n = (versions(exercise_id, wd) or [0])[-1] + 1
    with open(version_path(exercise_id, n, wd), "w", encoding="utf-8") as f:
        f.write(text)
    path = os.path.join(wd, f"{exercise_id}.py")
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    man = read_manifest(wd)
    if course:
        man["course"] = course
    man["parts"][exercise_id] = {"kind": kind, "provides": list(provides), "label": label,
                                 "sha256": sha256_file(path), "version": n,
                                 "saved": time.strftime("%Y-%m-%d %H:%M:%S")}
    write_manifest(man, wd)
    return path, n


def reset_part(exercise_id: str, wd: str | None = None) -> str:
    """Go back to the reference for a part (its versions stay); says what it did."""
    wd = wd or workdir()
    path = os.path.join(wd, f"{exercise_id}.py")
    man = read_manifest(wd)
    had = os.path.exists(path)
    if had:
        os.remove(path)
    man["parts"].pop(exercise_id, None)
    if os.path.exists(manifest_path(wd)) or had:
        write_manifest(man, wd)
    kept = versions(exercise_id, wd)
    if not had:
        return (f"{exercise_id}: already the reference runtime's (no my_runtime/{exercise_id}.py)."
                + (f" {len(kept)} saved version(s) in {versions_dir(exercise_id, wd)}." if kept else ""))
    return (f"{exercise_id}: removed {path}; gokernel now runs the reference runtime's code for "
            f"this part. Your {len(kept)} saved version(s) stay in {versions_dir(exercise_id, wd)} "
            f"(python -m gokernel restore {exercise_id} N).")


def restore_part(exercise_id: str, n: int | None = None, kind: str = "", provides=(),
                 label: str = "", wd: str | None = None) -> str:
    """Put saved version ``n`` (default: the one before the version in use,
    or the latest when none is in use) back in use; says what it did.
    Raises ValueError (with the versions there are) when there is none."""
    wd = wd or workdir()
    have = versions(exercise_id, wd)
    if not have:
        raise ValueError(f"{exercise_id}: no saved versions in {versions_dir(exercise_id, wd)}")
    man = read_manifest(wd)
    entry = man["parts"].get(exercise_id)
    current = entry.get("version") if entry and os.path.exists(os.path.join(wd, f"{exercise_id}.py")) else None
    if n is None:
        older = [v for v in have if current is not None and v < current]
        n = older[-1] if older else have[-1] if current is None else None
        if n is None:
            raise ValueError(f"{exercise_id}: version {current} is in use and is the oldest; "
                             f"versions: {', '.join(map(str, have))}")
    if n not in have:
        raise ValueError(f"{exercise_id}: no version {n}; versions: {', '.join(map(str, have))}")
    src = version_path(exercise_id, n, wd)
    path = os.path.join(wd, f"{exercise_id}.py")
    shutil.copyfile(src, path)
    entry = dict(entry or {})
    entry.update({"version": n, "sha256": sha256_file(path),
                  "saved": time.strftime("%Y-%m-%d %H:%M:%S")})
    if kind:
        entry["kind"] = kind
    if provides:
        entry["provides"] = list(provides)
    if label:
        entry["label"] = label
    entry.pop("vetted", None)
    entry.pop("rejected", None)
    man["parts"][exercise_id] = entry
    write_manifest(man, wd)
    return (f"{exercise_id}: version {n} of {len(have)} ({src}) is in use again as {path}"
            + (f" (it replaced version {current})." if current else "."))


# ------------------------------------------------------------------ vetting

_VET = r"""
import sys
sys.path[:] = [p for p in sys.path if p not in ("", ".")]   # my_runtime/select.py is not select
import importlib.util, json, os
path, names = sys.argv[1], json.loads(sys.argv[2])
spec = importlib.util.spec_from_file_location("my_runtime._vet", path)
mod = importlib.util.module_from_spec(spec)
try:
    spec.loader.exec_module(mod)
except BaseException as e:
    sys.stdout.write("\x00" + json.dumps(f"{type(e).__name__}: {e}"[:300]) + "\n")
    sys.stdout.flush()
    os._exit(0)
missing = [n for n in names if not callable(getattr(mod, n, None))]
sys.stdout.write("\x00" + json.dumps(f"it does not define {', '.join(missing)}" if missing else "") + "\n")
sys.stdout.flush()
os._exit(0)
"""


def vet(path: str, provides: list[str], timeout: float | None = None) -> str:
    """Import a file in a fresh Python process with a time limit (default
    ``VET_TIMEOUT``); "" if it loads and defines ``provides``, else what went
    wrong, in a few words."""
    timeout = VET_TIMEOUT if timeout is None else timeout
    try:
        p = subprocess.run([sys.executable, "-c", _VET, path, json.dumps(list(provides))],
                           capture_output=True, text=True, timeout=timeout,
                           cwd=os.path.dirname(path), stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return f"importing it did not finish within {timeout:g} s (a loop or a wait at import?)"
    for line in reversed(p.stdout.splitlines()):
        if line.startswith("\x00"):
            return json.loads(line[1:])
    why = f"exit status {p.returncode}" if p.returncode >= 0 else f"signal {-p.returncode}"
    return f"importing it ended the process ({why}: sys.exit or os._exit at import?)"
