"""Run untrusted code (a learner's submission under its tests) in a
bubblewrap sandbox, with limits, reading its output with bounds.

Not a Go mechanism: this is the grader's jail.  The design (see
docs/GRADING.md) in short:

* ``bwrap`` gives the child its own mount, PID, network, IPC and UTS
  namespaces.  It sees only the interpreter, the venv's site-packages and
  the project's three packages (``exercises``, ``reference_runtime``,
  ``gokernel``), all read-only, with ``exercises/solutions`` hidden and only
  the definition of the exercise being graded; a private ``/tmp`` and work
  folder (small tmpfs); a fresh ``/proc`` and ``/dev``; no network (an
  unconfigured loopback of its own); an empty environment.  The course
  tree, the other submissions, ``/etc`` and ``/home`` are not there at all.
* Its PID namespace dies with its init process: when grading ends (or is
  interrupted, or times out) every process the learner started is killed,
  setsid daemons included.
* Limits, set by the runner before any learner code runs: address space,
  CPU seconds, processes (RLIMIT_NPROC, which the kernel counts per user in
  the sandbox's user namespace, or per sandbox uid when the grader runs as
  root: it then gives each sandbox a uid of its own), open files, file
  size; wall time is the parent's deadline; output is read up to a bound
  and the child killed beyond it.
* Where ``bwrap`` is missing, ``run`` can still run the child unsandboxed
  (a learner checking their own work) with the same rlimits except the
  process count; ``notice()`` says so in one line.
"""
from __future__ import annotations

import json
import os
import random
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

INSTALL_HINT = "apt-get install bubblewrap"


class GradingInterrupted(Exception):
    """The grading was interrupted (KeyboardInterrupt, the notebook's stop
    button): the code under test and everything it started were killed."""

    def __str__(self) -> str:
        return "grading interrupted: the code under test was stopped"


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here."""


@dataclass
class Limits:
    wall: float = 20.0                    # seconds, enforced by the parent
    cpu: int | None = None                # seconds (default: wall + 1)
    memory: int = 1536 * 1024 * 1024      # bytes of address space
    nproc: int = 32                       # processes and threads of the sandbox user
    nofile: int = 1024                    # open file descriptors
    fsize: int = 64 * 1024 * 1024         # bytes per written file
    tmpfs: int = 64 * 1024 * 1024         # bytes in /tmp and in the work folder, each
    stdout: int = 16 * 1024 * 1024        # bytes of events read before the child is killed
    stderr: int = 64 * 1024               # bytes of stderr kept (the rest is discarded)

    def rlimits(self, sandboxed: bool) -> dict:
        """What the runner sets on itself (name -> value) before learner code."""
        out = {"AS": self.memory, "CPU": self.cpu or int(self.wall) + 1,
               "NOFILE": self.nofile, "FSIZE": self.fsize, "CORE": 0}
        if sandboxed:
            out["NPROC"] = self.nproc
        return out


@dataclass
class Outcome:
    returncode: int | None
    stdout: bytes = b""
    stderr: bytes = b""
    timed_out: bool = False
    output_limit: bool = False
    sandboxed: bool = True
    elapsed: float = 0.0
    lines: list = field(default_factory=list)


# ------------------------------------------------------------ availability

_PROBE: bool | None = None
_PROBE_ERROR = ""


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def available() -> bool:
    """bwrap is installed and can build a sandbox here (probed once)."""
    global _PROBE, _PROBE_ERROR
    if _PROBE is None:
        if bwrap_path() is None:
            _PROBE, _PROBE_ERROR = False, "bwrap is not installed"
        else:
            try:
                args, fds = _bwrap_args(_Layout.for_probe(), Limits(wall=5))
                p = subprocess.run(args + ["/bin/true" if os.path.exists("/bin/true") else "/usr/bin/true"],
                                   capture_output=True, timeout=10, pass_fds=fds)
                _PROBE = p.returncode == 0
                _PROBE_ERROR = p.stderr.decode("utf-8", "replace").strip()
            except (OSError, subprocess.SubprocessError) as e:
                _PROBE, _PROBE_ERROR = False, str(e)
    return _PROBE


def notice() -> str | None:
    """One line for a notebook when grading runs without the sandbox; None
    when the sandbox is used."""
    if available():
        return None
    return ("Note: your code is graded without a sandbox here (bubblewrap is not installed: "
            f"`{INSTALL_HINT}`); the instructor's grading always uses one.")


def require() -> None:
    """Raise SandboxUnavailable, saying how to install bwrap, unless it works."""
    if not available():
        why = _PROBE_ERROR or "bwrap is not installed"
        raise SandboxUnavailable(
            f"grading needs the bubblewrap sandbox ({why}); install it with "
            f"`{INSTALL_HINT}` (Debian/Ubuntu) and run the command again")


# ------------------------------------------------------------ what is visible

SANDBOX_LIB = "/sandbox/lib"       # PYTHONPATH inside: the project's packages
SANDBOX_WORK = "/sandbox/work"     # the child's cwd and HOME
PACKAGES = ("exercises", "reference_runtime", "gokernel")


def _package_dir(name: str) -> str:
    """Where the running interpreter imports package `name` from (PYTHONPATH
    here, an editable or regular install in CI)."""
    import importlib.util
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SandboxUnavailable(f"cannot find the package {name!r} to give the sandbox")
    return os.path.realpath(list(spec.submodule_search_locations)[0])


@dataclass
class _Layout:
    ro_dirs: list          # host dirs bound read-only at the same path
    packages: dict         # name -> host dir, bound at SANDBOX_LIB/name
    defs: dict             # file name -> host path, the only files in exercises/defs
    for_probe_only: bool = False

    @classmethod
    def for_probe(cls) -> "_Layout":
        return cls(ro_dirs=_system_dirs(), packages={}, defs={}, for_probe_only=True)


def _system_dirs() -> list[str]:
    """The interpreter, its standard library and the venv, read-only."""
    out = []
    for d in ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin"):
        if os.path.isdir(d) and not os.path.islink(d):
            out.append(d)
    for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
              os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))}:
        p = os.path.realpath(p)
        if p != "/" and not any(p == d or p.startswith(d + "/") for d in out):
            out.append(p)
    # the venv's own directory (sys.executable may be a symlink into it)
    venv = os.path.dirname(os.path.dirname(os.path.abspath(sys.executable)))
    if venv != "/" and not any(venv == d or venv.startswith(d + "/") for d in out):
        out.append(venv)
    return out


def layout(defs: dict[str, str]) -> _Layout:
    """What the child sees: system dirs, the three packages, and only the
    given exercise definition files (name -> host path)."""
    return _Layout(ro_dirs=_system_dirs(), packages={n: _package_dir(n) for n in PACKAGES},
                   defs=defs)


def _parents(path: str) -> list[str]:
    out = []
    p = os.path.dirname(path)
    while p not in ("/", ""):
        out.append(p)
        p = os.path.dirname(p)
    return out[::-1]


def _sandbox_uid() -> int | None:
    """As root, each sandbox runs as a uid of its own (RLIMIT_NPROC does not
    bind root, and counts per uid); otherwise the caller's uid, mapped in a
    user namespace."""
    if os.geteuid() != 0:
        return None
    return random.SystemRandom().randrange(200_000, 2_000_000_000)


def _bwrap_args(lay: _Layout, limits: Limits, uid: int | None = None) -> tuple[list, list]:
    bw = bwrap_path() or "bwrap"
    a = [bw, "--die-with-parent", "--new-session",
         "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
         "--unshare-cgroup-try"]
    if os.geteuid() != 0:
        a += ["--unshare-user", "--disable-userns"]
    elif uid is not None:
        a += ["--cap-add", "CAP_SETUID,CAP_SETGID"]      # the runner drops to `uid` at once
    # the private /tmp first: a venv or checkout under the host's /tmp (a CI
    # clone, say) is bound below it, not hidden by it
    a += ["--proc", "/proc", "--dev", "/dev",
          "--perms", "1777", "--size", str(limits.tmpfs), "--tmpfs", "/tmp"]
    made = {"/tmp", "/proc", "/dev"}

    def mkdirs(dest):
        for p in _parents(dest) + [dest]:
            if p not in made and p not in ("/usr", "/lib", "/lib64", "/bin", "/sbin", "/lib32"):
                made.add(p)
                a.extend(["--perms", "0755", "--dir", p])

    for d in lay.ro_dirs:
        if os.path.islink(d):
            continue
        for p in _parents(d):
            if p not in made:
                made.add(p)
                a.extend(["--perms", "0755", "--dir", p])
        a += ["--ro-bind", d, d]
        made.add(d)
    for link in ("/lib", "/lib64", "/bin", "/sbin"):
        if os.path.islink(link):
            a += ["--symlink", os.readlink(link), link]
    if not lay.for_probe_only:
        mkdirs(SANDBOX_LIB)
        for name, host in lay.packages.items():
            dest = f"{SANDBOX_LIB}/{name}"
            a += ["--ro-bind", host, dest]
        if "exercises" in lay.packages:
            ex = f"{SANDBOX_LIB}/exercises"
            # no answer key, and only the definitions this grading needs
            if os.path.isdir(os.path.join(lay.packages["exercises"], "solutions")):
                a += ["--perms", "0755", "--size", "4096", "--tmpfs", f"{ex}/solutions",
                      "--remount-ro", f"{ex}/solutions"]
            a += ["--perms", "0755", "--size", str(1024 * 1024), "--tmpfs", f"{ex}/defs"]
            for fname, host in sorted(lay.defs.items()):
                a += ["--ro-bind", host, f"{ex}/defs/{fname}"]
            a += ["--remount-ro", f"{ex}/defs"]
        a += ["--perms", "1777", "--size", str(limits.tmpfs), "--tmpfs", SANDBOX_WORK]
        a += ["--chdir", SANDBOX_WORK]
    a += ["--clearenv"]
    for k, v in _child_env(sandboxed=True).items():
        a += ["--setenv", k, v]
    a += ["--"]
    return a, []


def _child_env(sandboxed: bool) -> dict:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "PYTHONNOUSERSITE": "1",
           "PYTHONIOENCODING": "utf-8", "TMPDIR": "/tmp"}
    if sandboxed:
        env.update(HOME=SANDBOX_WORK, PYTHONPATH=SANDBOX_LIB)
    return env


def python_argv(module: str) -> list[str]:
    """The child's command line: this interpreter, no user site, no cwd on
    sys.path."""
    return [sys.executable, "-s", "-P", "-m", module]


# ------------------------------------------------------------ running

_on_output = None       # tests: called with ("stdout" | "stderr", chunk) while waiting
_on_spawn = None        # tests: called with each Popen started


def run(module: str, request: dict, limits: Limits, *, sandbox: bool = True,
        defs: dict[str, str] | None = None, cancel=None) -> Outcome:
    """Run ``python -m module`` with `request` (JSON) on stdin, sandboxed
    unless sandbox=False; returns its (bounded) output once it has exited,
    was killed at the wall-time limit, or wrote too much.  A
    KeyboardInterrupt while waiting (or `cancel`, a threading.Event, being
    set: a run in another thread) kills everything it started and raises
    GradingInterrupted."""
    uid = _sandbox_uid() if sandbox else None
    request = dict(request, rlimits=limits.rlimits(sandbox), uid=uid)
    data = (json.dumps(request) + "\n").encode("utf-8")
    info_r = info_w = None
    cwd = None
    tmp = None
    if sandbox:
        args, fds = _bwrap_args(layout(defs or {}), limits, uid)
        info_r, info_w = os.pipe()
        args = args[:1] + ["--info-fd", str(info_w)] + args[1:]
        argv = args + python_argv(module)
        env = None
        pass_fds = [info_w]
    else:
        tmp = tempfile.mkdtemp(prefix="grading-")
        cwd = tmp
        env = dict(os.environ)
        env.pop("GOKERNEL_WORKDIR", None)
        env.update(_child_env(sandboxed=False))
        root = os.path.dirname(_package_dir("exercises"))
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        env["HOME"] = tmp
        argv = python_argv(module)
        pass_fds = []
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env if env is not None else {},
                            cwd=cwd, start_new_session=True, pass_fds=pass_fds)
    if info_w is not None:
        os.close(info_w)
    if _on_spawn is not None:
        _on_spawn(proc)
    out = Outcome(returncode=None, sandboxed=sandbox)
    inner = _Inner(info_r)
    try:
        _pump(proc, data, limits, out, t0, inner, cancel)
    except KeyboardInterrupt:
        _kill(proc, inner)
        raise GradingInterrupted() from None
    finally:
        _kill(proc, inner)
        out.returncode = proc.returncode
        out.elapsed = time.monotonic() - t0
        for f in (proc.stdin, proc.stdout, proc.stderr):
            try:
                f.close()
            except OSError:
                pass
        inner.close()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    if sandbox and inner.pid is None and not out.timed_out:
        # bwrap failed before starting anything: not the learner's doing
        why = out.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SandboxUnavailable("the sandbox could not start: " + (why[-1] if why else
                                 f"bwrap exited with status {out.returncode}"))
    return out


class _Inner:
    """The sandbox's init process (bwrap's child, pid 1 of the namespace),
    learnt from --info-fd: killing it kills the whole namespace."""

    def __init__(self, info_fd: int | None) -> None:
        self.info_fd = info_fd
        self.buf = b""
        self.pid = None
        self.pidfd = None

    def feed(self, chunk: bytes) -> None:
        self.buf += chunk
        if self.pid is None:
            try:
                self.pid = int(json.loads(self.buf.decode())["child-pid"])
            except (ValueError, KeyError):
                return
            try:
                self.pidfd = os.pidfd_open(self.pid)
            except OSError:
                self.pidfd = None

    def kill(self) -> None:
        if self.pidfd is not None:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except OSError:
                pass
            sel = selectors.DefaultSelector()
            sel.register(self.pidfd, selectors.EVENT_READ)
            sel.select(timeout=5.0)        # readable once pid 1 and its namespace are gone
            sel.close()

    def close(self) -> None:
        for fd in (self.info_fd, self.pidfd):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.info_fd = self.pidfd = None


def _pump(proc, data: bytes, limits: Limits, out: Outcome, t0: float, inner: _Inner,
          cancel=None) -> None:
    sel = selectors.DefaultSelector()
    os.set_blocking(proc.stdin.fileno(), False)
    sel.register(proc.stdin, selectors.EVENT_WRITE)
    sel.register(proc.stdout, selectors.EVENT_READ)
    sel.register(proc.stderr, selectors.EVENT_READ)
    if inner.info_fd is not None:
        sel.register(inner.info_fd, selectors.EVENT_READ)
    deadline = t0 + limits.wall
    stdout = bytearray()
    stderr = bytearray()
    open_pipes = 2
    exited_at = None
    try:
        while open_pipes:
            if cancel is not None and cancel.is_set():
                raise KeyboardInterrupt
            now = time.monotonic()
            left = deadline - now
            if left <= 0:
                out.timed_out = True
                return
            if exited_at is None and proc.poll() is not None:
                exited_at = now
            elif exited_at is not None and now - exited_at > 0.5:
                return       # unsandboxed: a grandchild still holds the pipes; stop reading
            for key, _ in sel.select(timeout=min(left, 0.25)):
                f = key.fileobj
                if f is proc.stdin:
                    try:
                        n = os.write(proc.stdin.fileno(), data)
                    except (BrokenPipeError, OSError):
                        n = len(data)
                    data = data[n:]
                    if not data:
                        sel.unregister(proc.stdin)
                        proc.stdin.close()
                    continue
                if f == inner.info_fd:
                    chunk = os.read(inner.info_fd, 4096)
                    if chunk:
                        inner.feed(chunk)
                    else:
                        sel.unregister(inner.info_fd)
                    continue
                chunk = os.read(f.fileno(), 65536)
                if not chunk:
                    sel.unregister(f)
                    open_pipes -= 1
                    continue
                if _on_output is not None:
                    _on_output("stdout" if f is proc.stdout else "stderr", chunk)
                if f is proc.stdout:
                    stdout += chunk
                    if len(stdout) > limits.stdout:
                        out.output_limit = True
                        return
                elif len(stderr) < limits.stderr:
                    stderr += chunk[:limits.stderr - len(stderr)]
                # beyond the stderr bound: read and drop (memory stays bounded)
        # both pipes closed: the child (and, sandboxed, its namespace) is done
        left = max(0.0, deadline - time.monotonic())
        try:
            proc.wait(timeout=left if left > 0 else 0.1)
        except subprocess.TimeoutExpired:
            out.timed_out = True
    finally:
        sel.close()
        out.stdout = bytes(stdout)
        out.stderr = bytes(stderr)


def _kill(proc: subprocess.Popen, inner: _Inner) -> None:
    """SIGKILL the sandbox's init (its whole PID namespace), bwrap and the
    process group, then reap."""
    inner.kill()
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.kill()
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
