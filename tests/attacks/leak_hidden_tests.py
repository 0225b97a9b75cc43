"""In the sandbox that runs the hidden tests (their source is there: they
must run), print that source, return it as a value and raise it as an
exception message, hoping the feedback carries it out."""
import exercises.defs.runq as _defs

WHEN = "first call"
with open(_defs.__file__) as _f:
    _SOURCE = _f.read()


def _attack():
    global runqget
    if "@hidden" not in _SOURCE:
        return                       # the public tests' sandbox: nothing to leak
    print(_SOURCE)

    def runqget(p):
        print(_SOURCE[-1500:])
        if p.runqhead % 2:
            raise RuntimeError(_SOURCE[-1500:])
        return _SOURCE, False
