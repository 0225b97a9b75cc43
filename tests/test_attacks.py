"""Hostile submissions (tests/attacks/) are harmless: each one's grade is
what its honest part earns alone, the course tree and the other learners'
files are byte for byte unchanged, nothing it read reaches its feedback,
nothing it sent arrives, and no process it started is alive after the
grading returns.  They run with the static screen off, to prove the
sandbox and the verdict on their own; then the screen is shown to refuse
each of them too."""
from __future__ import annotations

import ast
import hashlib
import inspect
import os
import re
import resource
import secrets
import socket
from pathlib import Path

import pytest

from exercises import core, grading, sandbox

pytestmark = pytest.mark.skipif(not sandbox.available(),
                                reason="bubblewrap (bwrap) cannot run here: the attacks need the sandbox")

HERE = Path(__file__).parent / "attacks"
PROJECT = Path(core.__file__).resolve().parent.parent
EX = core.get("runq")
SOLUTION = core.solution_source("runq")
PARTIAL = SOLUTION.replace("    p.runq[i] = None\n", "")      # keeps a reference in the slot
assert PARTIAL != SOLUTION
# the course tree an attack could reach (the exercises' tests and answer key,
# the runtimes); the grader's own modules are left out only because other
# work may edit them while these tests run
COURSE = [PROJECT / "exercises" / "defs", PROJECT / "exercises" / "solutions",
          PROJECT / "reference_runtime", PROJECT / "gokernel", PROJECT / "course"]
BASES = {"stub": EX.starter, "partial": PARTIAL}
HOOK_FIRST_CALL = '''
_base_runqget = runqget
_attacked = []


def runqget(p):
    if not _attacked:
        _attacked.append(1)
        _attack()
    return _base_runqget(p)
'''

# (attack file, base, which tests)
ATTACKS = [
    ("forge_and_exit.py", "stub", "public"),
    ("forge_and_exit.py", "partial", "all"),
    ("forge_in_test.py", "partial", "all"),
    ("monkeypatch_tests.py", "stub", "public"),
    ("monkeypatch_expect.py", "stub", "public"),
    ("patch_expect_code.py", "stub", "public"),
    ("equal_to_everything.py", "stub", "public"),
    ("tamper_and_read.py", "partial", "all"),
    ("secret_over_tcp.py", "partial", "public"),
    ("setsid_daemon.py", "stub", "public"),
    ("fork_bomb.py", "stub", "public"),
    ("huge_output.py", "stub", "public"),
    ("symlinks_out.py", "partial", "public"),
    ("leak_hidden_tests.py", "partial", "all"),
]


def _digest(*roots: Path) -> dict:
    out = {}
    for root in roots:
        for dirpath, dirnames, files in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for f in files:
                p = Path(dirpath) / f
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _alive(marker: str) -> list[int]:
    pids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if Path(f"/proc/{d}/comm").read_text().strip() == marker:
                    pids.append(int(d))
            except OSError:
                pass
    return pids


def _hidden_snippets() -> list[str]:
    """Lines of the hidden tests' bodies (the learner must never see them)."""
    out = []
    for t in EX.hidden_tests:
        lines = [ln.strip() for ln in inspect.getsource(t.fn).splitlines()[2:]]
        out.append(max(lines, key=len))
    return out


@pytest.fixture(scope="module")
def honest():
    """What each base earns alone, graded the same way."""
    return {(b, w): grading.run_tests("runq", src, which=w).points
            for b, src in BASES.items() for w in ("public", "all")}


@pytest.fixture
def classroom(tmp_path, monkeypatch):
    """Another learner's submission and feedback, a grades file, a
    listener on 127.0.0.1, a secret in the grader's environment."""
    token = secrets.token_hex(8)
    other = tmp_path / "subs" / "ada" / "my_runtime" / "runq.py"
    other.parent.mkdir(parents=True)
    other.write_text(f"# ADA-{token}\n" + SOLUTION)
    fb = tmp_path / "feedback" / "ada.md"
    fb.parent.mkdir()
    fb.write_text(f"# Feedback for ada {token}\n")
    csv = tmp_path / "grades.csv"
    csv.write_text("learner,runq,total\nada,10,10\n")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    secret_name = "GRADER_SECRET_" + token.upper()
    monkeypatch.setenv(secret_name, f"SECRET-{token}")
    spawned = []
    monkeypatch.setattr(sandbox, "_on_spawn", spawned.append)
    defs = PROJECT / "exercises" / "defs" / "runq.py"
    ctx = {"tests": [t.name for t in EX.tests], "marker": f"atk{token[:10]}",
           "write": [str(defs), str(other), str(fb), str(csv)],
           "read": [str(other), str(fb), str(defs)],
           "port": listener.getsockname()[1], "secret_name": secret_name, "forks": 300}
    before = _digest(*COURSE, tmp_path)
    yield {"ctx": ctx, "token": token, "listener": listener, "spawned": spawned,
           "tmp": tmp_path, "before": before}
    listener.close()


def _submission(attack: str, base: str, ctx: dict) -> str:
    text = (HERE / attack).read_text()
    when = re.search(r'^WHEN = "(.*)"', text, re.M).group(1)
    tail = "\n_attack()\n" if when == "import" else HOOK_FIRST_CALL
    return f"CTX = {ctx!r}\n\n" + BASES[base] + "\n\n" + text + "\n" + tail


def _everything_shown(v) -> str:
    parts = [v.text(), v.setup_message]
    for r in v.results:
        parts += [r.stdout, r.got, r.expected, r.message, r.detail, str(r.returned)]
    return "\n".join(p for p in parts if p)


def _assert_harmless(v, room, honest_points, *, exact: bool) -> None:
    ctx = room["ctx"]
    if exact:
        assert v.points == honest_points, v.text()
    else:
        assert v.points <= honest_points, v.text()
    after = _digest(*COURSE, room["tmp"])
    assert after == room["before"], "the course tree or another submission changed"
    assert _alive(ctx["marker"]) == [], "a process the submission started outlived grading"
    assert all(p.returncode is not None for p in room["spawned"])
    shown = _everything_shown(v)
    assert room["token"] not in shown, "something of the grader's or another learner's leaked"
    for line in _hidden_snippets():
        assert line not in shown, f"a hidden test's code reached the feedback: {line!r}"
    room["listener"].setblocking(False)
    with pytest.raises(BlockingIOError):
        room["listener"].accept()                  # nobody connected


@pytest.mark.parametrize("attack,base,which", ATTACKS,
                         ids=[f"{a[:-3]}-{b}-{w}" for a, b, w in ATTACKS])
def test_a_hostile_submission_is_harmless(attack, base, which, classroom, honest):
    src = _submission(attack, base, classroom["ctx"])
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    v = grading.run_tests("runq", src, which=which, screen_source=False, timeout=15)
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0
    assert grew < 200 * 1024, f"the grader itself grew by {grew} KiB"
    # an attack that ends its own run early earns less than honest code, never more
    exact = attack not in ("leak_hidden_tests.py", "forge_and_exit.py", "monkeypatch_tests.py", "monkeypatch_expect.py",
                           "patch_expect_code.py", "equal_to_everything.py", "huge_output.py")
    _assert_harmless(v, classroom, honest[(base, which)], exact=exact)
    assert classroom["spawned"], "it was run (in the sandbox)"
    stdout = "\n".join(r.stdout for r in v.results)
    if attack == "setsid_daemon.py":
        assert "daemon running" in stdout          # it did start, inside the sandbox
    if attack == "fork_bomb.py":
        n = int(re.search(r"FORKS (\d+)", stdout).group(1))
        assert 0 < n < sandbox.Limits().nproc < classroom["ctx"]["forks"]
    if attack == "tamper_and_read.py":
        assert "WROTE" not in stdout and "could not write" in stdout
        assert "LS /sandbox/lib/exercises/solutions: []" in stdout     # no answer key inside
    if attack == "secret_over_tcp.py":
        assert "could not connect" in stdout and "<no secret in the environment>" in stdout
    if attack in ("monkeypatch_tests.py", "monkeypatch_expect.py", "patch_expect_code.py"):
        assert all(not r.passed for r in v.results)


@pytest.mark.parametrize("attack", sorted({a for a, _, _ in ATTACKS}))
def test_the_screen_refuses_each_hostile_submission_or_it_earns_nothing(attack, classroom):
    src = _submission(attack, "stub", classroom["ctx"])
    v = grading.run_tests("runq", src, which="public", timeout=15)
    assert v.points == 0
    if attack != "equal_to_everything.py":        # pure Python: stopped by the observations
        assert v.setup == "error" and "The grader does not run this code" in v.setup_message
    _assert_harmless(v, classroom, 0, exact=True)


def test_the_screen_lets_every_worked_solution_and_starter_through():
    for ex in core.registry().values():
        from exercises import screen
        assert screen.problems(core.solution_source(ex.id), ex.provides, ex.id) == [], ex.id
        assert screen.problems(ex.starter, ex.provides, ex.id) == [], ex.id


@pytest.mark.parametrize("code,why", [
    ("import exercises.solutions.runq as s\n", "answer key"),
    ("from reference_runtime.runq import runqput, runqget\n", "write"),
    ("from reference_runtime import runq\ndef runqget(p):\n    return runq.runqget(p)\n", "yourself"),
    ("import sys\n", "sys"),
    ("import importlib\n", "importlib"),
    ("x = eval('1')\n", "eval"),
    ("def f(g):\n    return g.__globals__\n", "__globals__"),
    ("x = '{0.__init__.__globals__}'.format\n", "dunder"),
    ("import random\nx = random._os\n", "_os"),
    ("class G:\n    __module__ = 'reference_runtime.g'\n", "__module__"),
])
def test_the_screen_refuses_ways_into_the_grader(code, why):
    from exercises import screen
    found = screen.problems(code, EX.provides, EX.id)
    assert found and any(why in p for p in found), found


def test_attack_files_are_python():
    for f in HERE.glob("*.py"):
        ast.parse(f.read_text())
