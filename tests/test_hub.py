"""A class on a real JupyterHub: two learners, one hub, the instructor's loop.

One test, end to end, on 127.0.0.1 (see ``tests/hub/hubharness.py`` for
what is started and how it is stopped):

1. two learner accounts (system users, homes 0700) and a JupyterHub with PAM
   and LocalProcessSpawner: each learner's JupyterLab runs as that learner,
   on the learner edition (``python -m exercises edition build``: no worked
   solutions, no hidden tests), as a class's image does;
2. the course as a class gets it: the instructor publishes the notebooks as
   a git repository (served by ``git daemon`` on loopback), and each learner, logged in through headless Chromium,
   opens the nbgitpuller link (``/hub/user-redirect/git-pull?repo=...``),
   which clones it into ``~/goroutines-course`` and opens notebook 03;
3. learner A passes 03.1 (runq) and learner B 03.3 (greuse), each typing the
   worked solution into the notebook's ``%%exercise`` cell, running it and
   saving the notebook;
4. from a cell in each learner's own kernel: ``python -m gokernel progress``
   shows their exercise as theirs and the other's as the reference's, and
   the other learner's home can be neither listed, read nor written;
5. the instructor updates the course (a changed cell in the notebook the
   learners worked in, a changed notebook, a new one) and learner A opens
   the link again: the update arrives and A's answer, output and
   ``my_runtime/`` are untouched;
6. the instructor collects both homes and grades them with ``python -m
   exercises grade``: A earns runq's points and not greuse's, B the reverse;
   each learner's feedback goes back into their home, readable by them only.

Everything started (users, hub, proxy, servers, kernels, the browser) is
stopped even when the test fails, and the test checks that no process of
the learners is left.
"""
from __future__ import annotations

import asyncio
import csv
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

import pytest

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "hub"))
import hubharness  # noqa: E402
import labharness  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOK = "03_scheduler_on_one_p.ipynb"
HOME_DIR = "goroutines-course"          # nbgitpuller's targetPath: the learner's course home

# the learners' probe, run in their own kernel: their progress, and the
# other learner's home
PROBE = r'''
import json, os, subprocess, sys
other = {other!r}
report = {{"uid": os.getuid(), "cwd": os.getcwd()}}
p = subprocess.run([sys.executable, "-m", "gokernel", "progress"], capture_output=True, text=True)
report["progress"] = p.stdout + p.stderr
def attempt(what, fn):
    try:
        fn()
        report[what] = "allowed"
    except PermissionError:
        report[what] = "PermissionError"
    except OSError as e:
        report[what] = type(e).__name__ + ": " + str(e)
try:
    import exercises.solutions.runq  # noqa: F401
    report["answer_key"] = "importable"
except ImportError:
    report["answer_key"] = "absent"
from exercises import core
report["solution_source"] = hasattr(core, "solution_source")
report["exercises_from"] = os.path.dirname(os.path.dirname(core.__file__))
attempt("list_other_home", lambda: os.listdir(other))
attempt("read_other_runtime", lambda: open(os.path.join(other, {other_file!r})).read())
attempt("write_other_home", lambda: open(os.path.join(other, "planted.txt"), "w").write("x"))
attempt("write_other_course", lambda: open(os.path.join(other, {other_nb!r}), "a").write("x"))
print("PROBE " + json.dumps(report))
'''


def _log(msg: str) -> None:
    sys.stderr.write(f"[hub {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


def _git(*args, cwd):
    return subprocess.run(["git", "-c", "user.name=Instructor", "-c", "user.email=i@example.org",
                           *args], cwd=cwd, check=True, capture_output=True, text=True)


def publish_course(repo: str) -> None:
    """The instructor's course repository: the learner edition's notebooks at
    its root (docs/CLASSROOM.md makes it with ``git subtree split``)."""
    os.makedirs(repo)
    _git("init", "-q", "-b", "main", cwd=repo)
    for name in sorted(os.listdir(os.path.join(ROOT, "course"))):
        if name.endswith(".ipynb"):
            shutil.copy(os.path.join(ROOT, "course", name), repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "course", cwd=repo)
    subprocess.run(["chmod", "-R", "a+rX", repo], check=True)


def update_course(repo: str) -> dict:
    """A course update: a new markdown cell at the top of notebook 03 (which
    the learners worked in), a changed notebook 01, a new notebook."""
    import nbformat
    p = os.path.join(repo, NOTEBOOK)
    nb = nbformat.read(p, as_version=4)
    note = "**Course update:** errata for this notebook are at the end of the course."
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(note))
    nbformat.write(nb, p)
    p1 = os.path.join(repo, "01_stacks.ipynb")
    nb1 = nbformat.read(p1, as_version=4)
    nb1.cells.append(nbformat.v4.new_markdown_cell("A closing remark added by the update."))
    nbformat.write(nb1, p1)
    extra = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Extra practice")])
    nbformat.write(extra, os.path.join(repo, "10_extra_practice.ipynb"))
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "course update", cwd=repo)
    subprocess.run(["chmod", "-R", "a+rX", repo], check=True)
    return {"note": note, "closing": "A closing remark added by the update."}


# ---------------------------------------------------------------- the browser

JS_LAB_READY = labharness.JS_READY

JS_NOTEBOOK = r"""
(p) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return null;
  const w = app.shell.currentWidget;
  if (!w || !w.context || w.context.path !== p || !w.sessionContext) return null;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  return {ready: w.context.isReady && w.sessionContext.isReady, kernel: k ? k.status : null,
          dialog: !!document.querySelector('.jp-Dialog')};
}
"""

# run the cell whose source starts with `prefix` (or append a new one) with
# `source` in it, through Lab's own command, as Shift+Enter does
JS_RUN_CELL = r"""
async ([prefix, source]) => {
  const app = window.jupyterapp;
  const nb = app.shell.currentWidget.content;
  const cells = nb.model.sharedModel.cells;
  let i = prefix === null ? -1 : cells.findIndex(c => c.getSource().startsWith(prefix));
  if (prefix !== null && i < 0) return {error: 'no cell starts with ' + prefix};
  if (i < 0) {
    nb.model.sharedModel.insertCell(cells.length, {cell_type: 'code', source: ''});
    i = nb.model.sharedModel.cells.length - 1;
  }
  nb.activeCellIndex = i;
  if (source !== null) nb.activeCell.model.sharedModel.setSource(source);
  await app.commands.execute('notebook:run-cell');
  return {index: i};
}
"""

JS_CELL = r"""
(i) => {
  const w = window.jupyterapp.shell.currentWidget;
  const cell = w.content.widgets[i];
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  const m = cell.model.toJSON();
  return {count: m.execution_count, kernel: k ? k.status : null,
          prompt: cell.node.querySelector('.jp-InputArea-prompt').textContent.trim(),
          outputs: m.outputs};
}
"""

JS_SAVE = r"""
async () => {
  const w = window.jupyterapp.shell.currentWidget;
  await w.context.save();
  return w.context.model.dirty;
}
"""


def output_text(outputs: list) -> str:
    parts = []
    for o in outputs:
        if o.get("output_type") == "stream":
            parts.append("".join(o.get("text", "")))
        elif o.get("output_type") in ("execute_result", "display_data"):
            t = o.get("data", {}).get("text/plain", "")
            parts.append("".join(t) if isinstance(t, list) else t)
        elif o.get("output_type") == "error":
            parts.append(f"{o.get('ename')}: {o.get('evalue')}")
    return "\n".join(parts)


async def run_cell(page, prefix, source, timeout=180) -> str:
    r = await page.evaluate(JS_RUN_CELL, [prefix, source])
    assert "error" not in r, r
    i = r["index"]
    deadline = time.monotonic() + timeout
    stable = 0
    while True:
        c = await page.evaluate(JS_CELL, i)
        ok = c["count"] is not None and c["kernel"] == "idle" and "*" not in c["prompt"]
        stable = stable + 1 if ok else 0
        if stable >= 3:                       # finished and unchanged for about 0.75 s
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"cell {i} did not finish in {timeout} s: {c}")
        await asyncio.sleep(0.25)
    return output_text(c["outputs"])


async def open_course_link(page, hub, learner, repo: str) -> None:
    """Open the nbgitpuller link as the learner (the hub spawns their server
    if needed); wait until notebook 03 is open in Lab with an idle kernel."""
    query = urllib.parse.urlencode({"repo": repo, "branch": "main", "targetPath": HOME_DIR,
                                    "urlpath": f"lab/tree/{HOME_DIR}/{NOTEBOOK}"})
    await page.goto(f"{hub.base}/hub/user-redirect/git-pull?{query}",
                    wait_until="domcontentloaded", timeout=180_000)
    await page.wait_for_url(f"**/user/{learner.name}/lab/**", timeout=90_000)
    await labharness._wait(page, JS_LAB_READY, bool, 120, "JupyterLab to load")
    rel = f"{HOME_DIR}/{NOTEBOOK}"
    deadline = time.monotonic() + 120
    while True:
        s = await page.evaluate(JS_NOTEBOOK, rel)
        if s and s.get("dialog"):
            btn = page.locator(".jp-Dialog .jp-mod-accept").first
            if await btn.count():
                await btn.click()
        if s and s["ready"] and s["kernel"] == "idle":
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{rel} did not open with an idle kernel: {s}")
        await asyncio.sleep(0.25)


async def login(ctx, hub, learner):
    page = await ctx.new_page()
    await page.goto(f"{hub.base}/hub/login", wait_until="domcontentloaded", timeout=60_000)
    await page.fill("#username_input", learner.name)
    await page.fill("#password_input", learner.password)
    await page.click("#login_submit")
    await page.wait_for_load_state("domcontentloaded")
    return page


def solution(ex_id: str) -> str:
    with open(os.path.join(ROOT, "exercises", "solutions", f"{ex_id}.py")) as f:
        return f"%%exercise {ex_id}\n" + f.read()


async def learner_session(ctx, hub, learner, other, ex_id, repo, pages):
    page = await login(ctx, hub, learner)
    pages[learner.name] = page
    await open_course_link(page, hub, learner, repo)
    hub.remember()
    setup = await run_cell(page, "# NBVAL_IGNORE_OUTPUT\n# (the first line below", None)
    verdict = await run_cell(page, f"%%exercise {ex_id}", solution(ex_id))
    hub.remember()
    dirty = await page.evaluate(JS_SAVE)
    probe = await run_cell(page, None, PROBE.format(
        other=other.home, other_file=f"{HOME_DIR}/my_runtime/{'greuse' if ex_id == 'runq' else 'runq'}.py",
        other_nb=f"{HOME_DIR}/{NOTEBOOK}"))
    await page.evaluate(JS_SAVE)
    line = [ln for ln in probe.splitlines() if ln.startswith("PROBE ")]
    assert line, f"the probe printed no report: {probe}"
    return {"setup": setup, "verdict": verdict, "dirty_after_save": dirty,
            "probe": json.loads(line[-1][len("PROBE "):])}


async def drive(hub, a, b, repo, update):
    from playwright.async_api import async_playwright
    profile_a = tempfile.mkdtemp(prefix="hubtest-chromium-")
    profile_b = tempfile.mkdtemp(prefix="hubtest-chromium-")
    out = {}
    try:
        async with async_playwright() as pw:
            # one browser profile per learner: their own cookies, as on two laptops
            ctx_a = await pw.chromium.launch_persistent_context(
                user_data_dir=profile_a, executable_path=labharness.CHROMIUM, headless=True,
                args=labharness.CHROMIUM_FLAGS, viewport={"width": 1280, "height": 900})
            ctx_b = await pw.chromium.launch_persistent_context(
                user_data_dir=profile_b, executable_path=labharness.CHROMIUM, headless=True,
                args=labharness.CHROMIUM_FLAGS, viewport={"width": 1280, "height": 900})
            pages = {}
            try:
                # A first, then B: B's files exist when A's probe tries them, and the
                # other way round (each probe runs after its own pass)
                out[a.name] = await learner_session(ctx_a, hub, a, b, "runq", repo, pages)
                _log(f"{a.name} passed runq")
                out[b.name] = await learner_session(ctx_b, hub, b, a, "greuse", repo, pages)
                _log(f"{b.name} passed greuse")
                # A probes again now that B's work exists
                probe = await run_cell(pages[a.name], None, PROBE.format(
                    other=b.home, other_file=f"{HOME_DIR}/my_runtime/greuse.py",
                    other_nb=f"{HOME_DIR}/{NOTEBOOK}"))
                out[a.name]["probe_after"] = json.loads(
                    [ln for ln in probe.splitlines() if ln.startswith("PROBE ")][-1][6:])
                await pages[a.name].evaluate(JS_SAVE)
                out["before_update"] = _snapshot(a)
                update()
                await open_course_link(pages[a.name], hub, a, repo)
                _log(f"{a.name} pulled the course update")
                hub.remember()
            except Exception:
                for name, page in pages.items():
                    shot = os.path.join(tempfile.gettempdir(), f"hubtest-{name}.failure.png")
                    try:
                        await page.screenshot(path=shot, full_page=True)
                        _log(f"screenshot: {shot}")
                    except Exception:                     # noqa: BLE001
                        pass
                raise
            finally:
                await ctx_a.close()
                await ctx_b.close()
    finally:
        shutil.rmtree(profile_a, ignore_errors=True)
        shutil.rmtree(profile_b, ignore_errors=True)
    return out


def _sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _snapshot(learner) -> dict:
    home = os.path.join(learner.home, HOME_DIR)
    runtime = os.path.join(home, "my_runtime")
    return {"runtime": {n: _sha(os.path.join(runtime, n)) for n in sorted(os.listdir(runtime))
                        if os.path.isfile(os.path.join(runtime, n))},
            "notebook": json.load(open(os.path.join(home, NOTEBOOK), encoding="utf-8"))}


def _exercise_cell(nb: dict, ex_id: str) -> dict:
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"
             and "".join(c["source"]).startswith(f"%%exercise {ex_id}")]
    assert len(cells) == 1, f"{len(cells)} %%exercise {ex_id} cells"
    return cells[0]


def stop_everything(hub, learners) -> list:
    """Stop the hub (its proxy, servers, kernels and services with it), then
    each learner's account; returns what was still running after the hub
    stopped (nothing, if the hub stops its own)."""
    leftovers = []
    if hub is not None:
        leftovers += hub.stop()
    for u in learners:
        if u.created:
            leftovers += [("learner process", p) for p in hubharness.processes_of(u.uid)]
        leftovers += u.remove()
    if hub is not None:
        _log(f"hub log tail:\n{hub.log_tail(1500)}")
        hub.cleanup()
    return leftovers


@pytest.mark.slow
def test_two_learners_on_one_hub_work_apart_get_the_course_update_and_are_graded(tmp_path):
    why = labharness.missing_requirements() or hubharness.missing_requirements()
    if why:
        pytest.skip(f"hub test skipped: {why}")
    t0 = time.monotonic()
    tag = secrets.token_hex(3)
    a, b = hubharness.Learner(f"gkla{tag}"), hubharness.Learner(f"gklb{tag}")
    hub = None
    repo_parent = tempfile.mkdtemp(prefix="hubtest-course-")
    os.chmod(repo_parent, 0o755)
    repo = os.path.join(repo_parent, "goroutines-course.git")
    daemon = hubharness.GitDaemon(repo_parent)
    leftovers = []
    try:
        for u in (a, b):
            u.create()
            assert oct(os.stat(u.home).st_mode & 0o777) == "0o700", "homes must be 0700"
        assert a.uid != b.uid
        publish_course(repo)
        daemon.start("goroutines-course.git")
        url = daemon.url("goroutines-course.git")
        # the learners' servers run the learner edition, as a class's image does
        edition = os.path.join(repo_parent, "edition")
        r = subprocess.run([sys.executable, "-m", "exercises", "edition", "build", edition],
                           capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        subprocess.run(["chmod", "-R", "a+rX", edition], check=True)
        hub = hubharness.Hub(edition, [a, b])
        hub.start()
        _log(f"hub ready on {hub.base} in {time.monotonic() - t0:.1f} s")
        # the class's configuration runs the idle culler as a hub service
        assert hub.api("GET", "/services/idle-culler")["name"] == "idle-culler"
        hub.remember()
        assert any("jupyterhub_idle_culler" in hubharness.cmdline(p) for p in hub.seen), \
            "the idle culler is not running"
        changes = {}
        out = asyncio.run(drive(hub, a, b, url, lambda: changes.update(update_course(repo))))
        _log(f"both learners done at {time.monotonic() - t0:.1f} s")

        # -- each passed their own exercise, in their own home
        ra, rb = out[a.name], out[b.name]
        assert "public tests passed" in ra["verdict"], ra["verdict"]
        assert "public tests passed" in rb["verdict"], rb["verdict"]
        ha, hb = os.path.join(a.home, HOME_DIR), os.path.join(b.home, HOME_DIR)
        assert os.path.exists(os.path.join(ha, "my_runtime", "runq.py"))
        assert not os.path.exists(os.path.join(ha, "my_runtime", "greuse.py"))
        assert os.path.exists(os.path.join(hb, "my_runtime", "greuse.py"))
        assert not os.path.exists(os.path.join(hb, "my_runtime", "runq.py"))
        for u, h in ((a, ha), (b, hb)):
            assert os.stat(os.path.join(h, "my_runtime", "runq.py" if u is a else "greuse.py")).st_uid == u.uid

        # -- progress is their own: run in their kernel, as them, in their home
        pa, pb = ra["probe"], rb["probe"]
        assert pa["uid"] == a.uid and pb["uid"] == b.uid
        # their kernels run the learner edition: no worked solution to import
        for p in (pa, pb):
            assert p["exercises_from"] == os.path.realpath(edition), p["exercises_from"]
            assert p["answer_key"] == "absent" and p["solution_source"] is False, p
        assert pa["cwd"] == ha and pb["cwd"] == hb
        row = lambda text, ex: next(ln for ln in text.splitlines() if f" {ex} " in ln)  # noqa: E731
        assert "yours" in row(pa["progress"], "runq") and "reference" in row(pa["progress"], "greuse")
        assert "yours" in row(pb["progress"], "greuse") and "reference" in row(pb["progress"], "runq")
        assert "10/10" in row(pa["progress"], "runq") and "0/5" in row(pa["progress"], "greuse")

        # -- a kernel of one learner can neither read nor write the other's home
        for probe in (pa, ra["probe_after"], pb):
            for what in ("list_other_home", "read_other_runtime", "write_other_home",
                         "write_other_course"):
                assert probe[what] == "PermissionError", (what, probe)
        assert not os.path.exists(os.path.join(a.home, "planted.txt"))
        assert not os.path.exists(os.path.join(b.home, "planted.txt"))

        # -- the course update merged into A's home without touching A's work
        before = out["before_update"]
        after = _snapshot(a)
        assert after["runtime"] == before["runtime"], "my_runtime/ changed in the update"
        nb_after = after["notebook"]
        import nbformat
        nbformat.validate(nbformat.from_dict(nb_after))
        assert _exercise_cell(nb_after, "runq") == _exercise_cell(before["notebook"], "runq"), \
            "the learner's answer (source or output) changed in the update"
        assert "".join(_exercise_cell(nb_after, "runq")["source"]).strip() == solution("runq").strip()
        assert changes["note"] in "".join("".join(c["source"]) for c in nb_after["cells"]), \
            "the course's new cell did not reach the notebook the learner worked in"
        nb1 = json.load(open(os.path.join(ha, "01_stacks.ipynb"), encoding="utf-8"))
        assert changes["closing"] in "".join("".join(c["source"]) for c in nb1["cells"])
        assert os.path.exists(os.path.join(ha, "10_extra_practice.ipynb"))
        assert not os.path.exists(os.path.join(hb, "10_extra_practice.ipynb")), \
            "B never pulled the update: B's home must not have it"

        # -- the instructor collects both homes and grades them
        # (docs/CLASSROOM.md's commands: cp -a keeps a symlink a link, never what it points at)
        subs = tmp_path / "submissions"
        subs.mkdir()
        for u in (a, b):
            subprocess.run(["cp", "-a", os.path.join(u.home, HOME_DIR), str(subs / u.name)],
                           check=True)
        grades, feedback = tmp_path / "grades.csv", tmp_path / "feedback"
        g = subprocess.run([sys.executable, "-m", "exercises", "grade", str(subs), "--csv",
                            str(grades), "--feedback", str(feedback), "--only", "runq", "greuse"],
                           capture_output=True, text=True, cwd=ROOT, timeout=600)
        assert g.returncode == 0, g.stdout + g.stderr
        rows = {r["learner"]: r for r in csv.DictReader(open(grades, encoding="utf-8"))}
        assert float(rows[a.name]["runq"]) == 10 and float(rows[a.name]["greuse"]) == 0
        assert float(rows[b.name]["greuse"]) == 5 and float(rows[b.name]["runq"]) == 0
        assert (feedback / f"{a.name}.md").exists() and (feedback / f"{b.name}.md").exists()

        # -- feedback handed back: each learner reads their own, not the other's
        for u in (a, b):
            subprocess.run(["install", "-o", u.name, "-g", u.name, "-m", "0600",
                            str(feedback / f"{u.name}.md"),
                            os.path.join(u.home, "goroutines-course-feedback.md")], check=True)
        mine = a.run("cat", os.path.join(a.home, "goroutines-course-feedback.md"))
        assert mine.returncode == 0 and f"# Feedback for {a.name}" in mine.stdout
        theirs = a.run("cat", os.path.join(b.home, "goroutines-course-feedback.md"))
        assert theirs.returncode != 0 and "Permission denied" in theirs.stderr
    finally:
        leftovers += stop_everything(hub, [a, b])
        leftovers += daemon.stop()
        shutil.rmtree(repo_parent, ignore_errors=True)
        _log(f"hub test took {time.monotonic() - t0:.1f} s")
    assert not leftovers, f"processes left running after the hub stopped: {leftovers}"
    assert not hub.proc or hub.proc.poll() is not None
    for u in (a, b):
        r = subprocess.run(["id", u.name], capture_output=True)
        assert r.returncode != 0, f"user {u.name} still exists"


@pytest.mark.slow
def test_a_hub_session_that_fails_still_leaves_no_server_kernel_proxy_or_account(tmp_path):
    why = hubharness.missing_requirements()
    if why:
        pytest.skip(f"hub test skipped: {why}")
    learner = hubharness.Learner(f"gklc{secrets.token_hex(3)}")
    hub = None
    started = set()

    class Boom(Exception):
        pass
    with pytest.raises(Boom):
        try:
            learner.create()
            hub = hubharness.Hub(ROOT, [learner])
            hub.start()
            hub.api("POST", f"/users/{learner.name}/server")        # a server, as at login
            deadline = time.monotonic() + 120
            while not hub.api("GET", f"/users/{learner.name}")["servers"].get("", {}).get("ready"):
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
            # and a kernel in it, as a learner's notebook starts
            kernel = hub.server_api(learner.name, "POST", "/api/kernels", {"name": "python3"})
            started = hubharness.processes_of(learner.uid)
            assert len(started) >= 2, f"no server and kernel run as {learner.name}: {kernel}"
            hub.remember()
            raise Boom("the test fails here, with the hub, proxy and server running")
        finally:
            leftovers = stop_everything(hub, [learner])
    assert not leftovers, f"processes left running: {leftovers}"
    assert all(not hubharness.alive(p) for p in started | hub.seen | {hub.proc.pid})
    assert subprocess.run(["id", learner.name], capture_output=True).returncode != 0
