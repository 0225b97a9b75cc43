"""Project-wide pytest setup: the learner's work folder (my_runtime/) goes to
a temporary directory for the whole test session, so tests and nbval never
read or write a learner's real progress, and notebooks always run from the
fresh-learner state they were committed in (kernels inherit the variable)."""
import os
import tempfile


def pytest_configure(config):
    if not os.environ.get("GOKERNEL_WORKDIR"):
        os.environ["GOKERNEL_WORKDIR"] = tempfile.mkdtemp(prefix="gokernel-work-")
