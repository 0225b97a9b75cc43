"""The learner's side in a notebook.

Write the exercise in a cell that starts with the cell magic, and run it::

    %%exercise runq
    def runqput(rt, p, g, next): ...
    def runqget(p): ...

The cell is graded at once against the public tests, in a separate process
(so a broken exercise cannot hang or crash the kernel); the verdict shows
each test, what was expected and what came back.  When the public tests
pass, a part that plugs into gokernel must also pass the integration check
(``exercises.integration``: whole programs on gokernel with the part in
place); then the code is saved to ``my_runtime/<id>.py`` (and kept as a new
version in ``my_runtime/.versions/<id>/``) and gokernel uses it from then on.
The cell's definitions are also run in the notebook (unless the tests timed
out), so you can experiment with them.

Hints are given only when asked: ``hint("runq")``, or the button under a
verdict.  A failed attempt never shows one, so running a whole notebook
(Run All) reveals nothing.

Without the magic, one line checks functions you defined in earlier cells::

    check("runq")
"""
from __future__ import annotations

import difflib
import html
import inspect
import textwrap

from . import core, grading, progress


class UnknownExercise(LookupError):
    """An exercise id that is not in the course (shown as one line)."""

    def _render_traceback_(self) -> list[str]:     # IPython shows this instead of a traceback
        return [f"UnknownExercise: {self}"]


def _lookup(exercise_id: str) -> core.Exercise:
    """The exercise, or UnknownExercise naming the ids there are."""
    reg = core.registry()
    if isinstance(exercise_id, str) and exercise_id in reg:
        return reg[exercise_id]
    close = difflib.get_close_matches(str(exercise_id), list(reg), n=1)
    maybe = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownExercise(f"no exercise {exercise_id!r}.{maybe} Known: {', '.join(reg)}")


class _Shown:
    """HTML for Jupyter, plain text elsewhere (and for nbval)."""

    def __init__(self, html_: str, text: str) -> None:
        self._html = html_
        self._text = text

    def _repr_html_(self) -> str:
        return self._html

    def __repr__(self) -> str:
        return self._text


# Line numbers: the saved file is a 3-line header then the code; in the
# %%exercise cell the code starts on line 2.
_HEADER_LINES = 3


class Attempt:
    """One graded attempt: the public tests' verdict, the integration check
    (when the tests passed and the part plugs into gokernel), and whether the
    code was saved.  Reads like the verdict (``passed``, ``results``,
    ``text()`` ... are the verdict's, ``passed`` also requiring the check)."""

    def __init__(self, verdict: grading.Verdict, integration=None, saved: str | None = None,
                 had_pass: bool = False) -> None:
        self.verdict = verdict
        self.integration = integration
        self.saved = saved              # the path written, or None
        self.had_pass = had_pass        # a passed version was in use before this attempt

    def __getattr__(self, name):
        if name == "verdict":
            raise AttributeError(name)
        return getattr(self.verdict, name)

    @property
    def passed(self) -> bool:
        return self.verdict.passed and (self.integration is None or self.integration.ok)

    def notes(self) -> list[str]:
        """What the attempt changed in the learner's runtime, in a line or two."""
        ex = self.verdict.exercise
        out = []
        if self.saved:
            out.append(f"Saved to my_runtime/{ex.id}.py: gokernel uses your "
                       f"{', '.join(ex.provides)} from now on.")
        elif self.had_pass:
            out.append(f"Your passed version in my_runtime/{ex.id}.py still runs "
                       "(this attempt was not saved).")
        return out

    def text(self) -> str:
        parts = [self.verdict.text()]
        if self.integration is not None and self.integration.checked:
            parts.append(self.integration.text())
        parts.extend(self.notes())
        return "\n".join(p for p in parts if p)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        out = [self.verdict._repr_html_()]
        ig = self.integration
        if ig is not None and ig.checked:
            color = "#1a7f37" if ig.ok else "#cf222e"
            out.append(f"<div style='border-left:4px solid {color};padding-left:.6em;"
                       f"margin-top:.3em'><pre style='margin:0;white-space:pre-wrap'>"
                       f"{html.escape(ig.text())}</pre></div>")
        for n in self.notes():
            out.append(f"<div style='margin-top:.3em'><i>{html.escape(n)}</i></div>")
        return "".join(out)

    def _ipython_display_(self) -> None:
        from IPython.display import display
        display(_Shown(self._repr_html_(), self.text()))
        if not self.passed:
            button = hint_button(self.verdict.exercise.id)
            if button is not None:
                display(button)


def grade_source(exercise_id: str, source: str, *, record: bool = True,
                 line_offset: int = 1) -> Attempt:
    """Grade source against the public tests and, when they pass, the
    integration check; record the attempt and keep the code only when both
    pass.  ``line_offset``: the editor's line of the code's first line, less
    one (1 in an %%exercise cell)."""
    ex = _lookup(exercise_id)
    source = textwrap.dedent(source)
    had_pass = progress.passed_before(ex)
    verdict = grading.run_tests(exercise_id, source, which="public")
    verdict.line_offset = line_offset       # lines as the editor numbers them
    attempt = Attempt(verdict, had_pass=had_pass)
    if not record:
        return attempt
    if verdict.passed:
        from . import integration
        text = progress.solution_text(ex, source)
        if integration.applies(ex):
            attempt.integration = integration.check(ex, text, line_offset=line_offset - _HEADER_LINES)
        if attempt.passed:
            attempt.saved = progress.save_solution(ex, source)
    progress.record_attempt(ex, verdict, saved=attempt.saved is not None)
    return attempt


def check(exercise_id: str, namespace: dict | None = None):
    """Grade the functions named by the exercise, as defined in the caller's
    namespace (the notebook), by their source."""
    ex = _lookup(exercise_id)
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
        return Attempt(v, had_pass=progress.passed_before(ex))
    helpers = _helper_sources(ex, namespace)
    return grade_source(exercise_id, "\n\n".join(helpers + parts), line_offset=0)


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


def hint(exercise_id: str, number: int | None = None):
    """Reveal the next hint of an exercise (only ever when asked); with a
    number, show again a hint already revealed."""
    ex = _lookup(exercise_id)
    if number is not None:
        shown = progress.hints_shown(ex)
        if not 1 <= number <= len(ex.hints):
            raise ValueError(f"exercise {ex.id} has hints 1 to {len(ex.hints)}")
        if number > shown:
            return _Shown(f"<i>Hint {number} is not revealed yet: <code>hint(\"{ex.id}\")</code> "
                          f"reveals hint {shown + 1}.</i>",
                          f"Hint {number} is not revealed yet: hint(\"{ex.id}\") reveals hint {shown + 1}.")
        text = ex.hints[number - 1]
        return _Shown(f"<b>Hint {number}/{len(ex.hints)}:</b> {html.escape(text)}",
                      f"Hint {number}/{len(ex.hints)}: {text}")
    n, text = progress.next_hint(ex)
    if text is None:
        return _Shown("<i>No more hints: look at the public tests (<code>describe"
                      f"(\"{html.escape(ex.id)}\")</code>), and at the reference runtime's source "
                      "named in the statement.</i>", "No more hints.")
    return _Shown(f"<b>Hint {n}/{len(ex.hints)}:</b> {html.escape(text)}",
                  f"Hint {n}/{len(ex.hints)}: {text}")


def hint_button(exercise_id: str):
    """A button that reveals the next hint when clicked (None without
    ipywidgets, or when every hint was shown).  Nothing is revealed until
    the learner clicks it."""
    try:
        import ipywidgets as w
    except ImportError:
        return None
    ex = _lookup(exercise_id)
    shown = progress.hints_shown(ex)
    if shown >= len(ex.hints):
        return None

    def label(k: int) -> str:
        return f"Show hint {k + 1} of {len(ex.hints)}"
    button = w.Button(description=label(shown), tooltip=f'same as hint("{ex.id}")',
                      layout=w.Layout(width="auto"))
    out = w.Output()

    def clicked(_b) -> None:
        n, text = progress.next_hint(ex)
        with out:
            if text is not None:
                from IPython.display import display
                display(_Shown(f"<b>Hint {n}/{len(ex.hints)}:</b> {html.escape(text)}",
                               f"Hint {n}/{len(ex.hints)}: {text}"))
        if text is None or n >= len(ex.hints):
            button.disabled = True
            button.description = "No more hints"
        else:
            button.description = label(n)
    button.on_click(clicked)

    class HintBox(w.VBox):
        def __repr__(self) -> str:      # the text nbval compares: short, and the same each run
            return f"[{button.description}]"
    return HintBox([button, out], layout=w.Layout(align_items="flex-start"))


def _first_paragraph(doc: str) -> str:
    """A test's description, whole: its docstring's first paragraph on one line."""
    para = doc.strip().split("\n\n")[0]
    return " ".join(ln.strip() for ln in para.splitlines())


def describe(exercise_id: str):
    """The exercise's statement, what it must define, its points and its
    public tests (what each checks)."""
    ex = _lookup(exercise_id)
    tests = "".join(f"<li><code>{html.escape(t.name)}</code>: {html.escape(_first_paragraph(t.doc))}</li>"
                    for t in ex.public_tests)
    hidden = len(ex.hidden_tests)
    h = (f"<div style='border:1px solid #d0d7de;padding:.5em .8em'>"
         f"<b>Exercise {ex.label} — {html.escape(ex.title)}</b> ({ex.points} points)<br>"
         f"<div style='white-space:pre-wrap'>{html.escape(ex.statement.strip())}</div>"
         f"<div>Define: <code>{html.escape(', '.join(ex.provides))}</code>. "
         f"Check it with a cell starting <code>%%exercise {ex.id}</code>. "
         f"Stuck? <code>hint(\"{ex.id}\")</code> gives a hint, one at a time.</div>"
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
            _lookup(exercise_id)
        except UnknownExercise as e:
            print(e)
            return
        notice = grading.sandbox_notice()
        if notice:
            print(notice)
        try:
            attempt = grade_source(exercise_id, cell)
        except (KeyboardInterrupt, grading.GradingInterrupted):
            print("Interrupted: nothing was graded or saved.")
            return
        display(attempt)
        verdict = attempt.verdict
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
