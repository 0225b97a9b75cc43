"""A real JupyterHub for a class, on loopback, for ``tests/test_hub.py``.

What it starts, and stops (by process id, even when the test fails):

* learner accounts: system users made with ``useradd`` (home folders 0700:
  ``-K HOME_MODE=0700``, as ``/etc/login.defs`` should say on a class
  machine), each with a password; removed with ``userdel --remove``, after
  every process of theirs is gone;
* JupyterHub (PyPI ``jupyterhub``) configured by the class's own file,
  ``docs/classroom/jupyterhub_config.py``: PAM (the accounts' own
  passwords), LocalProcessSpawner (each learner's single-user JupyterLab
  runs as that learner, in their home), the idle culler as a hub service;
  ``configurable-http-proxy`` (npm) in front, started by the hub.

The learners' servers must be able to run the interpreter and import the
project.  On a real hub they can: the environment is installed where every
user can read it (the image's ``/srv/conda`` or ``/usr/local``, a
world-readable checkout or an installed package).  On a machine where the
test's interpreter, virtualenv or checkout lies under a folder other users
cannot enter (here, pyenv's Python under ``/root``, mode 0700), the hub is
started in a private mount namespace (``unshare --mount``) in which each such
folder is replaced by an empty 0755 tmpfs holding bind mounts of only the
paths the servers need: the learners can reach the interpreter, and nothing
else of that folder.  Nothing changes outside that namespace.
"""
from __future__ import annotations

import json
import os
import pwd
import secrets
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLASS_CONFIG = os.path.join(ROOT, "docs", "classroom", "jupyterhub_config.py")


def missing_requirements() -> str | None:
    """Why a hub cannot be started here, or None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "the hub test makes system users and spawns servers as them: it runs as root (CI does)"
    for tool in ("useradd", "userdel", "chpasswd", "unshare", "git"):
        if shutil.which(tool) is None:
            return f"{tool} not found"
    if shutil.which("configurable-http-proxy") is None:
        return ("configurable-http-proxy not found (npm install -g configurable-http-proxy; "
                ".ci/run installs it)")
    try:
        import jupyterhub  # noqa: F401
        import pamela  # noqa: F401
        import nbgitpuller  # noqa: F401
    except ImportError as e:
        return f"{e.name} is not installed (pip install -e '.[hub]')"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------
# processes

def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, uid) of every live (non-zombie) process."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if fields[0] == "Z":
                continue
            uid = os.stat(f"/proc/{name}").st_uid
        except (OSError, IndexError):
            continue
        out[int(name)] = (int(fields[1]), uid)
    return out


def descendants(pid: int) -> set[int]:
    table = _proc_table()
    kids: dict[int, list[int]] = {}
    for p, (pp, _uid) in table.items():
        kids.setdefault(pp, []).append(p)
    out, todo = set(), [pid]
    while todo:
        for c in kids.get(todo.pop(), []):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def processes_of(uid: int) -> set[int]:
    return {p for p, (_pp, u) in _proc_table().items() if u == uid}


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    return pid in _proc_table()


def kill_all(pids, grace: float = 5.0) -> list[int]:
    """SIGTERM then SIGKILL the given processes; returns those still alive."""
    pids = {p for p in pids if alive(p)}
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for p in pids:
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(alive(p) for p in pids):
            time.sleep(0.1)
        pids = {p for p in pids if alive(p)}
        if not pids:
            break
    return sorted(pids)


# --------------------------------------------------------------------------
# learner accounts

class Learner:
    def __init__(self, name: str) -> None:
        self.name = name
        self.password = secrets.token_urlsafe(12)
        self.created = False

    @property
    def pw(self):
        return pwd.getpwnam(self.name)

    @property
    def home(self) -> str:
        return self.pw.pw_dir

    @property
    def uid(self) -> int:
        return self.pw.pw_uid

    def create(self) -> None:
        subprocess.run(["useradd", "--create-home", "-K", "HOME_MODE=0700", "--shell",
                        "/bin/bash", self.name], check=True, capture_output=True)
        self.created = True
        subprocess.run(["chpasswd"], input=f"{self.name}:{self.password}", text=True,
                       check=True, capture_output=True)

    def remove(self) -> list[int]:
        """Stop every process of this user, then remove the account and its
        home; returns the processes that would not die."""
        if not self.created:
            return []
        stuck = kill_all(processes_of(self.uid))
        subprocess.run(["userdel", "--remove", self.name], capture_output=True)
        self.created = False
        return stuck

    def run(self, *cmd: str, env: dict | None = None, cwd: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
        """Run a command as this learner (runuser), with a login-like environment."""
        e = {"HOME": self.home, "USER": self.name, "LOGNAME": self.name,
             "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        e.update(env or {})
        return subprocess.run(["runuser", "-u", self.name, "--", "env", "-i",
                               *(f"{k}={v}" for k, v in e.items()), *cmd],
                              capture_output=True, text=True, cwd=cwd or self.home,
                              timeout=timeout)


# --------------------------------------------------------------------------
# the namespace that makes the environment reachable

def blocked_ancestors(path: str) -> list[str]:
    """The folders on the way to `path` that other users cannot enter."""
    out = []
    cur = os.path.dirname(os.path.realpath(path))
    chain = []
    while True:
        chain.append(cur)
        parent = os.path.dirname(cur)
        if parent == cur:
            break
        cur = parent
    for d in reversed(chain):
        try:
            if not os.stat(d).st_mode & stat.S_IXOTH:
                out.append(d)
        except OSError:
            pass
    return out


def needed_paths(project_root: str) -> list[str]:
    """What the learners' servers must reach: the interpreter's prefix, the
    virtualenv, the project, and the tools on PATH (configurable-http-proxy
    and node run as root: not needed)."""
    paths = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix),
             os.path.realpath(project_root), os.path.realpath(sys.executable)}
    return sorted(paths)


def namespace_script(needs: list[str], stage: str,
                     hide: dict[str, list[str]] | None = None) -> str | None:
    """A shell script that, run by ``unshare --mount --propagation private``,
    makes each of `needs` reachable and replaces each folder of `hide` by an
    empty tmpfs holding only the paths listed for it; None when nothing is
    blocked or hidden."""
    blocked: dict[str, list[str]] = {}
    for p in needs:
        b = blocked_ancestors(os.path.join(p, "x") if os.path.isdir(p) else p)
        if b:
            blocked.setdefault(b[0], []).append(p)   # the outermost blocked folder
    for top, keep in (hide or {}).items():
        b = blocked_ancestors(os.path.join(top, "x"))
        outer = b[0] if b else top
        if b:
            # already hidden with its blocked ancestor: keep only what the
            # servers need inside it, not all of it
            blocked[outer] = [p for p in blocked.get(outer, []) if not (p + "/").startswith(top + "/")]
        blocked.setdefault(outer, []).extend(keep)
        if outer == top:
            blocked[top] = [p for p in blocked[top] if p != top]
    if not blocked:
        return None
    lines = ["set -e"]
    n = 0
    plan = []
    for top, paths in sorted(blocked.items()):
        keep = sorted({p for p in paths if not any(p != q and p.startswith(q + "/") for q in paths)})
        for p in keep:
            s = os.path.join(stage, str(n))
            n += 1
            kind = "-d" if os.path.isdir(p) else "-f"
            lines.append(f"mkdir -p {shlex.quote(s)}" if kind == "-d"
                         else f"touch {shlex.quote(s)}")
            lines.append(f"mount --bind {shlex.quote(p)} {shlex.quote(s)}")
            plan.append((top, p, s, kind))
    for top in sorted(blocked):
        lines.append(f"mount -t tmpfs -o mode=0755 hubtest-tmpfs {shlex.quote(top)}")
    for _top, p, s, kind in plan:
        if kind == "-d":
            lines.append(f"mkdir -p {shlex.quote(p)}")
        else:
            lines.append(f"mkdir -p {shlex.quote(os.path.dirname(p))}; touch {shlex.quote(p)}")
        lines.append(f"mount --bind {shlex.quote(s)} {shlex.quote(p)}")
    lines.append('exec "$@"')
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# the hub

HUB_CONFIG = """\
# JupyterHub for tests/test_hub.py (written by tests/hub/hubharness.py): the
# class's configuration, docs/classroom/jupyterhub_config.py, plus loopback
# ports, a state folder, the class list and an instructor token
import json
settings = json.loads({settings!r})
c = get_config()  # noqa: F821
load_subconfig(settings["class_config"])  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = settings["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % settings["proxy_api_port"]
c.ConfigurableHTTPProxy.pid_file = settings["state"] + "/proxy.pid"
c.JupyterHub.pid_file = settings["state"] + "/hub.pid"
c.JupyterHub.db_url = "sqlite:///" + settings["state"] + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = settings["state"] + "/cookie_secret"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.Authenticator.allowed_users = set(settings["learners"])
# the instructor's token: a service allowed to manage the learners' servers
c.JupyterHub.services.append({{"name": "instructor", "api_token": settings["token"]}})
c.JupyterHub.load_roles.append({{"name": "instructor", "services": ["instructor"],
                                "scopes": ["admin:users", "admin:servers", "list:users",
                                           "read:services", "access:servers"]}})
c.Spawner.environment = settings["environment"]
c.Spawner.args = settings["args"]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
"""


class Hub:
    """JupyterHub on 127.0.0.1 for `learners`, serving the project at
    `project_root` (on the learners' PYTHONPATH)."""

    def __init__(self, project_root: str, learners: list[Learner]) -> None:
        self.project_root = os.path.realpath(project_root)
        self.learners = learners
        self.state = tempfile.mkdtemp(prefix="hubtest-state-")
        os.chmod(self.state, 0o755)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(24)
        self.proc: subprocess.Popen | None = None
        self.seen: set[int] = set()
        self.log_path = os.path.join(self.state, "jupyterhub.log")
        self._log = None

    def config(self) -> str:
        settings = {
            "port": self.port, "hub_port": free_port(), "proxy_api_port": free_port(),
            "state": self.state, "token": self.token, "class_config": CLASS_CONFIG,
            "learners": [u.name for u in self.learners],
            "environment": {"PYTHONPATH": self.project_root,
                            "JUPYTER_PLATFORM_DIRS": "1"},
            "args": ["--LabApp.expose_app_in_browser=True",
                     "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                     "--ServerApp.shutdown_no_activity_timeout=0"],
        }
        path = os.path.join(self.state, "jupyterhub_config.py")
        with open(path, "w") as f:
            f.write(HUB_CONFIG.format(settings=json.dumps(settings)))
        return path

    def start(self, timeout: float = 90) -> None:
        cfg = self.config()
        cmd = [sys.executable, "-m", "jupyterhub", "-f", cfg]
        # the instructor's checkout (its answer key, and its editable install's
        # fallback finder, which resolves `exercises.solutions` there) is not
        # the learners': inside the hub's namespace it is an empty folder but
        # for what the hub itself runs from it
        checkout = os.path.realpath(ROOT)
        keep = [p for p in (os.path.realpath(sys.prefix), os.path.realpath(sys.executable),
                            os.path.dirname(CLASS_CONFIG), os.path.realpath(self.project_root),
                            os.path.realpath(self.state))
                if p != checkout and p.startswith(checkout + "/")]
        script = namespace_script(needed_paths(self.project_root),
                                  os.path.join(self.state, "stage"),
                                  hide={checkout: sorted(set(keep))})
        if script:
            spath = os.path.join(self.state, "namespace.sh")
            with open(spath, "w") as f:
                f.write(script)
            cmd = ["unshare", "--mount", "--propagation", "private", "sh", spath, *cmd]
        env = os.environ.copy()
        env.pop("GOKERNEL_WORKDIR", None)          # the learners' own homes, not the session's
        env.pop("GOKERNEL_HOME", None)
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.state, env=env,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.remember()
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                self.api("GET", "/users")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise RuntimeError(f"jupyterhub not ready after {timeout} s:\n{self.log_tail()}")

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 30):
        data = json.dumps(body).encode() if body is not None else (b"" if method in ("POST", "DELETE") else None)
        req = urllib.request.Request(f"{self.base}/hub/api{path}", method=method, data=data,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return json.loads(raw) if raw else None

    def server_api(self, user: str, method: str, path: str, body: dict | None = None,
                   timeout: float = 60):
        """Call a learner's single-user server (e.g. start a kernel) with the
        instructor's token, through the proxy."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.base}/user/{user}{path}", method=method, data=data,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return json.loads(raw) if raw else None

    def remember(self) -> None:
        """Note every process the hub has started so far (proxy, servers,
        kernels), so that stop() can end them whatever happens."""
        if self.proc is not None:
            self.seen |= descendants(self.proc.pid)

    def log_tail(self, n: int = 4000) -> str:
        try:
            with open(self.log_path) as f:
                return f.read()[-n:]
        except OSError:
            return ""

    def stop(self) -> list[int]:
        """Stop the learners' servers through the hub, then the hub (which
        stops its proxy); then any process it started that is still alive.
        Returns the processes that would not die."""
        if self.proc is None:
            return []
        self.remember()
        if self.proc.poll() is None:
            for u in self.learners:
                try:
                    self.api("DELETE", f"/users/{u.name}/server", timeout=30)
                except Exception:                       # noqa: BLE001 - not running
                    pass
            self.remember()
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        stuck = kill_all(self.seen | ({self.proc.pid} if self.proc.poll() is None else set()))
        if self.proc.poll() is None:
            self.proc.wait(timeout=10)
        if self._log:
            self._log.close()
        return stuck

    def cleanup(self) -> None:
        shutil.rmtree(self.state, ignore_errors=True)


# --------------------------------------------------------------------------
# the course's git remote

class GitDaemon:
    """``git daemon`` serving the repositories under `base` read-only on
    127.0.0.1: the course's remote, as GitHub is for a real class.  (A
    local path will not do: git refuses a repository owned by another user,
    "dubious ownership", and the learners are other users.)"""

    def __init__(self, base: str) -> None:
        self.base = base
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def url(self, name: str) -> str:
        return f"git://127.0.0.1:{self.port}/{name}"

    def start(self, probe: str, timeout: float = 30) -> None:
        self.proc = subprocess.Popen(
            ["git", "daemon", "--export-all", "--reuseaddr", f"--base-path={self.base}",
             "--listen=127.0.0.1", f"--port={self.port}", self.base],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = subprocess.run(["git", "ls-remote", "--heads", self.url(probe)],
                               capture_output=True, timeout=10)
            if r.returncode == 0:
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"git daemon exited ({self.proc.returncode})")
            time.sleep(0.2)
        raise RuntimeError(f"git daemon not serving {self.url(probe)} after {timeout} s")

    def stop(self) -> list[int]:
        if self.proc is None:
            return []
        stuck = kill_all(descendants(self.proc.pid) | {self.proc.pid})
        self.proc.wait(timeout=10)
        return stuck
