"""Run the course's notebooks in JupyterLab, in a real browser, as a learner does.

Used by ``tests/test_browser.py``.  One JupyterLab server and one headless
Chromium serve every notebook: the Lab page is loaded once per browser tab,
and each notebook is opened in it, its outputs cleared, and Run > Run All
Cells clicked in the menu bar.  When the kernel is idle and every cell has
run, the notebook is checked (``NotebookReport.problems``), its kernel shut
down, and the next one opened.  ``tabs`` notebooks run at once, one per tab
(each with its own kernel).

What makes a notebook fail:

* an error output (a traceback), or a stderr stream holding a traceback;
* a code cell that did not run (Run All stops at the first error);
* a widget that did not render: "Error displaying widget", or fewer
  rendered ``.jupyter-widgets`` views than widget outputs the kernel sent;
* the kernel dying, or the run not finishing in time.

The server is isolated: 127.0.0.1 with a random token, throw-away config,
data, runtime and settings folders, autosave off (so the notebooks on disk
are never rewritten; ``run`` checks their bytes), every cell in the page
(windowing off), no news or update checks.  Its environment is this
process's, plus ``env`` (the test gives the kernels a fresh
``GOKERNEL_WORKDIR``).  Only the processes started here are stopped, by
their ids.

Needs the ``playwright`` package (never ``playwright install``: the
browser is Debian's ``/usr/bin/chromium``).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

# JupyterLab user settings, written into a throw-away JUPYTERLAB_SETTINGS_DIR
LAB_SETTINGS = {
    # every cell in the DOM, so that counting rendered outputs sees them all
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # never write a notebook back to disk
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # no news or update toasts (they would also reach for the internet)
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True},
}

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def missing_requirements() -> str | None:
    """Why the browser test cannot run here, or None."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (f"Chromium not found at {CHROMIUM} (Debian: apt-get install -y chromium; "
                ".ci/run installs it)")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    try:
        import jupyterlab  # noqa: F401
        import ipywidgets  # noqa: F401
    except ImportError as e:
        return f"{e.name} is not installed (pip install -e '.[course]')"
    return None


# --------------------------------------------------------------------------
# The server

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Every descendant of pid, from /proc."""
    parents: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(name))
    out, todo = [], [pid]
    while todo:
        for c in parents.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class LabServer:
    """A private JupyterLab server on 127.0.0.1, serving `root`."""

    def __init__(self, root: str, env: dict | None = None, python: str = sys.executable) -> None:
        self.root = os.path.abspath(root)
        self.extra_env = dict(env or {})
        self.python = python
        self.port = _free_port()
        self.token = secrets.token_hex(24)
        self.base = f"http://127.0.0.1:{self.port}"
        self.workdir = tempfile.mkdtemp(prefix="labharness-")
        self.log_path = os.path.join(self.workdir, "jupyter-lab.log")
        self.proc: subprocess.Popen | None = None
        self.kernels: set[int] = set()

    def _env(self) -> dict:
        env = os.environ.copy()
        env.update(self.extra_env)
        for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR",
                    "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
            env[var] = os.path.join(self.workdir, var.lower())
            os.makedirs(env[var], exist_ok=True)
        for rel, content in LAB_SETTINGS.items():
            path = os.path.join(env["JUPYTERLAB_SETTINGS_DIR"], rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                json.dump(content, f)
        env["JUPYTER_TOKEN"] = self.token
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        return env

    def start(self, timeout: float = 120) -> None:
        cmd = [self.python, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--port-retries=0", f"--ServerApp.root_dir={self.root}",
               "--LabApp.expose_app_in_browser=True",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--ServerApp.shutdown_no_activity_timeout=0"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=self._env(), cwd=self.root,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"jupyter lab not ready after {timeout} s:\n{self.log_tail()}")

    def api(self, method: str, path: str, timeout: float = 10):
        req = urllib.request.Request(self.base + path, method=method,
                                     headers={"Authorization": f"token {self.token}"},
                                     data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
            return json.loads(body) if body else None

    def start_session(self, rel: str, kernel: str = "python3") -> None:
        """Start the kernel of notebook `rel` ahead of its turn: when Lab
        opens the notebook, it finds the session and connects to it."""
        body = json.dumps({"path": rel, "name": os.path.basename(rel), "type": "notebook",
                           "kernel": {"name": kernel}}).encode()
        req = urllib.request.Request(self.base + "/api/sessions", method="POST", data=body,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            r.read()

    def remember_kernels(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kernels.update(_children(self.proc.pid))

    def log_tail(self, n: int = 3000) -> str:
        try:
            with open(self.log_path) as f:
                return f.read()[-n:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None:
            return
        self.remember_kernels()
        if self.proc.poll() is None:
            try:
                self.api("POST", "/api/shutdown", timeout=5)      # shuts its kernels down too
                self.proc.wait(timeout=15)
            except Exception:                                     # noqa: BLE001
                for sig in (signal.SIGTERM, signal.SIGKILL):
                    if self.proc.poll() is not None:
                        break
                    os.kill(self.proc.pid, sig)
                    try:
                        self.proc.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        pass
        for pid in sorted(self.kernels):                          # only what it started
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if not _alive(pid):
                    break
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    break
                for _ in range(20):
                    if not _alive(pid):
                        break
                    time.sleep(0.1)
        self._log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


# --------------------------------------------------------------------------
# One notebook in the browser

JS_STATE = r"""
() => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return {phase: 'loading'};
  const w = app.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext || !w.context) return {phase: 'no-notebook'};
  const sc = w.sessionContext;
  const kernel = sc.session && sc.session.kernel;
  const prompts = [...w.content.node.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
      .map(e => e.textContent.trim());
  return {phase: 'notebook', path: w.context.path, ready: w.context.isReady && sc.isReady,
          kernel: kernel ? kernel.status : null, dialog: !!document.querySelector('.jp-Dialog'),
          prompts};
}
"""

JS_CHECK = r"""
() => {
  const w = window.jupyterapp.shell.currentWidget;
  const root = w.content.node;
  // top-level outputs (not those nested inside an ipywidgets Output widget)
  const outs = [...root.querySelectorAll('.jp-OutputArea-output')]
      .filter(o => !o.closest('.widget-output'));
  const isView = c => c.classList.contains('jupyter-widgets');
  const widgetOutputs = outs.filter(o => [...o.children].some(isView) || isView(o));
  // ipywidgets 8 shows a widget that failed as an error icon inside the view
  const failed = o => !!o.querySelector('.jupyter-widgets-error-widget');
  const rendered = widgetOutputs.filter(
      o => [...o.children].some(isView) && !failed(o) && o.getBoundingClientRect().height > 0);
  const text = root.innerText || '';
  return {
    widget_outputs: widgetOutputs.length,
    widgets_rendered: rendered.length,
    widget_errors: root.querySelectorAll('.jupyter-widgets-error-widget').length
        + (text.match(/Error displaying widget|Failed to load model class|model not found/g) || []).length,
  };
}
"""

# the notebook's model (as JSON text: a big notebook is too deep to hand over as an
# object) and the text of the stderr outputs shown in the page
JS_MODEL = r"""
() => {
  const w = window.jupyterapp.shell.currentWidget;
  const stderr = [...w.content.node.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
      .map(e => e.innerText);
  return {model: JSON.stringify(w.content.model.toJSON()), stderr: stderr};
}
"""

JS_READY = r"""
async () => {
  const app = window.jupyterapp;
  if (!app || !app.commands) return false;
  await app.restored;
  return app.commands.hasCommand('docmanager:open') && app.commands.hasCommand('runmenu:run-all');
}
"""

JS_CLOSE = r"""
async () => {
  const w = window.jupyterapp.shell.currentWidget;
  if (!w || !w.sessionContext) return;
  try { await w.sessionContext.shutdown(); } catch (e) {}
  w.dispose();
}
"""


@dataclass
class NotebookReport:
    path: str
    problems: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)
    code_cells: int = 0
    widgets: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _is_traceback(text: str) -> bool:
    return "Traceback (most recent call last)" in text or "\x1b[0;31m---" in text


def check_model(nb: dict, counts: dict) -> tuple[list, int, int]:
    """Problems in a notebook's model and DOM after Run All."""
    problems = []
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    widget_views = 0
    for i, c in enumerate(code):
        src = "".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "")
        first = (src.strip().splitlines() or [""])[0][:70]
        if c.get("execution_count") is None:
            problems.append(f"code cell {i} did not run: {first!r}")
        for o in c.get("outputs", []):
            kind = o.get("output_type")
            if kind == "error":
                problems.append(f"code cell {i} ({first!r}) raised {o.get('ename')}: "
                                f"{str(o.get('evalue'))[:300]}")
            elif kind == "stream" and o.get("name") == "stderr":
                text = "".join(o.get("text", ""))
                if _is_traceback(text):
                    problems.append(f"code cell {i} ({first!r}) wrote a traceback to stderr: "
                                    f"{text[-400:]}")
            if WIDGET_MIME in (o.get("data") or {}):
                widget_views += 1
    if counts["widget_errors"]:
        problems.append(f"{counts['widget_errors']} widget(s) failed to render (an ipywidgets "
                        "error view, or 'Error displaying widget', in the page)")
    if counts["widgets_rendered"] < widget_views:
        problems.append(f"{widget_views} widget outputs from the kernel, only "
                        f"{counts['widgets_rendered']} rendered as .jupyter-widgets views")
    return problems, len(code), widget_views


async def _wait(page, js: str, pred, timeout: float, what: str, poll: float = 0.25):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = await page.evaluate(js)
        except Exception as e:                                # noqa: BLE001
            if "context was destroyed" not in str(e):       # Lab's router navigating: retry
                raise
            last = None
        if last is not None and pred(last):
            return last
        await asyncio.sleep(poll)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}; "
                       f"last state: {json.dumps(last)[:600]}")


async def _menu(page, menu: str, command: str, label: str) -> None:
    """Open a menu of the menu bar and click an item, as a person would.

    The click returns without waiting for what it sets off: Run All keeps
    the page busy, and the caller waits for the result itself."""
    await page.locator(".lm-MenuBar-item", has_text=menu).first.click(timeout=60_000)
    item = page.locator(f'.lm-Menu-item[data-command="{command}"]').first
    try:
        await item.wait_for(state="visible", timeout=10_000)
    except Exception:                                                # noqa: BLE001
        item = page.locator(".lm-Menu-item",
                            has=page.locator(".lm-Menu-itemLabel", has_text=label)).first
    await item.click(timeout=60_000, no_wait_after=True)


async def run_notebook(page, server: LabServer, rel: str, run_timeout: float) -> NotebookReport:
    rep = NotebookReport(rel)
    t0 = t = time.monotonic()

    def lap(name):
        nonlocal t
        now = time.monotonic()
        rep.seconds[name] = round(now - t, 1)
        t = now

    try:
        # (the command resolves to the widget, too deep to hand back: return nothing)
        await page.evaluate("(p) => { window.jupyterapp.commands.execute('docmanager:open', "
                            "{path: p, factory: 'Notebook'}); return true; }", rel)

        async def opened():
            async def accept_dialogs(s):
                if s.get("dialog"):   # e.g. "Select Kernel": take the default
                    btn = page.locator(".jp-Dialog .jp-mod-accept").first
                    if await btn.count():
                        await btn.click()
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                s = await page.evaluate(JS_STATE)
                await accept_dialogs(s)
                if (s.get("phase") == "notebook" and s.get("path") == rel and s.get("ready")
                        and s.get("kernel") == "idle"):
                    return s
                await asyncio.sleep(0.25)
            raise TimeoutError(f"{rel} did not open with an idle kernel in 120 s: {s}")
        await opened()
        server.remember_kernels()
        lap("open")

        await _menu(page, "Edit", "editmenu:clear-all", "Clear Outputs of All Cells")
        await _wait(page, JS_STATE, lambda s: all(p in ("[ ]:", "[ ]") for p in s["prompts"]),
                    15, "outputs to clear")
        await _menu(page, "Run", "runmenu:run-all", "Run All Cells")
        stable = {"n": 0, "last": None}

        def finished(s):
            if s.get("kernel") in ("dead", "unknown"):
                raise RuntimeError(f"the kernel died (status {s.get('kernel')})")
            prompts = s.get("prompts", [])
            done = (s.get("kernel") == "idle" and not any("*" in p for p in prompts)
                    and any(p not in ("[ ]:", "[ ]") for p in prompts))
            key = (s.get("kernel"), tuple(prompts))
            stable["n"] = stable["n"] + 1 if done and key == stable["last"] else 0
            stable["last"] = key
            return done and stable["n"] >= 4                  # unchanged for about 1 s
        await _wait(page, JS_STATE, finished, run_timeout, "Run All to finish")
        lap("run_all")

        # widgets render after the kernel went idle: wait until the counts settle
        seen = {"n": 0, "last": None}

        def settled(c):
            key = (c["widget_outputs"], c["widgets_rendered"], c["widget_errors"])
            seen["n"] = seen["n"] + 1 if key == seen["last"] else 0
            seen["last"] = key
            return seen["n"] >= 4 and (c["widgets_rendered"] >= c["widget_outputs"]
                                       or seen["n"] >= 40)
        counts = await _wait(page, JS_CHECK, settled, 60, "widgets to render")
        shown = await page.evaluate(JS_MODEL)
        rep.problems, rep.code_cells, rep.widgets = check_model(json.loads(shown["model"]), counts)
        if not rep.problems:        # (an error output also shows as stderr: said once)
            for text in shown["stderr"]:
                if _is_traceback(text):
                    rep.problems.append(f"a traceback is shown on stderr: {text[-400:]}")
        lap("check")
    except Exception as e:                                    # noqa: BLE001 - report it
        rep.problems.append(f"{type(e).__name__}: {e}")
        try:
            shot = os.path.join(tempfile.gettempdir(),
                                os.path.basename(rel).replace(".ipynb", ".failure.png"))
            await page.screenshot(path=shot, full_page=True)
            rep.problems.append(f"(screenshot: {shot})")
        except Exception:                                     # noqa: BLE001
            pass
    finally:
        try:
            await page.evaluate(JS_CLOSE)
        except Exception as e:                                # noqa: BLE001
            rep.problems.append(f"closing the notebook: {e}")
        rep.seconds["total"] = round(time.monotonic() - t0, 1)
    return rep


def _sha(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


async def _run_all(server: LabServer, rels: list[str], tabs: int, run_timeout: float,
                   log) -> list[NotebookReport]:
    from playwright.async_api import async_playwright
    profile = tempfile.mkdtemp(prefix="labharness-chromium-")
    reports: dict[str, NotebookReport] = {}
    queue: asyncio.Queue = asyncio.Queue()
    for rel in rels:
        queue.put_nowait(rel)
    prestarted: set = set()

    def _prestart(rel: str) -> None:
        prestarted.add(rel)
        try:
            server.start_session(rel)
        except Exception as e:                                # noqa: BLE001 - Lab will start it
            log(f"could not start {rel}'s kernel ahead: {e}")
    try:
        async with async_playwright() as pw:
            ctx = await pw.chromium.launch_persistent_context(
                user_data_dir=profile, executable_path=CHROMIUM, headless=True,
                args=CHROMIUM_FLAGS, viewport={"width": 1280, "height": 900})
            try:
                for extra in list(ctx.pages):
                    await extra.close()

                async def worker(n: int) -> None:
                    page = await ctx.new_page()
                    # each tab its own workspace, so the tabs do not share layouts
                    await page.goto(f"{server.base}/lab/workspaces/tab{n}?reset&token={server.token}",
                                    wait_until="domcontentloaded", timeout=120_000)
                    await _wait(page, JS_READY, bool, 120, "JupyterLab to load")
                    await page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
                    while not queue.empty():
                        rel = queue.get_nowait()
                        if rel not in prestarted:
                            await asyncio.to_thread(_prestart, rel)
                        if not queue.empty():          # the next one's kernel starts meanwhile
                            nxt = queue._queue[0]
                            if nxt not in prestarted:
                                prestarted.add(nxt)
                                asyncio.get_running_loop().run_in_executor(None, _prestart, nxt)
                        log(f"tab {n}: {rel}")
                        rep = await run_notebook(page, server, rel, run_timeout)
                        log(f"tab {n}: {'ok  ' if rep.ok else 'FAIL'} {rel} {rep.seconds} "
                            f"{rep.problems}")
                        reports[rel] = rep
                    await page.close()

                await asyncio.gather(*(worker(n) for n in range(max(1, min(tabs, len(rels))))))
            finally:
                await ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return [reports[r] for r in rels if r in reports]


def run(notebooks: list[str], root: str, env: dict | None = None, tabs: int = 2,
        run_timeout: float = 300, log=lambda msg: None) -> tuple[list[NotebookReport], dict]:
    """Run each notebook (paths under root) through JupyterLab; returns the
    reports and a summary {seconds, changed_on_disk, server_log}."""
    rels = [os.path.relpath(os.path.abspath(nb), os.path.abspath(root)) for nb in notebooks]
    before = {nb: _sha(nb) for nb in notebooks}
    server = LabServer(root, env=env)
    t0 = time.monotonic()
    summary: dict = {}
    try:
        server.start()
        log(f"jupyter lab ready in {time.monotonic() - t0:.1f} s on {server.base}")
        reports = asyncio.run(_run_all(server, rels, tabs, run_timeout, log))
    finally:
        summary["server_log"] = server.log_tail(200_000)
        server.stop()
    summary["seconds"] = round(time.monotonic() - t0, 1)
    # a notebook this server wrote (the server logs every save): the harness
    # must leave the course as it found it
    saved = [line for line in summary.get("server_log", "").splitlines() if "Saving file at" in line]
    summary["saved_by_server"] = saved
    summary["changed_on_disk"] = [nb for nb in notebooks if _sha(nb) != before[nb]]
    return reports, summary
