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
