"""The learner's loop around an exercise: hints given only when asked, a
pass saved only when the part also works inside gokernel (the integration
check), every saved version kept with reset and restore, a saved file that
no longer loads isolated with a clear message, one work folder found from
any directory, and the learner's own copies of the notebooks kept up to date
without touching their work."""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from exercises import core, progress
from gokernel import parts, workfolder

ROOT = Path(__file__).resolve().parent.parent
RUNQ_OK = core.solution_source("runq")
# realistic mistake: the ring index not wrapped (passes the small public tests)
RUNQ_NO_WRAP = RUNQ_OK.replace("p.runq[p.runqtail % RUNQ_SIZE] = g", "p.runq[p.runqtail] = g")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.setenv("GOKERNEL_WORKDIR", str(tmp_path / "my_runtime"))
    parts._cache.clear()
    parts._problems.clear()
    return tmp_path / "my_runtime"


def _env(**extra: str) -> dict:
    env = dict(os.environ)
    for k in ("GOKERNEL_WORKDIR", "GOKERNEL_HOME", "GOKERNEL_STRICT", "GOMAXPROCS", "GODEBUG"):
        env.pop(k, None)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def _gokernel(*args: str, cwd, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gokernel", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


# --------------------------------------------------------------- hints

def test_a_failed_attempt_shows_no_hint_and_the_button_reveals_one_per_click(workdir):
    pytest.importorskip("ipywidgets")
    from exercises.notebook import grade_source, hint_button
    ex = core.get("runq")
    attempt = grade_source("runq", ex.starter)
    assert not attempt.passed
    shown = attempt.text() + attempt._repr_html_()
    assert not any(h in shown for h in ex.hints)
    box = hint_button("runq")
    button, out = box.children
    assert button.description == f"Show hint 1 of {len(ex.hints)}"
    assert progress.hints_shown(ex) == 0          # making the button reveals nothing
    button.click()
    assert progress.hints_shown(ex) == 1
    assert button.description == f"Show hint 2 of {len(ex.hints)}"
    for _ in range(len(ex.hints)):
        button.click()
    assert progress.hints_shown(ex) == len(ex.hints)
    assert button.disabled and hint_button("runq") is None


def test_no_notebook_cell_asks_for_a_hint_so_run_all_reveals_none():
    """A notebook run top to bottom (the committed outputs, Run All) calls
    no hint(): exercise cells never show one by themselves (the test above)."""
    import nbformat
    for path in sorted(glob.glob(str(ROOT / "course" / "*.ipynb"))):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert "hint(" not in cell.source.replace("hint_button", ""), \
                    f"{os.path.basename(path)} cell {cell.get('id')} asks for a hint"


@pytest.mark.parametrize("fn", ["hint", "describe", "check"])
def test_an_unknown_exercise_id_is_one_clear_line_naming_the_known_ids(fn, workdir):
    import exercises.notebook as nbmod
    with pytest.raises(nbmod.UnknownExercise) as e:
        getattr(nbmod, fn)("runqq")
    msg = str(e.value)
    assert "no exercise 'runqq'" in msg and "Did you mean 'runq'?" in msg
    assert all(i in msg for i in core.registry())
    assert e.value._render_traceback_() == [f"UnknownExercise: {msg}"]
    assert not isinstance(e.value, KeyError)


def test_the_magic_with_an_unknown_id_prints_one_line(workdir, capsys):
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "exercises")
    capsys.readouterr()       # "already loaded" when an earlier test loaded it
    res = shell.run_cell("%%exercise runqq\npass\n")
    assert res.error_in_exec is None
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("no exercise 'runqq'")


def test_describe_shows_each_public_tests_description_whole():
    from exercises.notebook import _first_paragraph, describe
    ex = core.get("runq")
    html_ = describe("runq")._repr_html_()
    for t in ex.public_tests:
        import html
        assert html.escape(_first_paragraph(t.doc)) in html_


# --------------------------------------------------------------- integration check

def test_the_integration_check_refuses_a_runqput_without_the_wrap(workdir, monkeypatch):
    """A part that passes its public tests but crashes gk.run with 1,000
    goroutines is not saved, and the verdict names the program, the error and
    the learner's line as the editor numbers it (the %%exercise line is line 1).

    The public tests of 03.1 now catch the unwrapped index themselves, so the
    public verdict is taken from the worked solution: what is under test is
    that the integration check alone keeps the part out of my_runtime/."""
    from exercises import grading, notebook
    from exercises.notebook import grade_source
    assert not grading.run_tests("runq", RUNQ_NO_WRAP).passed    # the public tests see it too
    real = grading.run_tests
    monkeypatch.setattr(notebook.grading, "run_tests",
                        lambda ex_id, source, **kw: real(ex_id, RUNQ_OK, **kw))
    attempt = grade_source("runq", RUNQ_NO_WRAP)
    assert attempt.verdict.passed and not attempt.passed
    assert attempt.saved is None and not (workdir / "runq.py").exists()
    text = attempt.text()
    assert "Not saved" in text and "fan_out_1000" in text and "IndexError" in text
    line = 1 + RUNQ_NO_WRAP.splitlines().index("        p.runq[p.runqtail] = g") + 1
    assert f"in your runqput, line {line}: p.runq[p.runqtail] = g" in text
    assert not json.loads((workdir / "progress.json").read_text())["runq"]["passed"]


def test_a_correct_part_passes_the_check_and_is_saved(workdir):
    from exercises.notebook import grade_source
    attempt = grade_source("runq", RUNQ_OK)
    assert attempt.passed and attempt.integration.checked and attempt.integration.ok
    assert attempt.saved == str(workdir / "runq.py")
    assert "Saved to my_runtime/runq.py" in attempt.text()


def test_a_model_exercise_has_no_integration_check(workdir):
    from exercises.notebook import grade_source
    attempt = grade_source("stack_grow", core.solution_source("stack_grow"))
    assert attempt.passed and attempt.integration is None
    assert (workdir / "stack_grow.py").exists()


def test_the_check_runs_the_part_beside_the_learners_other_saved_parts(workdir):
    """A chansend that loses values passes its check only if... it does not:
    the pipeline and ping-pong programs see it, with the learner's run queue
    (saved earlier) in place."""
    from exercises import integration
    progress.save_solution(core.get("runq"), RUNQ_OK)
    ex = core.get("chan_buffered")
    good = integration.check(ex, core.solution_source("chan_buffered"))
    assert good.ok, good.text()
    broken = core.solution_source("chan_buffered").replace(
        "def chansend(c, v):", "def chansend(c, v):\n    if v == 150:\n        return", 1)
    assert broken != core.solution_source("chan_buffered")
    bad = integration.check(ex, broken)
    assert not bad.ok and "buffered_pipeline" in bad.text()


def test_a_failed_resubmission_says_the_passed_version_still_runs(workdir):
    from exercises.notebook import grade_source
    assert grade_source("runq", RUNQ_OK).passed
    before = (workdir / "runq.py").read_text()
    for src in (core.get("runq").starter, RUNQ_NO_WRAP):
        attempt = grade_source("runq", src)
        assert not attempt.passed
        assert "Your passed version in my_runtime/runq.py still runs" in attempt.text()
        assert (workdir / "runq.py").read_text() == before


# --------------------------------------------------------------- versions, reset, restore

def test_every_saved_version_is_kept_and_reset_and_restore_say_what_they_did(workdir, tmp_path):
    ex = core.get("runq")
    v1 = RUNQ_OK
    v2 = RUNQ_OK.replace("def runqget(p):", "# second version\ndef runqget(p):", 1)
    progress.save_solution(ex, v1)
    progress.save_solution(ex, v2)
    assert workfolder.versions("runq") == [1, 2]
    assert (workdir / ".versions" / "runq" / "001.py").read_text() == progress.solution_text(ex, v1)
    assert "# second version" in (workdir / "runq.py").read_text()
    env = _env(GOKERNEL_WORKDIR=str(workdir))
    p = _gokernel("restore", "runq", cwd=tmp_path, env=env)
    assert p.returncode == 0, p.stderr
    assert "version 1 of 2" in p.stdout and "replaced version 2" in p.stdout
    assert (workdir / "runq.py").read_text() == progress.solution_text(ex, v1)
    p = _gokernel("reset", "runq", cwd=tmp_path, env=env)
    assert p.returncode == 0 and "reference runtime" in p.stdout and "2 saved version" in p.stdout
    assert not (workdir / "runq.py").exists()
    parts._cache.clear()
    assert "runqput" not in parts.runtime_parts()
    p = _gokernel("restore", "runq", "2", cwd=tmp_path, env=env)
    assert p.returncode == 0 and "version 2 of 2" in p.stdout
    parts._cache.clear()
    assert parts.runtime_parts()["runqput"].__module__ == "my_runtime.runq"
    p = _gokernel("restore", "runq", "7", cwd=tmp_path, env=env)
    assert p.returncode == 1 and "no version 7; versions: 1, 2" in p.stderr
    p = _gokernel("reset", "nosuch", cwd=tmp_path, env=env)
    assert p.returncode == 2 and "known:" in p.stderr


# --------------------------------------------------------------- a saved file gone bad

BAD_FILES = {
    "exits": "import sys\nsys.exit(3)\n",
    "calls_os_exit": "import os\nos._exit(4)\n",
    "does_not_load": "def runqput(rt, p, g, next)\n    pass\n",
    "raises": "raise RuntimeError('half edited')\n",
    "misses_a_function": "def runqput(rt, p, g, next):\n    pass\n",
}


def _program(tmp_path) -> Path:
    prog = tmp_path / "prog.py"
    prog.write_text(textwrap.dedent("""
        import gokernel as gk

        def main():
            got = []
            wg = gk.WaitGroup()
            wg.add(300)
            for i in range(300):
                gk.go(lambda i=i: (got.append(i), wg.done()))
            wg.wait()
            print(len(got), sum(got))
    """))
    return prog


@pytest.mark.parametrize("how", list(BAD_FILES))
def test_a_saved_file_edited_into_a_bad_one_is_named_and_the_reference_runs(how, workdir, tmp_path):
    progress.save_solution(core.get("runq"), RUNQ_OK)
    (workdir / "runq.py").write_text(BAD_FILES[how])
    env = _env(GOKERNEL_WORKDIR=str(workdir))
    _program(tmp_path)
    p = _gokernel("prog.py", cwd=tmp_path, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "300 44850\n"
    assert "my_runtime/runq.py is not used" in p.stderr
    q = _gokernel("progress", cwd=tmp_path, env=env)
    assert q.returncode == 0, q.stderr
    assert "my_runtime/runq.py is not used" in q.stdout
    row = next(ln for ln in q.stdout.splitlines() if " runq " in ln)
    assert "reference" in row and " 0/10" in row


def test_a_file_that_hangs_at_import_is_stopped_by_the_time_limit(workdir, monkeypatch):
    progress.save_solution(core.get("runq"), RUNQ_OK)
    (workdir / "runq.py").write_text("while True:\n    pass\n")
    monkeypatch.setattr(workfolder, "VET_TIMEOUT", 1.0)
    with pytest.warns(RuntimeWarning, match=r"my_runtime/runq.py is not used \(importing it did not finish within 1 s"):
        assert parts.load_module("runq") is None
    assert "runqput" not in parts.runtime_parts()
    # the verdict is remembered: the next process does not wait again
    entry = workfolder.read_manifest()["parts"]["runq"]
    assert entry["rejected"]["sha256"] == workfolder.sha256_file(str(workdir / "runq.py"))


def test_a_good_hand_edit_is_vetted_once_then_used(workdir):
    progress.save_solution(core.get("runq"), RUNQ_OK)
    (workdir / "runq.py").write_text(RUNQ_OK.replace("def runqget(p):", "EDITED = 1\n\ndef runqget(p):", 1))
    mod = parts.load_module("runq")
    assert mod is not None and mod.EDITED == 1
    assert workfolder.read_manifest()["parts"]["runq"]["vetted"] == \
        workfolder.sha256_file(str(workdir / "runq.py"))


def test_a_trusted_file_that_raises_systemexit_at_import_does_not_end_the_process(workdir):
    """Even a file whose recorded hash matches is imported with every
    exception caught (SystemExit included)."""
    ex = core.get("runq")
    workfolder.save_part("runq", "raise SystemExit(5)\n", ex.kind, ex.provides, ex.label,
                         course=progress.course_table())
    with pytest.warns(RuntimeWarning, match="SystemExit: 5"):
        assert parts.load_module("runq") is None
    import gokernel as gk
    assert gk.run(lambda: 42, gomaxprocs=1, quiet=True) == 42


def test_a_corrupt_progress_file_is_reported_and_kept_not_silently_reset(workdir, capsys):
    progress.save_solution(core.get("runq"), RUNQ_OK)
    (workdir / "progress.json").write_text('{"runq": {"attempts": 3,')
    assert progress.load() == {}
    err = capsys.readouterr().err
    assert "progress.json could not be read" in err and "kept it as" in err
    backups = list(workdir.glob("progress.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_text() == '{"runq": {"attempts": 3,'
    assert parts.load_module("runq") is not None        # the passed part is unaffected


# --------------------------------------------------------------- one home, from any folder

def test_progress_and_programs_find_the_learners_work_from_any_folder(tmp_path):
    home = tmp_path / "course-home"
    env = _env(GOKERNEL_HOME=str(home))
    saved = {k: os.environ.get(k) for k in ("GOKERNEL_HOME", "GOKERNEL_WORKDIR")}
    os.environ.pop("GOKERNEL_WORKDIR", None)
    os.environ["GOKERNEL_HOME"] = str(home)
    try:
        progress.save_solution(core.get("runq"), RUNQ_OK)
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    assert (home / "my_runtime" / "runq.py").exists()
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    p = _gokernel("progress", cwd=elsewhere, env=env)
    assert p.returncode == 0, p.stderr
    row = next(ln for ln in p.stdout.splitlines() if " runq " in ln)
    assert "yours" in row and "10/10" in row
    assert str(home / "my_runtime") in p.stdout
    (elsewhere / "prog.py").write_text(
        "import gokernel as gk\n\ndef main():\n"
        "    print(gk.parts.runtime_parts()['runqput'].__module__)\n")
    p = _gokernel("prog.py", cwd=elsewhere, env=env)
    assert p.stdout == "my_runtime.runq\n", p.stderr
    p = _gokernel("where", cwd=elsewhere, env=env)
    assert "your parts: runq" in p.stdout and str(home / "my_runtime") in p.stdout


def test_the_default_home_is_goroutines_course_in_the_users_home(tmp_path, monkeypatch):
    monkeypatch.delenv("GOKERNEL_WORKDIR", raising=False)
    monkeypatch.delenv("GOKERNEL_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert workfolder.home() == str(tmp_path / "goroutines-course")
    assert workfolder.workdir() == str(tmp_path / "goroutines-course" / "my_runtime")
    monkeypatch.setenv("GOKERNEL_HOME", str(tmp_path / "elsewhere"))
    assert workfolder.workdir() == str(tmp_path / "elsewhere" / "my_runtime")


def test_a_program_run_on_a_terminal_says_which_runtime_and_folder(tmp_path):
    """On a terminal, stderr names the runtime and the work folder first
    (piped, stderr stays exactly Go's: the corpus tests compare it)."""
    import pty
    (tmp_path / "prog.py").write_text("def main():\n    print('hi')\n")
    master, slave = pty.openpty()
    try:
        p = subprocess.run([sys.executable, "-m", "gokernel", "prog.py"], cwd=tmp_path,
                           env=_env(GOKERNEL_WORKDIR=str(tmp_path / "w")), stdout=subprocess.PIPE,
                           stderr=slave, text=True, timeout=60)
        os.close(slave)
        err = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
    finally:
        os.close(master)
    assert p.stdout == "hi\n"
    assert "every part comes from the reference runtime" in err.decode()
    assert str(tmp_path / "w") in err.decode()


def test_gokernel_run_finds_the_learners_parts_without_importing_the_grader(tmp_path):
    wd = tmp_path / "my_runtime"
    env = _env(GOKERNEL_WORKDIR=str(wd))
    saved = os.environ.get("GOKERNEL_WORKDIR")
    os.environ["GOKERNEL_WORKDIR"] = str(wd)
    try:
        for ex_id in ("runq", "chan_unbuffered"):
            progress.save_solution(core.get(ex_id), core.solution_source(ex_id))
    finally:
        os.environ["GOKERNEL_WORKDIR"] = saved
    code = textwrap.dedent("""
        import sys
        import gokernel
        c = []
        def main():
            ch = gokernel.chan()
            gokernel.go(ch.send, 7)
            c.append(ch.recv())
        gokernel.run(main, gomaxprocs=1)
        mods = [m for m in sys.modules if m == "exercises" or m.startswith("exercises.")]
        print(c, sorted(gokernel.parts.runtime_parts()), mods)
    """)
    p = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().endswith("[7] ['runqget', 'runqput'] []"), p.stdout


# --------------------------------------------------------------- the learner's notebooks

def _nb(*sources: str) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "source": s, "metadata": {},
                                  "outputs": [], "execution_count": None} for s in sources],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_lab_copies_then_updates_untouched_notebooks_and_never_a_worked_one(tmp_path):
    from gokernel import lab
    course, home = tmp_path / "course", tmp_path / "home"
    course.mkdir()
    (course / "01_a.ipynb").write_text(_nb("x = 1"))
    (course / "02_b.ipynb").write_text(_nb("y = 2"))
    notes = lab.sync(str(home), str(course))
    assert notes == ["copied 01_a.ipynb", "copied 02_b.ipynb"]
    assert lab.sync(str(home), str(course)) == []
    # the learner runs 01 (outputs only) and answers in 02
    ran = json.loads((home / "01_a.ipynb").read_text())
    ran["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ran\n"}]
    (home / "01_a.ipynb").write_text(json.dumps(ran))
    (home / "02_b.ipynb").write_text(_nb("y = 2", "my answer"))
    # the course updates both and adds 03
    (course / "01_a.ipynb").write_text(_nb("x = 10"))
    (course / "02_b.ipynb").write_text(_nb("y = 20"))
    (course / "03_c.ipynb").write_text(_nb("z = 3"))
    notes = lab.sync(str(home), str(course))
    assert "updated 01_a.ipynb (the course changed it; you had not)" in notes
    assert "copied 03_c.ipynb" in notes
    kept = [n for n in notes if n.startswith("kept your 02_b.ipynb")]
    assert len(kept) == 1
    assert (home / "01_a.ipynb").read_text() == _nb("x = 10")
    assert (home / "02_b.ipynb").read_text() == _nb("y = 2", "my answer")      # untouched
    beside = list(home.glob("02_b.updated-*.ipynb"))
    assert len(beside) == 1 and beside[0].read_text() == _nb("y = 20") and beside[0].name in kept[0]
    # deleting a copy gets a fresh one, as nbgitpuller does
    (home / "03_c.ipynb").unlink()
    assert lab.sync(str(home), str(course)) == ["copied 03_c.ipynb (you had deleted it: a fresh copy)"]


def test_lab_keeps_a_learners_own_file_that_has_a_new_notebooks_name(tmp_path):
    from gokernel import lab
    course, home = tmp_path / "course", tmp_path / "home"
    course.mkdir()
    home.mkdir()
    (course / "01_a.ipynb").write_text(_nb("course"))
    (home / "01_a.ipynb").write_text(_nb("mine"))
    notes = lab.sync(str(home), str(course))
    mine = list(home.glob("01_a.mine-*.ipynb"))
    assert len(mine) == 1 and mine[0].read_text() == _nb("mine")
    assert (home / "01_a.ipynb").read_text() == _nb("course")
    assert notes == [f"copied 01_a.ipynb; your own file of that name is now {mine[0].name}"]


def test_lab_dry_run_copies_the_course_and_prints_the_jupyterlab_command(tmp_path):
    home = tmp_path / "home"
    p = _gokernel("lab", "--dry-run", "--no-browser", cwd=tmp_path, env=_env(GOKERNEL_HOME=str(home)))
    assert p.returncode == 0, p.stderr
    names = sorted(os.path.basename(n) for n in glob.glob(str(ROOT / "course" / "*.ipynb")))
    assert sorted(n.name for n in home.glob("*.ipynb")) == names
    cmd = next(ln for ln in p.stdout.splitlines() if ln.startswith("would run: "))
    assert f"-m jupyter lab --ServerApp.root_dir={home}" in cmd and cmd.endswith("--no-browser")
    assert ("--allow-root" in cmd) == (os.geteuid() == 0)
    assert str(home) in p.stdout.splitlines()[0]


def test_the_launch_command_allows_root_only_as_root(monkeypatch):
    from gokernel import lab
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert "--allow-root" in lab.command("/h", [])
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert "--allow-root" not in lab.command("/h", ["--no-browser"])


def test_status_describes_each_exercise_as_the_registry_does_from_the_manifest(workdir):
    """The notebooks read id, kind, label, points and title from
    parts.status(): the manifest's table gives the registry's values."""
    progress.save_solution(core.get("runq"), RUNQ_OK)
    rows = parts.status()
    assert [p.id for p, _ in rows] == list(core.registry())
    for p, mine in rows:
        ex = core.get(p.id)
        assert (p.kind, p.label, p.points, p.title, p.provides) == \
               (ex.kind, ex.label, ex.points, ex.title, ex.provides)
        assert mine == (p.id == "runq")


def test_a_hand_edit_that_breaks_the_runtime_is_refused_as_a_pass_would_be(workdir, tmp_path):
    """Edited by hand into the unwrapped runqput: the file loads, but the
    integration check (run on the edited file before first use) fails, so
    the reference runs and the file is named."""
    progress.save_solution(core.get("runq"), RUNQ_OK)
    (workdir / "runq.py").write_text(RUNQ_NO_WRAP)
    _program(tmp_path)
    p = _gokernel("prog.py", cwd=tmp_path, env=_env(GOKERNEL_WORKDIR=str(workdir)))
    assert p.returncode == 0, p.stderr
    assert p.stdout == "300 44850\n"
    assert "my_runtime/runq.py is not used (it breaks gokernel: fan_out_1000: IndexError" in p.stderr


def test_a_corrupt_manifest_is_reported_kept_and_the_parts_rechecked(workdir, capsys):
    progress.save_solution(core.get("runq"), RUNQ_OK)
    (workdir / "manifest.json").write_text("{not json")
    parts._cache.clear()
    mod = parts.load_module("runq")          # no recorded hash now: vetted, then used
    err = capsys.readouterr().err
    assert "manifest.json could not be read" in err and "kept it as" in err
    assert [p.read_text() for p in workdir.glob("manifest.json.corrupt-*")] == ["{not json"]
    assert mod is not None and parts.runtime_parts()["runqput"].__module__ == "my_runtime.runq"
    # the new manifest lists the file as vetted: the next process does not check it again
    assert workfolder.read_manifest()["parts"]["runq"]["vetted"] == \
        workfolder.sha256_file(str(workdir / "runq.py"))


def test_a_revealed_hint_can_be_read_again_and_a_later_one_is_not_given_early(workdir):
    from exercises.notebook import hint
    ex = core.get("runq")
    assert "not revealed yet" in repr(hint("runq", 1))
    assert progress.hints_shown(ex) == 0
    hint("runq")
    assert repr(hint("runq", 1)) == f"Hint 1/{len(ex.hints)}: {ex.hints[0]}"
    assert "not revealed yet" in repr(hint("runq", 2)) and progress.hints_shown(ex) == 1
    with pytest.raises(ValueError):
        hint("runq", 0)


def test_lab_brings_the_work_of_the_old_course_folder_into_the_home_once(tmp_path):
    from gokernel import lab
    course = tmp_path / "course"
    old = course / "my_runtime"
    old.mkdir(parents=True)
    (old / "runq.py").write_text(RUNQ_OK)
    (old / "progress.json").write_text('{"runq": {"attempts": 2}}')
    new = tmp_path / "home" / "my_runtime"
    note = lab.bring_earlier_work(str(new), str(course))
    assert str(old) in note and str(new) in note
    assert (new / "runq.py").read_text() == RUNQ_OK and (old / "runq.py").exists()
    assert lab.bring_earlier_work(str(new), str(course)) == ""      # once: the home has its own now


def test_lab_help_prints_its_usage_and_copies_nothing(tmp_path):
    home = tmp_path / "course-home"
    p = _gokernel("lab", "--help", cwd=tmp_path, env=_env(GOKERNEL_HOME=str(home)))
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("usage: python -m gokernel lab")
    assert not home.exists()
