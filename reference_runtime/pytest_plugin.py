"""A pytest plugin for bubbles (``reference_runtime.synctest``).

Enable it in a test suite's top-level ``conftest.py``::

    pytest_plugins = ["reference_runtime.pytest_plugin"]

(or ``-p reference_runtime.pytest_plugin``).  Then one line makes a test
deterministic::

    @pytest.mark.synctest
    def test_the_retry_loop_gives_up_after_three_tries():
        ...   # runs as the root goroutine of a bubble: sleep, timers, channels

``@pytest.mark.synctest(gomaxprocs=1, seed=7, timers="go1.23")`` passes
options to ``synctest.run``.  Fixtures work as usual: they are set up
outside the bubble, and the test body receives them.  The ``synctest``
fixture is the module itself, for tests that call ``synctest.run`` or
``synctest.wait`` by name.

Not registered as an auto-loaded entry point on purpose: an installed
entry point loads into every pytest session of every project that has the
package installed (this course's learners run pytest on their own code
too), and a marker that silently changes how tests run should be asked for.
"""
from __future__ import annotations

import pytest

from . import synctest as _synctest


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        "synctest(**options): run the test as the root goroutine of a "
        "reference_runtime.synctest bubble (fake clock from 2000-01-01, "
        "deterministic waits); options go to synctest.run")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    marker = pyfuncitem.get_closest_marker("synctest")
    if marker is None:
        return None
    if marker.args:
        raise pytest.UsageError("@pytest.mark.synctest takes keyword options only "
                                "(gomaxprocs, seed, timeout, trace, timers)")
    test = pyfuncitem.obj
    argnames = pyfuncitem._fixtureinfo.argnames
    funcargs = {name: pyfuncitem.funcargs[name] for name in argnames}
    _synctest.run(lambda: test(**funcargs), **marker.kwargs)
    return True


@pytest.fixture
def synctest():
    """The ``reference_runtime.synctest`` module."""
    return _synctest
