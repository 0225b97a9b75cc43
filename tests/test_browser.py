"""Every notebook of the course runs in JupyterLab, in a real browser, as a
learner runs it: opened, outputs cleared, Run > Run All Cells from the menu
bar; every cell runs, none shows an error or a traceback, and every widget
renders.  nbval checks the outputs' values; this checks what nbval cannot
see: the page (widgets need the browser to render).

One JupyterLab server and one headless Chromium for all notebooks (see
``tests/labharness.py``), ``BROWSER_TEST_TABS`` notebooks at a time (2 by
default).  The kernels get a fresh ``GOKERNEL_WORKDIR`` of their own: the
session's (set by the root conftest.py) is nbval's, and an exercise cell
run here would reveal the next hint there.

Skipped, saying why, when Chromium (/usr/bin/chromium) or playwright is
missing; ``.ci/run`` installs Chromium, so CI never skips.
"""
from __future__ import annotations

import glob
import os
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import labharness  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COURSE = os.path.join(ROOT, "course")
NOTEBOOKS = sorted(glob.glob(os.path.join(COURSE, "[0-9][0-9]_*.ipynb")))


def _log(msg: str) -> None:
    sys.stderr.write(f"[browser {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


@pytest.mark.slow
def test_every_notebook_runs_in_jupyterlab_without_errors_and_its_widgets_render(tmp_path):
    why = labharness.missing_requirements()
    if why:
        pytest.skip(f"browser test skipped: {why}")
    if not NOTEBOOKS:
        pytest.skip("no notebooks in course/")
    tabs = int(os.environ.get("BROWSER_TEST_TABS", "2"))
    workdir = tmp_path / "my_runtime"
    reports, summary = labharness.run(
        NOTEBOOKS, COURSE, env={"GOKERNEL_WORKDIR": str(workdir)}, tabs=tabs,
        run_timeout=float(os.environ.get("BROWSER_TEST_TIMEOUT", "300")), log=_log)
    _log(f"{len(reports)} notebooks in {summary['seconds']} s")

    failures = [f"{r.path}:\n    " + "\n    ".join(r.problems) for r in reports if not r.ok]
    ran = {r.path for r in reports}
    not_run = [os.path.relpath(nb, COURSE) for nb in NOTEBOOKS
               if os.path.relpath(nb, COURSE) not in ran]
    if not_run:
        failures.append(f"never opened: {not_run}")
    if summary["saved_by_server"]:
        failures.append(f"JupyterLab saved notebooks during the run: {summary['saved_by_server']}")
    if summary["changed_on_disk"]:
        # not necessarily us (an editor, another process): said, not failed
        _log(f"notebooks changed on disk during the run: {summary['changed_on_disk']}")
    assert not failures, ("notebooks that fail in JupyterLab:\n" + "\n".join(failures)
                          + "\n\nserver log (tail):\n" + summary.get("server_log", "")[-1500:])
    assert sum(r.widgets for r in reports) >= 1, "no widget output in any notebook: the " \
        "widget checks saw nothing to check"


BROKEN = {
    "a_raises.ipynb": ["x = 1", "1 / 0", "print('never runs')"],
    "b_stderr_traceback.ipynb": [
        "import sys\nsys.stderr.write('Traceback (most recent call last):\\n  File \"x\"\\n"
        "ValueError: boom\\n')",
        "import warnings\nwarnings.warn('a warning is not a failure')"],
    "c_broken_widget.ipynb": [
        "import ipywidgets as w\nfrom traitlets import Unicode\n\n"
        "class Broken(w.DOMWidget):\n"
        "    _model_module = Unicode('no-such-module').tag(sync=True)\n"
        "    _view_module = Unicode('no-such-module').tag(sync=True)\n"
        "    _model_name = Unicode('NoModel').tag(sync=True)\n"
        "    _view_name = Unicode('NoView').tag(sync=True)\n\n"
        "Broken()"],
    "d_fine.ipynb": ["import ipywidgets as w\nw.IntSlider()",
                     "import sys\nsys.stderr.write('a plain stderr line is not a failure\\n')"],
}


@pytest.mark.slow
def test_the_browser_checks_catch_errors_tracebacks_and_broken_widgets(tmp_path):
    """The checks themselves: an exception, a traceback on stderr and a widget
    that cannot load each fail their notebook; warnings and a working widget do not."""
    why = labharness.missing_requirements()
    if why:
        pytest.skip(f"browser test skipped: {why}")
    import nbformat
    for name, cells in BROKEN.items():
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                     "language": "python"}
        nbformat.write(nb, str(tmp_path / name))
    reports, _ = labharness.run(sorted(str(p) for p in tmp_path.glob("*.ipynb")), str(tmp_path),
                                env={"GOKERNEL_WORKDIR": str(tmp_path / "work")}, tabs=2, log=_log)
    got = {r.path: r.problems for r in reports}
    assert any("raised ZeroDivisionError" in p for p in got["a_raises.ipynb"])
    assert any("did not run" in p for p in got["a_raises.ipynb"])
    assert any("traceback to stderr" in p for p in got["b_stderr_traceback.ipynb"])
    assert len(got["b_stderr_traceback.ipynb"]) == 1          # the warning is not a problem
    assert any("failed to render" in p for p in got["c_broken_widget.ipynb"])
    assert got["d_fine.ipynb"] == []
