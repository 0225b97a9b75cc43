"""``python -m gokernel lab``: the learner's own copy of the notebooks, kept
up to date with the course, then JupyterLab on it.

The course's notebooks (``course/*.ipynb``) are never opened in place: the
learner works on copies in their home (``~/goroutines-course/``, see
``gokernel.workfolder``), so JupyterLab's autosave never writes answers into
the course's files and a course update never conflicts with them.

Each run brings the copies up to date the way nbgitpuller does for
JupyterHub classes ("never eat the student's homework"):

- a notebook the learner does not have (new in the course, or deleted by
  them to start over) is copied in;
- a copy the learner has not modified (its cells' sources are those it was
  copied with; outputs do not count) is replaced by the course's new
  version;
- a copy the learner worked in is never touched: the course's new version is
  put beside it (``NN_topic.updated-YYYY-MM-DD.ipynb``) and the command says so;
- a file of the learner's that happens to have a new notebook's name is
  kept, renamed ``NN_topic.mine-YYYY-MM-DD.ipynb``, and the course's copied in.

``.course-copies.json`` in the home records, per notebook, the hash of the
sources as copied.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time

from . import workfolder

RECORD = ".course-copies.json"


def course_dir() -> str:
    """The course's notebooks (``course/`` of the project)."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "course")


def sources_hash(path: str) -> str:
    """A hash of a notebook's cells (type and source): what the learner
    wrote, not what running it printed.  A file that is not a notebook
    hashes as bytes."""
    with open(path, "rb") as f:
        raw = f.read()
    try:
        nb = json.loads(raw)
        cells = [(c.get("cell_type"), "".join(c.get("source", "")) if isinstance(c.get("source"), list)
                  else c.get("source", "")) for c in nb["cells"]]
        raw = json.dumps(cells).encode()
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    return hashlib.sha256(raw).hexdigest()


def _beside(path: str, tag: str) -> str:
    stem = path[:-len(".ipynb")]
    day = time.strftime("%Y-%m-%d")
    cand = f"{stem}.{tag}-{day}.ipynb"
    k = 2
    while os.path.exists(cand):
        cand = f"{stem}.{tag}-{day}-{k}.ipynb"
        k += 1
    return cand


def sync(home: str | None = None, course: str | None = None) -> list[str]:
    """Bring the learner's copies up to date with the course; one line per
    notebook that was copied, updated, or left alone with the update beside
    it (nothing for copies already current)."""
    home = home or workfolder.home()
    course = course or course_dir()
    os.makedirs(home, exist_ok=True)
    rec_path = os.path.join(home, RECORD)
    try:
        with open(rec_path, encoding="utf-8") as f:
            record = json.load(f)
        if not isinstance(record, dict):
            raise ValueError
    except FileNotFoundError:
        record = {}
    except (OSError, ValueError):
        record = {}
        shutil.copyfile(rec_path, f"{rec_path}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    notes = []
    names = sorted(n for n in os.listdir(course) if n.endswith(".ipynb"))
    for name in names:
        src = os.path.join(course, name)
        dst = os.path.join(home, name)
        new = sources_hash(src)
        known = record.get(name)
        if not os.path.exists(dst):
            shutil.copyfile(src, dst)
            notes.append(f"copied {name}" + (" (you had deleted it: a fresh copy)" if known else ""))
        elif known is None:
            if sources_hash(dst) == new:
                pass                        # already the course's (copied by hand)
            else:
                kept = _beside(dst, "mine")
                os.replace(dst, kept)
                shutil.copyfile(src, dst)
                notes.append(f"copied {name}; your own file of that name is now "
                             f"{os.path.basename(kept)}")
        elif known == new:
            continue                        # the course did not change it
        elif sources_hash(dst) == known:
            shutil.copyfile(src, dst)       # not modified by the learner: update in place
            notes.append(f"updated {name} (the course changed it; you had not)")
        else:
            up = _beside(dst, "updated")
            shutil.copyfile(src, up)
            notes.append(f"kept your {name} (you worked in it); the course's new version is "
                         f"beside it: {os.path.basename(up)}")
        record[name] = new
    workfolder.write_json(rec_path, record)
    return notes


def bring_earlier_work(workdir: str | None = None, course: str | None = None) -> str:
    """Before the course had a home, the work folder was ``course/my_runtime``
    in the project: copy it into the home's (once, when the home has none).
    Its files, listed in no manifest, are checked before first use."""
    workdir = workdir or workfolder.workdir()
    old = os.path.join(course or course_dir(), "my_runtime")
    if os.path.exists(workdir) or not os.path.isdir(old):
        return ""
    if not any(n.endswith(".py") or n == "progress.json" for n in os.listdir(old)):
        return ""
    shutil.copytree(old, workdir)
    stale = os.path.join(workdir, workfolder.MANIFEST)
    if os.path.exists(stale):
        os.remove(stale)            # its hashes were never checked by this version: recheck all
    return f"brought your earlier work from {old} into {workdir} (the old folder is left as it was)"


def command(home: str, extra: list[str]) -> list[str]:
    """The JupyterLab command: rooted at the home; ``--allow-root`` when
    running as root (a container), which JupyterLab otherwise refuses."""
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={home}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        cmd.append("--allow-root")
    return cmd + list(extra)


def main(argv: list[str]) -> int:
    """``lab [--dry-run] [jupyter lab options...]``."""
    if argv[:1] in (["-h"], ["--help"]):
        print("usage: python -m gokernel lab [--dry-run] [jupyter lab options...]\n\n"
              "Copies the course's notebooks into your course folder (the first time;\n"
              "later: new notebooks, and updates of the copies you have not changed),\n"
              f"then opens JupyterLab there. Your course folder: {workfolder.home()}\n"
              "--dry-run prints the JupyterLab command instead of running it;\n"
              "`jupyter lab --help` lists JupyterLab's own options.")
        return 0
    dry = "--dry-run" in argv
    extra = [a for a in argv if a != "--dry-run"]
    home = workfolder.home()
    if not os.path.isdir(course_dir()):
        print(f"gokernel lab: the course's notebooks are not at {course_dir()}; install the "
              "course from its repository (python -m pip install -e \".[course]\").",
              file=sys.stderr)
        return 2
    print(f"Your course folder: {home} (notebooks, and your runtime in {workfolder.workdir()})")
    if not os.environ.get(workfolder.WORKDIR_ENV):
        moved = bring_earlier_work()
        if moved:
            print("  " + moved)
    for line in sync(home):
        print("  " + line)
    cmd = command(home, extra)
    if dry:
        print("would run: " + " ".join(cmd))
        return 0
    sys.stdout.flush()
    os.chdir(home)
    os.execv(cmd[0], cmd)
    return 0          # not reached
