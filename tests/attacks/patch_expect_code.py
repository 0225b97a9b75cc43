"""Swap the code of exercises.core.expect itself (every reference to the
function then runs the fake), then the runner's signed channel."""
import sys

WHEN = "import"


def _attack():
    core = sys.modules["exercises.core"]

    def fake(got, expected, what, varies=False):
        if core._observe is not None:
            core._observe(what, expected)
    core.expect.__code__ = fake.__code__
    runner = sys.modules.get("__main__")
    if runner is not None and hasattr(runner, "_Channel"):
        real = runner._Channel.emit

        def emit(self, obj):
            if obj.get("event") == "result":
                obj = dict(obj, status="passed")
            real(self, obj)
        runner._Channel.emit = emit
