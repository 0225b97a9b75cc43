"""Replace every test function with one that does nothing, in the test
module and in the exercise's list of tests."""
import sys

WHEN = "import"


def _attack():
    core = sys.modules["exercises.core"]
    mod = sys.modules["exercises.defs.runq"]
    for name in list(vars(mod)):
        if name.startswith("test_"):
            setattr(mod, name, lambda sol: None)
    for t in core.get("runq").tests:
        t.fn = lambda sol: None
