"""Verdicts: what a grading run found, rendered for a learner (plain text for
a terminal or a feedback file, HTML for a notebook; both say the same).

``grading.run_tests`` fills a ``Verdict`` with one ``TestResult`` per test;
this module only renders it.  (Go has no counterpart: this is the course's
own teaching surface.)
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from . import core


@dataclass
class TestResult:
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

    def text(self) -> str:
        lines = [self.headline()]
        if self.setup != "ok":
            if self.setup_message and self.setup != "missing":
                lines.append("  " + self.setup_message)
            for fr in self.setup_frames:
                lines.append(f"    line {fr['line']}, in {fr['function']}: {fr['code']}")
        for r in self.results:
            mark = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT",
                    "memory": "MEMORY", "killed": "KILLED", "not run": "not run"}[r.status]
            lines.append(f"  [{mark}] {r.name}" + ("" if r.public else " (hidden)"))
            if r.passed or r.status == "not run":
                continue
            if r.doc and r.public:
                lines.append(f"      checks: {r.doc.splitlines()[0]}")
            lines.extend("      " + ln for ln in _explain(r).splitlines())
        if self.next_hint:
            lines.append(f"Hint {self.hint_number}: {self.next_hint}")
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
                detail = "<pre style='margin:0;white-space:pre-wrap'>" + html.escape(_explain(r)) + "</pre>"
                if r.doc and r.public:
                    detail = f"<div><i>{html.escape(r.doc.splitlines()[0])}</i></div>" + detail
            rows.append(f"<tr><td style='text-align:center'>{icon}</td><td style='text-align:left'>"
                        f"<code>{name}</code>{detail}</td></tr>")
        body = ""
        if self.setup != "ok":
            msg = self.setup_message
            frames = "\n".join(f"line {fr['line']}, in {fr['function']}: {fr['code']}"
                               for fr in self.setup_frames)
            body = ("<pre style='white-space:pre-wrap'>" + html.escape(msg + ("\n" + frames if frames else ""))
                    + "</pre>")
        table = ("<table style='border-collapse:collapse'>" + "".join(rows) + "</table>") if rows else ""
        hint = ""
        if self.next_hint:
            hint = (f"<div style='margin-top:.4em'><b>Hint {self.hint_number}:</b> "
                    f"{html.escape(self.next_hint)}</div>")
        return (f"<div style='border-left:4px solid {color};padding-left:.6em'>"
                f"<b style='color:{color}'>{html.escape(self.headline())}</b>{body}{table}{hint}</div>")

    def __repr__(self) -> str:
        return self.text()


def _explain(r: TestResult) -> str:
    if r.status == "timeout":
        where = ""
        if r.frames:
            fr = r.frames[-1]
            where = f" It was running line {fr['line']} ({fr['code']})."
        return (f"Timed out after {r.message or 'the time limit'}: an infinite loop, or a "
                f"goroutine that never blocks?{where}")
    if r.status == "memory":
        return "Ran out of memory (the limit is 1.5 GiB): is something growing without bound?"
    if r.status == "killed":
        return r.message
    parts = []
    if r.what:
        parts.append(f"{r.what}\n  expected: {r.expected}\n  got:      {r.got}")
        if r.detail:
            parts.append(f"  ({r.detail})")
    elif r.status == "failed":
        parts.append(r.message or "assertion failed")
    else:
        parts.append(f"{r.exception}: {r.message}")
    if r.frames:
        parts.append("in your code:")
        parts.extend(f"  line {fr['line']}, in {fr['function']}: {fr['code']}" for fr in r.frames)
    if r.stdout.strip():
        parts.append("your code printed:\n" + r.stdout.rstrip()[-600:])
    return "\n".join(parts)


def _syntax_verdict(ex: core.Exercise, which: str, e: SyntaxError) -> Verdict:
    v = Verdict(ex, which, setup="syntax")
    line = (e.text or "").rstrip("\n")
    v.setup_message = f"SyntaxError: {e.msg} (line {e.lineno})" + (f"\n    {line}" if line else "")
    return v
