"""The instructor's side: grade a folder of submissions into a CSV of points
per exercise and one feedback file per learner.

Not a Go mechanism (nothing in Go's runtime grades anything): this is the
course's batch grader.  In short:

* A submission is a folder per learner.  An exercise is graded from the
  learner's saved ``my_runtime/<id>.py`` if there is one (what their
  notebooks saved on a pass, and what their runtime runs), else from the
  last ``%%exercise <id>`` cell in their notebooks that is not the starter
  code.  Any other file named like an exercise (a stray older copy) never
  counts.  The feedback says which file was graded.
* Any folder grades.  Files are read without following links out of the
  learner's folder (a link to another learner's work earns nothing), never
  opened unless they are regular files (a FIFO or a device is named, not
  read), read up to a bound, decoded whatever their encoding; a corrupt
  notebook, an unknown exercise name, an unreadable file is one line in
  that learner's feedback and a zero for the exercise it touches.  Every
  learner gets a row.
* A class at a time: every (learner, exercise) is graded by
  ``grading.run_tests`` (sandboxed, limited in time and memory), several at
  once (one per core by default), with a progress bar; the CSV and the
  feedback files are written only when all are graded, each to a temporary
  file in the same folder and then renamed over the old one, so a grader
  killed half way leaves the previous results intact.
"""
from __future__ import annotations

import csv
import io
import json
import os
import stat
import sys
import tempfile
import textwrap
import tokenize
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from . import core, grading

MAGIC = "%%exercise"
SAVED_DIR = "my_runtime"              # where the notebooks save a passed exercise
MAX_SOURCE_BYTES = 1 << 20            # a .py file read at most this far (1 MiB)
MAX_NOTEBOOK_BYTES = 32 << 20         # a notebook (outputs included: 32 MiB)
MAX_ENTRIES = 20_000                  # files and folders looked at per learner
SKIP_DIRS = {".ipynb_checkpoints", "__pycache__", ".git", ".venv", "node_modules"}


# ------------------------------------------------------------ reading one learner's folder

@dataclass
class Found:
    """The code graded for one exercise, and where it came from."""
    source: str
    origin: str                       # shown in the feedback: "my_runtime/runq.py", "03_x.ipynb, cell 7"
    line_offset: int = 0              # editor lines above the code (the %%exercise line)
    mtime: float = 0.0


@dataclass
class Submission:
    learner: str
    code: dict[str, Found] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)           # about the folder as a whole
    blocked: dict[str, list[str]] = field(default_factory=dict)  # exercise id -> why it earns zero
    notes: dict[str, list[str]] = field(default_factory=dict)    # exercise id -> remarks


class _Unreadable(Exception):
    """A file the grader will not read (the message says why)."""


_KIND = [(stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
         (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")]


def _kind(mode: int) -> str:
    for test, name in _KIND:
        if test(mode):
            return name
    return "not a regular file"


def read_bounded(path: str, limit: int) -> bytes:
    """The bytes of regular file `path`, at most `limit` of them; raises
    _Unreadable for anything else (a link, a FIFO, a device: never opened
    in a way that could block)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise _Unreadable(f"cannot be opened ({e.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _Unreadable(f"is {_kind(st.st_mode)}, not a file: not read")
        if st.st_size > limit:
            raise _Unreadable(f"is too large ({st.st_size:,} bytes; the limit is {limit:,}): not read")
        chunks, size = [], 0
        while size <= limit:
            b = os.read(fd, min(1 << 16, limit + 1 - size))
            if not b:
                break
            chunks.append(b)
            size += len(b)
        if size > limit:
            raise _Unreadable(f"is too large (over {limit:,} bytes): not read")
        return b"".join(chunks)
    except OSError as e:
        raise _Unreadable(f"cannot be read ({e.strerror})") from None
    finally:
        os.close(fd)


def decode_source(data: bytes) -> tuple[str, str | None]:
    """Python source text from bytes in any encoding: a BOM or a PEP 263
    coding line if there is one, else UTF-8, else Latin-1 (with a remark)."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
                     (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), None
            except UnicodeDecodeError:
                break
    try:
        enc, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(enc), None
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return data.decode("latin-1"), "is not UTF-8 (nor says its encoding): read as Latin-1"


def _entries(top: str):
    """(relative path, absolute path, lstat) of everything under `top`,
    without following any link, at most MAX_ENTRIES of them."""
    todo, seen = [""], 0
    while todo:
        rel_dir = todo.pop()
        try:
            with os.scandir(os.path.join(top, rel_dir)) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                yield None, None, None
                return
            rel = os.path.join(rel_dir, e.name)
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                if e.name not in SKIP_DIRS:
                    todo.append(rel)
                continue
            yield rel, e.path, st


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def _resolve(abs_path: str, rel: str, st: os.stat_result, root: str) -> str:
    """The path to read for entry `rel`: itself, or for a link the file it
    names if that is inside the learner's folder; raises _Unreadable."""
    if not stat.S_ISLNK(st.st_mode):
        return abs_path
    target = os.path.realpath(abs_path)
    if not os.path.lexists(target) or not os.path.exists(target):
        raise _Unreadable("is a broken link: not read")
    if not _inside(target, root):
        raise _Unreadable("is a link to a file outside your folder: not read (it earns nothing)")
    return target


def collect(folder: str, learner: str | None = None) -> Submission:
    """What a learner's folder holds to grade, and every problem with it."""
    reg = core.registry()
    sub = Submission(learner or os.path.basename(folder.rstrip("/")))
    root = os.path.realpath(folder)
    saved: dict[str, list] = {}        # id -> [(mtime, rel, abs, st)]
    notebooks = []
    for rel, abs_path, st in _entries(folder):
        if rel is None:
            sub.problems.append(f"more than {MAX_ENTRIES:,} files and folders: the rest not looked at")
            break
        name = os.path.basename(rel)
        stem, ext = os.path.splitext(name)
        parent = os.path.basename(os.path.dirname(rel))
        if ext == ".py" and parent == SAVED_DIR and stem in reg:
            saved.setdefault(stem, []).append((st.st_mtime, rel, abs_path, st))
            continue                  # a FIFO or a link here is refused when read
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
            sub.problems.append(f"{rel} is {_kind(st.st_mode)}: not opened")
            continue
        if ext == ".py" and parent == SAVED_DIR:
            if stem in reg:
                saved.setdefault(stem, []).append((st.st_mtime, rel, abs_path, st))
            elif stem != "__init__":
                sub.problems.append(f"{rel}: there is no exercise {stem!r}; not graded")
        elif ext == ".py" and stem in reg:
            sub.notes.setdefault(stem, []).append(
                f"{rel} was not graded: only {SAVED_DIR}/{stem}.py or a %%exercise cell counts")
        elif ext == ".ipynb":
            notebooks.append((rel, abs_path, st))
        elif stat.S_ISLNK(st.st_mode):
            sub.problems.append(f"{rel} is a link: not followed")
    for ex_id, found in saved.items():
        _take_saved(sub, ex_id, sorted(found, key=lambda f: f[0], reverse=True), root)
    cells: dict[str, list] = {}
    for rel, abs_path, st in notebooks:
        for ex_id, item in _notebook_cells(sub, rel, abs_path, st, root, reg):
            cells.setdefault(ex_id, []).append(item)
    for ex_id, items in cells.items():
        if ex_id in sub.code or ex_id in sub.blocked:
            continue
        ex = reg[ex_id]
        # the exercise's own notebook first, then the most recently saved one;
        # within a notebook, its last cell
        items.sort(key=lambda it: (os.path.basename(it.origin).startswith(ex.notebook),
                                   it.mtime, it.index))
        sub.code[ex_id] = items[-1]
    return sub


def _take_saved(sub: Submission, ex_id: str, found: list, root: str) -> None:
    """The newest readable my_runtime/<id>.py among `found` (newest first)."""
    bad = []
    for mtime, rel, abs_path, st in found:
        try:
            data = read_bounded(_resolve(abs_path, rel, st, root), MAX_SOURCE_BYTES)
        except _Unreadable as e:
            bad.append(f"{rel} {e}")
            continue
        text, remark = decode_source(data)
        if remark:
            sub.notes.setdefault(ex_id, []).append(f"{rel} {remark}")
        sub.code[ex_id] = Found(text, rel, 0, mtime)
        others = [r for _, r, _, _ in found if r != rel]
        if others:
            sub.notes.setdefault(ex_id, []).append(
                f"graded the newest of {len(found)} saved copies; not graded: {', '.join(others)}")
        sub.notes.setdefault(ex_id, []).extend(bad)
        return
    sub.blocked[ex_id] = bad


def _notebook_cells(sub: Submission, rel: str, abs_path: str, st, root: str, reg: dict):
    """(exercise id, Found) for each non-starter %%exercise cell of one
    notebook; each problem with it goes to sub.problems."""
    try:
        data = read_bounded(_resolve(abs_path, rel, st, root), MAX_NOTEBOOK_BYTES)
    except _Unreadable as e:
        sub.problems.append(f"{rel} {e}")
        return
    try:
        nb = json.loads(data)
    except (ValueError, RecursionError) as e:
        sub.problems.append(f"{rel} is not a notebook (not valid JSON: {str(e)[:100]}): "
                            "its cells were not graded")
        return
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        what = "has no list of cells" if isinstance(nb, dict) else f"is a JSON {type(nb).__name__}"
        sub.problems.append(f"{rel} is not a notebook (it {what}): its cells were not graded")
        return
    mtime = st.st_mtime
    for index, cell in enumerate(nb["cells"], 1):
        try:
            got = _exercise_cell(cell)
        except ValueError as e:
            sub.problems.append(f"{rel}, cell {index}: {e}; not graded")
            continue
        if got is None:
            continue
        ex_id, body, offset = got
        if ex_id not in reg:
            sub.problems.append(f"{rel}, cell {index}: there is no exercise {ex_id!r}; not graded")
            continue
        body = textwrap.dedent(body)
        if "\x00" in body or body.strip() == reg[ex_id].starter.strip() or not body.strip():
            continue
        yield ex_id, _CellFound(body, f"{rel}, cell {index}", offset, mtime, index)


@dataclass
class _CellFound(Found):
    index: int = 0


def _cell_source(cell) -> str | None:
    """A code cell's source as one string (None for other cells); raises
    ValueError for a cell that is not shaped like a notebook cell."""
    if not isinstance(cell, dict):
        raise ValueError("not a notebook cell")
    if cell.get("cell_type") != "code":
        return None
    src = cell.get("source", "")
    if isinstance(src, list) and all(isinstance(s, str) for s in src):
        return "".join(src)
    if isinstance(src, str):
        return src
    raise ValueError("its source is neither text nor a list of lines")


def _exercise_cell(cell) -> tuple[str, str, int] | None:
    """(exercise id, code, editor lines above the code) of a %%exercise cell."""
    src = _cell_source(cell)
    if src is None:
        return None
    lines = src.split("\n")
    k = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if k is None or not lines[k].lstrip().startswith(MAGIC):
        return None
    ex_id = lines[k].lstrip()[len(MAGIC):].strip()
    return ex_id, "\n".join(lines[k + 1:]), k + 1


def exercise_cells(nb: dict):
    """(cell, exercise id, code) for each `%%exercise` cell of notebook `nb`."""
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        try:
            got = _exercise_cell(cell)
        except ValueError:
            continue
        if got is not None:
            yield cell, got[0], got[1]


def notebook_cells(path: str) -> dict[str, str]:
    """The last %%exercise cell per exercise id in a notebook."""
    try:
        nb = json.loads(read_bounded(path, MAX_NOTEBOOK_BYTES))
    except (_Unreadable, ValueError, RecursionError):
        return {}
    return {ex_id: body for _, ex_id, body in exercise_cells(nb)}


def find_code(folder: str) -> dict[str, str]:
    """exercise id -> source graded, from a learner's submission folder."""
    return {ex_id: f.source for ex_id, f in collect(folder).code.items()}


# ------------------------------------------------------------ grading a class

@dataclass
class Graded:
    """One learner's result: a CSV row and a feedback file's text."""
    learner: str
    points: dict[str, float]
    feedback: str

    @property
    def total(self) -> float:
        return round(sum(self.points.values()), 2)


def _grade_one(ex_id: str, found: Found, sandbox: bool | None) -> tuple[float, str]:
    """(points, feedback text) for one exercise of one learner."""
    ex = core.get(ex_id)
    if "\x00" in found.source:
        return 0.0, "The file holds NUL bytes: it is not Python source; not graded."
    try:
        v = grading.run_tests(ex_id, found.source, which="all", sandbox=sandbox)
    except (grading.SandboxUnavailable, grading.GradingInterrupted, KeyboardInterrupt):
        raise
    except Exception as e:                    # noqa: BLE001 - one learner never stops the class
        return 0.0, f"The grader could not grade this ({type(e).__name__}: {str(e)[:200]}); 0 points."
    v.line_offset = found.line_offset
    return min(v.points, float(ex.points)), v.text()


def _feedback(sub: Submission, ids: list[str], results: dict) -> tuple[dict, str]:
    reg = core.registry()
    points = {}
    out = [f"# Feedback for {sub.learner}\n"]
    if sub.problems:
        out.append("## Problems with your submission\n")
        out.extend(f"- {p}" for p in sub.problems)
        out.append("")
    for ex_id in ids:
        ex = reg[ex_id]
        notes = sub.notes.get(ex_id, [])
        if ex_id in sub.blocked:
            points[ex_id] = 0.0
            out.append(f"## {ex.label} {ex.title}: 0/{ex.points}\n")
            out.extend(f"- {p}" for p in sub.blocked[ex_id] + notes)
            out.append(f"- nothing could be graded for {ex_id}\n")
            continue
        found = sub.code.get(ex_id)
        if found is None:
            points[ex_id] = 0.0
            out.append(f"## {ex.label} {ex.title}: not attempted (0/{ex.points})\n")
            out.extend(f"- {p}" for p in notes)
            if notes:
                out.append("")
            continue
        pts, text = results[ex_id]
        points[ex_id] = pts
        out.append(f"## {ex.label} {ex.title}: {pts:g}/{ex.points}\n")
        out.append(f"Graded: {found.origin}" + (
            f" (line numbers are the cell's, counting its `{MAGIC}` line)" if found.line_offset else ""))
        out.extend(f"- {p}" for p in notes)
        out.append("\n```\n" + text + "\n```\n")
    return points, "\n".join(out)


def _learners(submissions: str, outputs: tuple = ()) -> tuple[list[str], list[str]]:
    """(learner folder names, problems with the submissions folder); the
    grader's own output folders, if they are in it, are not learners."""
    learners, problems = [], []
    mine = {os.path.realpath(p) for p in outputs}
    for name in sorted(os.listdir(submissions)):
        if name.startswith(".") or os.path.realpath(os.path.join(submissions, name)) in mine:
            continue
        st = os.lstat(os.path.join(submissions, name))
        if stat.S_ISDIR(st.st_mode) or stat.S_ISLNK(st.st_mode):
            learners.append(name)
        else:
            problems.append(f"{name}: {_kind(st.st_mode) if not stat.S_ISREG(st.st_mode) else 'a file'}, "
                            "not a learner's folder: skipped")
    return learners, problems


def _collect_learner(submissions: str, name: str) -> Submission:
    path = os.path.join(submissions, name)
    if os.path.islink(path):
        sub = Submission(name)
        sub.problems.append("your submission folder is a link (to someone else's work?): "
                            "nothing in it was graded")
        return sub
    try:
        return collect(path, name)
    except Exception as e:                    # noqa: BLE001 - one learner never stops the class
        sub = Submission(name)
        sub.problems.append(f"your folder could not be read ({type(e).__name__}: {e}): nothing graded")
        return sub


def grade_folder(submissions: str, out_csv: str, feedback_dir: str,
                 only: list[str] | None = None, *, jobs: int | None = None,
                 sandbox: bool | None = True, progress: bool | None = None) -> list[dict]:
    """Grade every learner's folder in `submissions`: `out_csv` gets a row
    per learner (points per exercise, total), `feedback_dir` a
    ``<learner>.md`` each.  Written only once all are graded, each file
    atomically.  jobs: gradings at once (default: one per core).
    sandbox=True (the default) refuses to grade without bubblewrap."""
    reg = core.registry()
    for ex_id in only or []:
        core.get(ex_id)                       # a clear KeyError for a typo
    ids = [i for i in reg if only is None or i in only]
    if sandbox:
        from . import sandbox as _sandbox
        _sandbox.require()
    names, folder_problems = _learners(submissions, (feedback_dir, os.path.dirname(os.path.abspath(out_csv))))
    for p in folder_problems:
        print(f"warning: {p}", file=sys.stderr)
    subs = [_collect_learner(submissions, n) for n in names]
    tasks = [(s, ex_id) for s in subs for ex_id in ids
             if ex_id in s.code and ex_id not in s.blocked]
    results: dict[str, dict] = {s.learner: {} for s in subs}
    jobs = jobs or len(os.sched_getaffinity(0))
    bar = _bar(len(tasks), progress)
    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="grade")
    try:
        futures = {pool.submit(_grade_one, ex_id, s.code[ex_id], sandbox): (s, ex_id)
                   for s, ex_id in tasks}
        for fut in as_completed(futures):
            s, ex_id = futures[fut]
            results[s.learner][ex_id] = fut.result()
            bar.update(1)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        bar.close()
    pool.shutdown()
    graded = []
    for s in subs:
        points, text = _feedback(s, ids, results[s.learner])
        graded.append(Graded(s.learner, points, text))
    _write_all(graded, ids, out_csv, feedback_dir)
    return [{"learner": g.learner, **g.points, "total": g.total} for g in graded]


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, show: bool | None):
    """A tqdm progress bar on stderr (shown on a terminal, or when show=True)."""
    if show is False:
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(total=total, unit="exercise", desc="grading", file=sys.stderr,
                disable=None if show is None else not show, dynamic_ncols=True)


def _write_atomic(path: str, text: str) -> None:
    """Write `path` whole or not at all: a temporary file in the same
    folder, flushed to disk, then renamed over it."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".grading-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _feedback_name(learner: str) -> str:
    safe = "".join(c if c.isprintable() and c not in "/\\" else "_" for c in learner)
    return safe + ".md"


def _write_all(graded: list[Graded], ids: list[str], out_csv: str, feedback_dir: str) -> None:
    os.makedirs(feedback_dir, exist_ok=True)
    out_dir = os.path.dirname(os.path.abspath(out_csv))
    os.makedirs(out_dir, exist_ok=True)
    for g in graded:
        _write_atomic(os.path.join(feedback_dir, _feedback_name(g.learner)), g.feedback)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["learner", *ids, "total"])
    w.writeheader()
    for g in graded:
        w.writerow({"learner": g.learner, **{k: f"{v:g}" for k, v in g.points.items()},
                    "total": f"{g.total:g}"})
    _write_atomic(out_csv, buf.getvalue())


def _feedback_text(v: grading.Verdict) -> str:
    """The verdict, with hidden tests named and their checks described but
    without their code."""
    return v.text()


__all__ = ["MAGIC", "collect", "decode_source", "exercise_cells", "find_code", "grade_folder",
           "notebook_cells", "read_bounded"]
