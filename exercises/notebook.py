"""The learner's side in a notebook.

Write the exercise in a cell that starts with the cell magic, and run it::

    %%exercise runq
    def runqput(rt, p, g, next): ...
    def runqget(p): ...

The cell is graded at once against the public tests, in a separate process
(so a broken exercise cannot hang or crash the kernel); the verdict shows
each test, what was expected and what came back, and the next hint.  On a
pass the code is saved to ``my_runtime/<id>.py`` and gokernel uses it from
then on.  The cell's definitions are also run in the notebook (unless the
tests timed out), so you can experiment with them.

Without the magic, one line checks functions you defined in earlier cells::

    check("runq")
"""
from __future__ import annotations

import inspect
import textwrap

from . import core, grading, progress


class _Shown:
    """HTML for Jupyter, plain text elsewhere (and for nbval)."""

    def __init__(self, html: str, text: str) -> None:
        self._html = html
        self._text = text

    def _repr_html_(self) -> str:
        return self._html

    def __repr__(self) -> str:
        return self._text


def grade_source(exercise_id: str, source: str, *, record: bool = True) -> grading.Verdict:
    """Grade source against the public tests; record the attempt, reveal the
    next hint on a failure, keep the code on a pass."""
    ex = core.get(exercise_id)
    source = textwrap.dedent(source)
    verdict = grading.run_tests(exercise_id, source, which="public")
    if record:
        progress.record_attempt(ex, verdict)
        if verdict.passed:
            progress.save_solution(ex, source)
        else:
            verdict.hint_number, verdict.next_hint = progress.next_hint(ex)
    return verdict


def check(exercise_id: str, namespace: dict | None = None):
    """Grade the functions named by the exercise, as defined in the caller's
    namespace (the notebook), by their source."""
    ex = core.get(exercise_id)
    if namespace is None:
        namespace = inspect.currentframe().f_back.f_globals
    parts = []
    missing = []
    for name in ex.provides:
        fn = namespace.get(name)
        if fn is None:
            missing.append(name)
            continue
        try:
            parts.append(textwrap.dedent(inspect.getsource(fn)))
        except (OSError, TypeError):
            missing.append(name)
    if missing:
        v = grading.Verdict(ex, "public", setup="missing")
        v.setup_message = (f"define {', '.join(missing)} in a cell first (or put the whole "
                           f"exercise in a cell starting with %%exercise {exercise_id}).")
        return v
    helpers = _helper_sources(ex, namespace)
    return grade_source(exercise_id, "\n\n".join(helpers + parts))


def _helper_sources(ex, namespace: dict) -> list[str]:
    """Module-level helper functions the provided functions call (by name)."""
    names = set()
    for n in ex.provides:
        fn = namespace.get(n)
        code = getattr(fn, "__code__", None)
        if code is not None:
            names.update(code.co_names)
    out = []
    for n in sorted(names - set(ex.provides)):
        obj = namespace.get(n)
        if inspect.isfunction(obj) and obj.__module__ == namespace.get("__name__"):
            try:
                out.append(textwrap.dedent(inspect.getsource(obj)))
            except (OSError, TypeError):
                pass
    return out


def hint(exercise_id: str):
    """Reveal the next hint of an exercise."""
    ex = core.get(exercise_id)
    n, text = progress.next_hint(ex)
    if text is None:
        return _Shown("<i>No more hints: look at the public tests below the statement, "
                      "and at the reference runtime's source named in the statement.</i>",
                      "No more hints.")
    return _Shown(f"<b>Hint {n}/{len(ex.hints)}:</b> {text}", f"Hint {n}/{len(ex.hints)}: {text}")


def describe(exercise_id: str):
    """The exercise's statement, what it must define, its points and its
    public tests (what each checks)."""
    import html
    ex = core.get(exercise_id)
    tests = "".join(f"<li><code>{html.escape(t.name)}</code>: {html.escape(t.doc.splitlines()[0] if t.doc else '')}</li>"
                    for t in ex.public_tests)
    hidden = len(ex.hidden_tests)
    h = (f"<div style='border:1px solid #d0d7de;padding:.5em .8em'>"
         f"<b>Exercise {ex.label} — {html.escape(ex.title)}</b> ({ex.points} points)<br>"
         f"<div style='white-space:pre-wrap'>{html.escape(ex.statement.strip())}</div>"
         f"<div>Define: <code>{html.escape(', '.join(ex.provides))}</code>. "
         f"Check it with a cell starting <code>%%exercise {ex.id}</code>.</div>"
         f"<div>Public tests:<ul>{tests}</ul>"
         f"{hidden} hidden test{'s' if hidden != 1 else ''} also run when graded.</div></div>")
    text = (f"Exercise {ex.label} — {ex.title} ({ex.points} points)\n{ex.statement.strip()}\n"
            f"Define: {', '.join(ex.provides)}. Public tests: "
            + ", ".join(t.name for t in ex.public_tests))
    return _Shown(h, text)


def load_ipython_extension(ipython) -> None:
    """``%load_ext exercises`` registers the ``%%exercise`` cell magic."""
    from IPython.core.magic import register_cell_magic
    from IPython.display import display

    def exercise(line: str, cell: str):
        exercise_id = line.strip()
        if not exercise_id:
            print("usage: %%exercise <exercise id>, then your code")
            return
        try:
            core.get(exercise_id)
        except KeyError as e:
            print(e.args[0])
            return
        verdict = grade_source(exercise_id, cell)
        display(verdict)
        if verdict.setup == "syntax":
            return
        if any(r.status in ("timeout", "killed", "memory") for r in verdict.results) \
                or verdict.setup == "killed":
            return        # do not run code that hung the grader in the kernel
        try:
            ipython.run_cell(cell, store_history=False, silent=True)
        except Exception:   # noqa: BLE001 - the verdict already shows the error
            pass

    register_cell_magic(exercise)
