"""Verdicts: what a grading run found, rendered for a learner (plain text for
a terminal or a feedback file, HTML for a notebook; both say the same).

``grading.run_tests`` fills a ``Verdict`` with one ``TestResult`` per test;
this module only renders it.  (Go has no counterpart: this is the course's
own teaching surface.)
"""
from __future__ import annotations

import html
import signal
import textwrap
from dataclasses import dataclass, field

from . import core

VALUE_LIMIT = 160        # characters of an expected or got value shown
ITEM_LIMIT = 60          # characters of one item in a "first difference" line


@dataclass
class TestResult:
    __test__ = False            # not a pytest test class
    name: str
    public: bool
    doc: str
    status: str                 # passed | failed | error | timeout | memory | killed | not run
    message: str = ""
    what: str = ""
    expected: str = ""
    got: str = ""
    detail: str = ""
    exception: str = ""
    frames: list = field(default_factory=list)
    stdout: str = ""
    cpu: float | None = None    # CPU seconds the test process used during the test
    wall: float | None = None   # wall-clock seconds the test took
    returned: dict | None = None  # {"function", "returned", "expected"}: a return value at fault
    stop: dict | None = None    # why the process was stopped: {"limit": s} or {"exit_status": n}

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class Verdict:
    exercise: core.Exercise
    which: str                  # "public" or "all"
    setup: str = "ok"           # ok | syntax | error | missing | killed
    setup_message: str = ""
    setup_frames: list = field(default_factory=list)
    results: list = field(default_factory=list)
    next_hint: str | None = None
    hint_number: int = 0
    line_offset: int = 0        # added to every line number shown (the editor's lines above the code)
    syntax_line: int | None = None
    syntax_text: str = ""

    @property
    def ran(self) -> list:
        return [r for r in self.results if r.status != "not run"]

    @property
    def passed(self) -> bool:
        """Every test that was run passed (and all selected tests ran)."""
        return self.setup == "ok" and bool(self.results) and all(r.passed for r in self.results)

    @property
    def score(self) -> float:
        if self.setup != "ok" or not self.results:
            return 0.0
        return sum(r.passed for r in self.results) / len(self.results)

    @property
    def public_passed(self) -> bool:
        """Every public test among the results passed (the learner can see
        and run these, so they gate every point)."""
        pub = [r for r in self.results if r.public]
        return self.setup == "ok" and bool(pub) and all(r.passed for r in pub)

    @property
    def points(self) -> float:
        """No points until every public test passes (a stub, or code that
        gets only the easy cases right, earns nothing); then the share of
        all tests passed, hidden ones included."""
        if not self.public_passed:
            return 0.0
        return round(self.exercise.points * self.score, 2)

    # ------------------------------------------------------------- summary

    def headline(self) -> str:
        ex = self.exercise
        if self.setup == "syntax":
            return f"Exercise {ex.label} ({ex.id}): your code does not compile."
        if self.setup == "missing":
            return f"Exercise {ex.label} ({ex.id}): {self.setup_message}"
        if self.setup in ("error", "killed"):
            return f"Exercise {ex.label} ({ex.id}): your code failed before any test ran."
        n = len(self.results)
        k = sum(r.passed for r in self.results)
        hidden = len(ex.hidden_tests)
        if self.which == "public":
            if k == n:
                tail = (f" {hidden} hidden test{'s' if hidden != 1 else ''} will also run "
                        "when your work is graded." if hidden else "")
                return f"Exercise {ex.label} ({ex.id}): public tests passed ({k}/{n}).{tail}"
            return f"Exercise {ex.label} ({ex.id}): {k}/{n} public tests passed."
        if k == n:
            return f"Exercise {ex.label} ({ex.id}): all {n} tests passed ({self.points:g}/{ex.points} points)."
        return (f"Exercise {ex.label} ({ex.id}): {k}/{n} tests passed "
                f"({self.points:g}/{ex.points} points).")

    def setup_text(self) -> str:
        """Why no test ran (empty when tests ran), line numbers as the editor shows them."""
        if self.setup == "ok":
            return ""
        lines = []
        if self.setup == "syntax" and self.syntax_line is not None:
            lines.append(f"{self.setup_message} (line {self.syntax_line + self.line_offset})")
            if self.syntax_text:
                lines.append("    " + _cut(self.syntax_text, VALUE_LIMIT))
        elif self.setup_message and self.setup != "missing":
            lines.append(self.setup_message)
        lines.extend(_frame_lines(self.setup_frames, self.line_offset))
        return "\n".join(lines)

    def explain(self, r: TestResult) -> str:
        """What went wrong in one test, for the learner."""
        return _explain(r, self.line_offset)

    def text(self) -> str:
        lines = [self.headline()]
        lines.extend("  " + ln for ln in self.setup_text().splitlines())
        for r in self.results:
            mark = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT",
                    "memory": "MEMORY", "killed": "KILLED", "not run": "not run"}[r.status]
            lines.append(f"  [{mark}] {r.name}" + ("" if r.public else " (hidden)"))
            if r.passed or r.status == "not run":
                continue
            if r.doc and r.public:
                lines.extend(textwrap.wrap(whole_doc(r.doc), 96, initial_indent="      checks: ",
                                           subsequent_indent="              "))
            lines.extend("      " + ln for ln in self.explain(r).splitlines())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        ok = self.passed
        color = "#1a7f37" if ok else "#9a6700" if self.score > 0 else "#cf222e"
        rows = []
        for r in self.results:
            icon = {"passed": "✔", "failed": "✘", "error": "✘", "timeout": "⏱",
                    "memory": "✘", "killed": "✘", "not run": "·"}[r.status]
            name = html.escape(r.name) + ("" if r.public else " <i>(hidden)</i>")
            detail = ""
            if not r.passed and r.status != "not run":
                detail = ("<pre style='margin:0;white-space:pre-wrap;overflow-wrap:anywhere'>"
                          + html.escape(self.explain(r)) + "</pre>")
                if r.doc and r.public:
                    detail = f"<div><i>{html.escape(whole_doc(r.doc))}</i></div>" + detail
            rows.append(f"<tr><td style='text-align:center'>{icon}</td><td style='text-align:left'>"
                        f"<code>{name}</code>{detail}</td></tr>")
        body = ""
        if self.setup != "ok":
            body = ("<pre style='white-space:pre-wrap;overflow-wrap:anywhere'>"
                    + html.escape(self.setup_text()) + "</pre>")
        table = ("<table style='border-collapse:collapse'>" + "".join(rows) + "</table>") if rows else ""
        return (f"<div style='border-left:4px solid {color};padding-left:.6em'>"
                f"<b style='color:{color}'>{html.escape(self.headline())}</b>{body}{table}</div>")

    def __repr__(self) -> str:
        return self.text()


def whole_doc(doc: str) -> str:
    """A test's whole docstring as one paragraph (its lines joined)."""
    return " ".join(doc.split())


def _cut(s: str, limit: int, at: int | None = None) -> str:
    """`s` cut to `limit` characters, keeping the part around position `at`
    (the first difference) in view."""
    if len(s) <= limit:
        return s
    if at is None or at < limit // 2:
        return s[:limit - 1].rstrip("…") + "…"
    start = max(0, min(at - limit // 3, len(s) - limit + 2))
    return "…" + s[start:start + limit - 2].rstrip("…") + "…"


def _first_char_difference(a: str, b: str) -> int | None:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))


def first_difference(expected: object, got: object) -> str:
    """Where two sequences or two strings first differ, with the items there
    cut to a readable length (long values are cut when shown, so say where
    to look); empty for anything else."""
    if isinstance(expected, str) and isinstance(got, str):
        i = _first_char_difference(expected, got)
        if i is None:
            return ""
        if i >= min(len(expected), len(got)):
            return (f"lengths differ: expected {len(expected):,} characters, got {len(got):,} "
                    f"(the same up to character {i:,})")
        lo = max(0, i - 10)
        return (f"first difference at character {i:,}: expected {_cut(repr(expected[lo:i + 20]), ITEM_LIMIT)}, "
                f"got {_cut(repr(got[lo:i + 20]), ITEM_LIMIT)}")
    if not isinstance(expected, (list, tuple)) or not isinstance(got, (list, tuple)):
        return ""
    for i, (a, b) in enumerate(zip(expected, got)):
        if a != b:
            ra, rb = repr(a), repr(b)
            at = _first_char_difference(ra, rb)
            return (f"first difference at index {i}: expected {_cut(ra, ITEM_LIMIT, at)}, "
                    f"got {_cut(rb, ITEM_LIMIT, at)}")
    if len(expected) != len(got):
        return f"lengths differ: expected {len(expected)} items, got {len(got)}"
    return ""


def stopped_phrase(stop: dict) -> str:
    """'was stopped after 20 s', 'ended the test process (exit status 1)', …"""
    if stop.get("output_limit"):
        return f"wrote more than {stop['output_limit'] / 2**20:g} MiB of output and was stopped"
    if "limit" in stop:
        return f"was stopped after {stop['limit']:g} s"
    status = stop.get("exit_status")
    if status is not None and status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        if name == "SIGKILL":
            return "was killed by the system (SIGKILL)"
        return f"crashed the test process ({name})"
    return f"ended the test process (exit status {status})"


def _stop_cause(stop: dict) -> str:
    if stop.get("output_limit"):
        return "printing in a loop that never ends?"
    if "limit" in stop:
        return ("it never returned to Python for the test's own timer to stop it: one long "
                "computation inside a single call (say, on a huge number), or code that catches "
                "every exception, the timeout too?")
    status = stop.get("exit_status")
    if status is not None and status < 0:
        if status == -signal.SIGKILL:
            return "out of memory?"
        if status == -signal.SIGSEGV:
            return "a recursion so deep it overflowed the C stack?"
        return "a crash of the interpreter?"
    return "a call to os._exit or sys.exit (in a thread), or something else that ends the process?"


def _frame_lines(frames: list, offset: int) -> list[str]:
    return [f"line {fr['line'] + offset}, in {fr['function']}: {_cut(fr['code'], VALUE_LIMIT)}"
            for fr in frames]


def _timeout_cause(r: TestResult) -> str:
    """Looping or blocked, told by the CPU time the test used: code waiting
    on a lock, a queue or an event uses next to none (the test's own setup,
    a few hundredths of a second); a loop uses CPU all along (less on a
    loaded machine, but not under a sixth of the time)."""
    if r.cpu is not None and r.wall:
        if r.cpu > 0.15 * r.wall:
            return (f"computing all along ({r.cpu:.1f} s of CPU in {r.wall:.1f} s): "
                    "a loop that never ends?")
        return (f"waiting all along ({r.cpu:.2f} s of CPU in {r.wall:.1f} s): "
                "blocked on a lock, a queue or an event that nothing releases?")
    return "a loop that never ends, or waiting for something that never happens?"


def _explain(r: TestResult, offset: int = 0) -> str:
    if r.status == "timeout":
        where = ""
        if r.frames:
            fr = r.frames[-1]
            where = f" It was running line {fr['line'] + offset} ({_cut(fr['code'], VALUE_LIMIT)})."
        return f"Timed out after {r.message or 'the time limit'}, {_timeout_cause(r)}{where}"
    if r.status == "memory":
        return "Ran out of memory (the limit is 1.5 GiB): is something growing without bound?"
    if r.status == "killed":
        if r.stop:                  # (a message set beside a stop says the same thing)
            return (f"Your code {stopped_phrase(r.stop)} while running this test: "
                    f"{_stop_cause(r.stop)}")
        return r.message
    parts = []
    if r.what:
        at = _first_char_difference(r.expected, r.got)
        parts.append(f"{r.what}\n  expected: {_cut(r.expected, VALUE_LIMIT, at)}\n"
                     f"  got:      {_cut(r.got, VALUE_LIMIT, at)}")
        if r.detail:
            parts.append(f"  ({_cut(r.detail, 2 * VALUE_LIMIT)})")
    elif r.status == "failed":
        parts.append(_cut(r.message or "assertion failed", 2 * VALUE_LIMIT))
    elif r.returned:
        fn, kind = r.returned["function"], r.returned["returned"]
        want = r.returned.get("expected")
        parts.append(f"Your {fn} returned {kind}" + (f" where {want} was expected" if want else "")
                     + f"; the test could not use it ({r.exception}: "
                     f"{_cut(r.message, VALUE_LIMIT)}). Check what {fn} returns.")
    else:
        parts.append(f"{r.exception}: {_cut(r.message, 2 * VALUE_LIMIT)}")
    if r.frames:
        parts.append("in your code:")
        parts.extend("  " + ln for ln in _frame_lines(r.frames, offset))
    if r.stdout.strip():
        parts.append("your code printed:\n" + r.stdout.rstrip()[-600:])
    return "\n".join(parts)


def _syntax_verdict(ex: core.Exercise, which: str, e: SyntaxError) -> Verdict:
    v = Verdict(ex, which, setup="syntax")
    v.setup_message = f"SyntaxError: {e.msg}"
    v.syntax_line = e.lineno or 0
    v.syntax_text = (e.text or "").strip("\n").rstrip()
    return v
