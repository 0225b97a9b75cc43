"""Verdicts a learner can act on (issue 10, item 4): each test here proves
one defect of the old verdicts gone — descriptions cut mid-sentence, long
values uncut, line numbers one less than the editor's, the wrong cause named
for a loop, a block, a death or a wrong return type — and that the text and
HTML renderings say the same thing."""
from __future__ import annotations

import html
import re

from exercises import core, grading
from exercises.core import Mismatch, solution_source
from exercises.verdict import TestResult, Verdict, first_difference, whole_doc

RUNQ_OK = solution_source("runq")
FIFO = ["test_the_ring_is_first_in_first_out"]


def _runqget(body: str, prelude: str = "") -> str:
    """The worked runq solution with runqget's body replaced."""
    head = RUNQ_OK.split("def runqget(p):")[0]
    return prelude + head + "def runqget(p):\n" + body


def _flat(s: str) -> str:
    return " ".join(s.split())


def _html_text(v: Verdict) -> str:
    """The HTML verdict's visible text."""
    return _flat(html.unescape(re.sub(r"<[^>]+>", " ", v._repr_html_())))


# --- whole test descriptions ------------------------------------------------

def test_every_test_description_is_shown_whole_in_text_and_html():
    multi = 0
    for ex in core.registry().values():
        v = Verdict(ex, "public")
        v.results = [TestResult(t.name, True, t.doc, "failed", message="x") for t in ex.tests]
        text, page = _flat(v.text()), _html_text(v)
        for t in ex.tests:
            assert whole_doc(t.doc) in text, (ex.id, t.name)
            assert whole_doc(t.doc) in page, (ex.id, t.name)
            multi += len(t.doc.splitlines()) > 1
    assert multi > 30          # the descriptions that used to be cut after their first line


def test_a_two_line_description_is_shown_whole_after_a_real_failure():
    v = grading.run_tests("runq", _runqget("    return None, False\n"),
                          only=["test_a_full_ring_moves_half_of_it_and_the_new_g_to_the_global_queue"])
    assert not v.passed
    doc = next(t.doc for t in core.get("runq").tests
               if t.name == "test_a_full_ring_moves_half_of_it_and_the_new_g_to_the_global_queue")
    assert len(doc.splitlines()) > 1
    assert whole_doc(doc) in _flat(v.text())
    assert whole_doc(doc) in _html_text(v)


# --- long values are cut, with the first difference located ---------------------

def test_a_huge_wrong_value_is_cut_in_expected_got_and_first_difference():
    # a str x int mistake: the goid's digits repeated four thousand times
    v = grading.run_tests("runq", _runqget(
        "    g, inh = p.runq[p.runqhead % 256], False\n"
        "    if p.runqtail == p.runqhead:\n        return None, False\n"
        "    p.runqhead += 1\n    g.goid = str(g.goid) * 4000\n    return g, inh\n"), only=FIFO)
    r = v.results[0]
    assert r.status == "failed" and len(r.got) > 300 and "first difference at index 0" in r.detail
    text = v.text()
    assert max(len(line) for line in text.splitlines()) < 400, text
    assert "…" in text
    assert len(v._repr_html_()) < 4000


def test_two_long_strings_name_the_character_where_they_first_differ():
    a, b = "x" * 5000 + "A" + "y" * 5000, "x" * 5000 + "B" + "y" * 5000
    detail = first_difference(a, b)
    assert detail.startswith("first difference at character 5,000:")
    assert "A" in detail and "B" in detail and len(detail) < 200
    assert Mismatch("trace", a, b).detail == detail
    assert first_difference("abc", "abcdef").startswith("lengths differ: expected 3 characters, got 6")


def test_a_long_item_in_a_list_difference_is_cut_around_where_it_differs():
    exp = [1, "z" * 1000 + "END"]
    got = [1, "z" * 1000 + "XYZ"]
    detail = first_difference(exp, got)
    assert detail.startswith("first difference at index 1:")
    assert "END" in detail and "XYZ" in detail and len(detail) < 200


def test_expected_and_got_are_cut_keeping_the_first_difference_in_view():
    ex = core.get("runq")
    exp, got = repr("a" * 140 + "EXPECTED" + "b" * 100), repr("a" * 140 + "GOTTEN!!" + "b" * 100)
    v = Verdict(ex, "public", results=[TestResult("t", True, "d", "failed", what="trace",
                                                  expected=exp, got=got)])
    lines = v.text().splitlines()
    e = next(ln for ln in lines if "expected:" in ln)
    g = next(ln for ln in lines if "got:" in ln)
    assert "EXPECTED" in e and "GOTTEN" in g and len(e) < 200 and len(g) < 200


# --- the likely cause, named correctly -----------------------------------------------

def test_a_python_loop_at_the_total_limit_is_stopped_with_its_line_not_blamed_on_c_code():
    # per-test timer longer than the whole run: the old runner was killed blind
    v = grading.run_tests("runq", _runqget("    while True:\n        p.runqhead += 0\n"),
                          only=FIFO, per_test_timeout=30.0, timeout=3.0)
    r = v.results[0]
    assert r.status == "timeout", v.text()
    text = v.text()
    assert "C code" not in text and "memory or recursion" not in text
    assert "computing all along" in text and "a loop that never ends" in text
    assert "while True" in text


def test_code_blocked_on_a_lock_is_called_blocked_not_a_loop():
    # a queue's own mutex is a threading.Lock: taken twice, the second acquire waits for ever
    v = grading.run_tests("runq", _runqget(
        "    lock = queue.Queue().mutex\n    lock.acquire()\n    lock.acquire()\n",
        prelude="import queue\n"), only=FIFO, per_test_timeout=2.0)
    text = v.text()
    assert v.results[0].status == "timeout", text
    assert "blocked on a lock, a queue or an event" in text
    assert "never blocks" not in text and "loop that never ends" not in text
    assert "lock.acquire()" in text


def test_code_blocked_on_a_full_queue_is_called_blocked():
    v = grading.run_tests("runq", _runqget(
        "    q = queue.Queue(maxsize=1)\n    q.put(1)\n    q.put(2)\n",
        prelude="import queue\n"), only=FIFO, per_test_timeout=2.0)
    assert v.results[0].status == "timeout"
    assert "blocked on a lock, a queue or an event" in v.text()


def _stopped(stop: dict, setup: bool = False) -> Verdict:
    """A verdict whose test process was stopped as `stop` says (what
    run_tests records when the process is killed or exits)."""
    v = Verdict(core.get("runq"), "public")
    r = TestResult("test_x", True, "d", "killed", stop=stop)
    v.results = [r]
    return v


def test_a_process_that_exits_says_so_in_a_sentence():
    text = _stopped({"exit_status": 1}).text()
    assert "Your code ended the test process (exit status 1) while running this test" in text
    assert "was the test process" not in text and "C code" not in text
    assert "os._exit" in text


def test_a_process_killed_by_a_signal_names_the_signal_and_a_fitting_cause():
    segv = _stopped({"exit_status": -11}).text()
    assert "crashed the test process (SIGSEGV)" in segv and "recursion" in segv
    kill = _stopped({"exit_status": -9}).text()
    assert "was killed by the system (SIGKILL)" in kill and "memory" in kill


def test_too_much_output_says_so():
    text = _stopped({"exit_status": -9, "output_limit": 16 << 20}).text()
    assert "Your code wrote more than 16 MiB of output and was stopped while running this test" in text


def test_top_level_code_that_was_stopped_says_so_in_a_sentence():
    from exercises.verdict import stopped_phrase
    assert stopped_phrase({"exit_status": 3}) == "ended the test process (exit status 3)"
    assert stopped_phrase({"limit": 20.0}) == "was stopped after 20 s"
    v = grading.run_tests("runq", "sum(range(10**11))\n", timeout=3.0)
    assert v.setup == "killed"
    assert "Your code was stopped after 3 s before any test ran." in v.text()


def test_a_c_level_computation_at_the_total_limit_is_named_as_such():
    v = grading.run_tests("runq", _runqget("    sum(range(10**11))\n    return None, False\n"),
                          only=FIFO, per_test_timeout=1.0, timeout=3.0)
    text = v.text()
    assert "Your code was stopped after 3 s while running this test" in text
    assert "never returned to Python" in text


def test_a_wrong_return_type_blames_the_learners_return_value():
    # the test unpacks runqget's result in its own code: TypeError in the test, not the learner's code
    v = grading.run_tests("runq", _runqget("    return 3\n"), only=FIFO)
    r = v.results[0]
    assert r.status == "error" and r.exception == "TypeError"
    assert r.returned == {"function": "runqget", "returned": "an int", "expected": "a (G, bool) pair"}
    assert "Your runqget returned an int where a (G, bool) pair was expected" in v.text()
    assert "Your runqget returned an int where a (G, bool) pair was expected" in _html_text(v)


def test_an_error_in_the_learners_own_code_is_not_blamed_on_a_return_value():
    v = grading.run_tests("runq", _runqget("    return p.nope\n"), only=FIFO)
    r = v.results[0]
    assert r.exception == "AttributeError" and r.returned is None
    assert "returned" not in v.text()


# --- line numbers as the editor shows them ------------------------------------------

def test_line_offset_makes_frame_lines_match_the_editor():
    src = _runqget("    x = None\n    return x.goid, False\n")
    line_in_source = src.splitlines().index("    return x.goid, False") + 1
    v = grading.run_tests("runq", src, only=FIFO)
    assert f"line {line_in_source}, in runqget" in v.text()
    v.line_offset = 1            # the %%exercise line above the code
    assert f"line {line_in_source + 1}, in runqget" in v.text()
    assert f"line {line_in_source + 1}, in runqget" in _html_text(v)


def test_line_offset_applies_to_syntax_errors_and_timeouts():
    v = grading.run_tests("runq", "x = 1\ndef runqput(rt, p, g, next)\n    pass\n")
    v.line_offset = 1
    assert "(line 3)" in v.text() and "(line 3)" in _html_text(v)
    src = _runqget("    while True:\n        pass\n")
    loop = src.splitlines().index("    while True:") + 1
    t = grading.run_tests("runq", src, only=FIFO, per_test_timeout=1.0)
    assert t.results[0].status == "timeout"
    line = t.results[0].frames[-1]["line"]
    assert line in (loop, loop + 1)              # the loop's header or its body
    t.line_offset = 1
    assert f"running line {line + 1} " in t.text() and f"running line {line + 1} " in _html_text(t)


# --- the two renderings agree; hints are not shown ---------------------------

def test_html_and_text_say_the_same():
    cases = [grading.run_tests("runq", _runqget("    return None, False\n"), only=FIFO),
             grading.run_tests("runq", _runqget("    return 3\n"), only=FIFO),
             grading.run_tests("runq", "def runqput(rt, p, g, next)\n"),
             grading.run_tests("runq", "raise ValueError('at import')\n")]
    for v in cases:
        page = _html_text(v)
        for line in v.text().splitlines():
            words = _flat(re.sub(r"^\s*\[[A-Za-z ]+\]", "", line).replace("checks:", ""))
            assert words in page, (words, page)


def test_a_verdict_never_shows_a_hint_by_itself():
    v = grading.run_tests("runq", _runqget("    return None, False\n"), only=FIFO)
    v.hint_number, v.next_hint = 1, "THE HINT TEXT"
    assert "THE HINT TEXT" not in v.text() and "THE HINT TEXT" not in v._repr_html_()
