"""Before a passing part is saved, it must work inside the learner's runtime.

Public tests call a part directly, on small cases; a part can pass them and
still break ``gokernel``: a ``runqput`` without ``% 256`` passes four small
tests and crashes the first ``gk.run`` that starts 1,000 goroutines.  So,
after the public tests pass, ``check`` runs a few whole programs — ping-pong,
a WaitGroup fan-out of 1,000 goroutines, a buffered pipeline, select with a
timeout, sleeps, a mutex, close waking every receiver, a deadlock, a system
call, a loopback echo, a spinning goroutine that must be preempted — on
gokernel with the candidate plugged in beside the learner's other saved
parts, in a subprocess with a time limit, and compares what each returns
with what the reference runtime returns for it.  Any difference, exception,
exit or hang is reported, and the caller saves nothing.

As ``go test`` runs a package's tests against the packages it imports, not
alone: here a part is run against the parts already built.

Parts of kind ``model`` or ``analysis`` plug into nothing: no check.

The subprocess side is ``python -m exercises.integration`` (a JSON request on
stdin, one JSON line per program on stdout).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

PLUGGED = ("runtime", "chan", "select", "preempt")
TIME_LIMIT = 40.0          # seconds for the whole check (it takes about 1 s)
RUN_TIMEOUT = 10.0         # seconds for one program's run


# --------------------------------------------------------------- the programs
# Each takes the runtime's module (gokernel or reference_runtime) and returns
# a value that does not depend on scheduling choices, so the learner's
# runtime and the reference must return the same.

def ping_pong(rt):
    """Two goroutines pass a counter back and forth 200 times over unbuffered channels."""
    ping, pong = rt.chan(), rt.chan()

    def player():
        for _ in range(200):
            pong.send(ping.recv() + 1)
    rt.go(player)
    n = 0
    for _ in range(200):
        ping.send(n)
        n = pong.recv()
    return n


def fan_out_1000(rt):
    """main starts 1,000 goroutines without yielding, then waits for them on a WaitGroup (1 P)."""
    wg = rt.WaitGroup()
    seen = []
    wg.add(1000)
    for i in range(1000):
        rt.go(lambda i=i: (seen.append(i), wg.done()))
    wg.wait()
    return len(seen), sum(seen), sorted(seen) == list(range(1000))


def fan_out_4_ps(rt):
    """1,000 goroutines doing a little work each on 4 Ps, joined by a WaitGroup."""
    wg = rt.WaitGroup()
    total = [0]
    mu = rt.Mutex()

    def worker(i):
        rt.work(0.00002)
        mu.lock()
        total[0] += i
        mu.unlock()
        wg.done()
    wg.add(1000)
    for i in range(1000):
        rt.go(worker, i)
    wg.wait()
    return total[0]


def buffered_pipeline(rt):
    """A generator, four workers and a collector joined by buffered channels (capacity 8), closed in turn."""
    jobs, results = rt.chan(8), rt.chan(8)
    wg = rt.WaitGroup()

    def gen():
        for i in range(300):
            jobs.send(i)
        jobs.close()

    def worker():
        while True:
            v, ok = jobs.recv_ok()
            if not ok:
                break
            results.send(v * v)
        wg.done()

    def closer():
        wg.wait()
        results.close()
    rt.go(gen)
    wg.add(4)
    for _ in range(4):
        rt.go(worker)
    rt.go(closer)
    got = []
    while True:
        v, ok = results.recv_ok()
        if not ok:
            break
        got.append(v)
    return len(got), sum(got)


def select_with_timeout(rt):
    """select takes the ready case, falls back to default, and times out on rt.after when nothing is ready."""
    never, ready = rt.chan(), rt.chan(1)
    ready.send(7)
    a = rt.select(never.recv, ready.recv)
    b = rt.select(never.recv, rt.default)
    c = rt.select(never.recv, rt.after(0.02).recv)
    late = rt.chan()
    rt.go(lambda: (rt.sleep(0.01), late.send("late")))
    d = rt.select(late.recv, rt.after(5).recv)
    return a, b[0], c[0], d


def sleeps_in_order(rt):
    """20 goroutines sleep 20, 19, ... 1 ms and wake in order of their deadlines (virtual clock)."""
    woke = []
    wg = rt.WaitGroup()
    wg.add(20)
    for i in range(20):
        rt.go(lambda i=i: (rt.sleep((20 - i) / 1000), woke.append(i), wg.done()))
    wg.wait()
    return woke


def mutex_counter(rt):
    """50 goroutines each add 1 twenty times under a Mutex, yielding while they hold it."""
    mu = rt.Mutex()
    wg = rt.WaitGroup()
    count = [0]

    def inc():
        for _ in range(20):
            mu.lock()
            v = count[0]
            rt.gosched()
            count[0] = v + 1
            mu.unlock()
        wg.done()
    wg.add(50)
    for _ in range(50):
        rt.go(inc)
    wg.wait()
    return count[0]


def close_wakes_every_receiver(rt):
    """Five goroutines wait on a channel; closing it wakes all five with (None, False)."""
    c = rt.chan()
    got = rt.chan(5)
    for _ in range(5):
        rt.go(lambda: got.send(c.recv_ok()))
    for _ in range(10):
        rt.gosched()
    c.close()
    return sorted(repr(got.recv()) for _ in range(5))


def deadlock_is_reported(rt):
    """main waits on a channel nobody will send on: the run ends with Go's deadlock error."""
    try:
        rt.run(lambda: rt.chan().recv(), gomaxprocs=1, **_quiet(rt))
    except rt.Deadlock as e:
        return "Deadlock", str(e).splitlines()[0]
    return "no deadlock reported"


def sleeper_is_not_a_deadlock(rt):
    """main waits for a goroutine that sleeps 10 ms first: not a deadlock."""
    c = rt.chan()
    rt.go(lambda: (rt.sleep(0.01), c.send("woke")))
    return c.recv()


def syscall_keeps_others_running(rt):
    """A goroutine in a 50 ms system call while another yields 100 times on 1 P."""
    import time as _t
    done = rt.chan(2)
    rt.go(lambda: (rt.syscall(_t.sleep, 0.05), done.send("syscall")))

    def yielder():
        for _ in range(100):
            rt.gosched()
        done.send("yielder")
    rt.go(yielder)
    return sorted([done.recv(), done.recv()])


def loopback_echo(rt):
    """Three clients write to an echo server over loopback TCP and read their words back."""
    ln = rt.net.listen("tcp", "127.0.0.1:0")
    replies = rt.chan(3)

    def serve():
        for _ in range(3):
            conn = ln.accept()
            rt.go(lambda conn=conn: (conn.write(conn.read_exactly(5)), conn.close()))

    def client(word):
        c = rt.net.dial("tcp", ln.addr)
        c.write(word)
        replies.send(c.read_exactly(5))
        c.close()
    rt.go(serve)
    for w in (b"alpha", b"bravo", b"gamma"):
        rt.go(client, w)
    got = sorted(replies.recv() for _ in range(3))
    ln.close()
    return got


def spinner_is_preempted(rt):
    """A goroutine spins until a flag is set, on 1 P; main, asleep, must still get the P back to set it."""
    flag = [False]
    done = rt.chan()

    def spin():
        while not flag[0]:
            pass
        done.send("stopped")
    rt.go(spin)
    rt.sleep(0.02)
    flag[0] = True
    return done.recv()


def _quiet(rt) -> dict:
    return {"quiet": True} if rt.__name__ == "gokernel" else {}


# name -> (program, run options); run in this order
PROGRAMS = {
    "ping_pong": (ping_pong, {"gomaxprocs": 1}),
    "fan_out_1000": (fan_out_1000, {"gomaxprocs": 1}),
    "fan_out_4_ps": (fan_out_4_ps, {"gomaxprocs": 4, "clock": "virtual", "seed": 1}),
    "buffered_pipeline": (buffered_pipeline, {"gomaxprocs": 2}),
    "select_with_timeout": (select_with_timeout, {"gomaxprocs": 1}),
    "sleeps_in_order": (sleeps_in_order, {"gomaxprocs": 1, "clock": "virtual", "seed": 1}),
    "mutex_counter": (mutex_counter, {"gomaxprocs": 2}),
    "close_wakes_every_receiver": (close_wakes_every_receiver, {"gomaxprocs": 1}),
    "deadlock_is_reported": (deadlock_is_reported, None),       # runs its own run
    "sleeper_is_not_a_deadlock": (sleeper_is_not_a_deadlock, {"gomaxprocs": 1}),
    "syscall_keeps_others_running": (syscall_keeps_others_running, {"gomaxprocs": 1}),
    "loopback_echo": (loopback_echo, {"gomaxprocs": 1}),
    "spinner_is_preempted": (spinner_is_preempted, {"gomaxprocs": 1}),
}


# --------------------------------------------------------------- the caller

@dataclass
class Failure:
    program: str
    what: str                  # the program's docstring
    message: str


@dataclass
class Result:
    """What the integration check found; ``ok`` when nothing broke (or
    there was nothing to check)."""
    exercise_id: str
    checked: bool
    failures: list = field(default_factory=list)
    seconds: float = 0.0
    programs: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def text(self) -> str:
        if not self.checked:
            return ""
        if self.ok:
            return (f"Integration check passed: {self.programs} programs ran on gokernel with "
                    f"your {self.exercise_id} beside your other parts, as on the reference.")
        lines = [f"Not saved: your code passes the public tests, but gokernel breaks with it "
                 f"plugged in ({len(self.failures)} of {self.programs} programs):"]
        for f in self.failures:
            lines.append(f"  {f.program}: {f.what}" if f.what else f"  {f.program}:")
            lines.extend("    " + ln for ln in f.message.splitlines())
        return "\n".join(lines)


def applies(exercise) -> bool:
    """Whether the exercise plugs a part into gokernel (so has a check)."""
    return exercise.kind in PLUGGED


def _describe(name: str) -> str:
    prog = PROGRAMS.get(name)
    return (prog[0].__doc__ or "").strip() if prog else ""


def check(exercise, text: str, line_offset: int = 0, time_limit: float = TIME_LIMIT) -> Result:
    """Run the programs on gokernel with ``text`` (the file that would be
    saved) as the part ``exercise.id``, beside the learner's other saved
    parts that load; ``line_offset``: added to a line number in ``text`` to
    give the line the learner sees."""
    from gokernel import parts, workfolder
    res = Result(exercise.id, checked=applies(exercise))
    if not res.checked:
        return res
    from .progress import course_table
    t0 = time.monotonic()
    scratch = tempfile.mkdtemp(prefix="gokernel-check-")
    try:
        wd = os.path.join(scratch, "my_runtime")
        os.makedirs(wd)
        man = {"course": course_table(), "parts": {}}
        mine = workfolder.workdir()
        for i, entry in parts._saved_entries().items():
            if i == exercise.id or parts.load_module(i, entry) is None:
                continue
            shutil.copyfile(os.path.join(mine, f"{i}.py"), os.path.join(wd, f"{i}.py"))
            e = dict(entry)
            e["sha256"] = workfolder.sha256_file(os.path.join(wd, f"{i}.py"))
            e.pop("vetted", None)
            e.pop("rejected", None)
            man["parts"][i] = e
        workfolder.write_manifest(man, wd)
        workfolder.save_part(exercise.id, text, exercise.kind, exercise.provides, exercise.label,
                             wd=wd)
        res.failures, res.programs = _run(wd, exercise.id, line_offset, time_limit)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    res.seconds = time.monotonic() - t0
    return res


def _run(wd: str, exercise_id: str, line_offset: int, time_limit: float) -> tuple[list, int]:
    env = dict(os.environ)
    env["GOKERNEL_WORKDIR"] = wd
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    for k in ("GOMAXPROCS", "GODEBUG", "GOKERNEL_STRICT"):
        env.pop(k, None)
    req = json.dumps({"programs": list(PROGRAMS), "line_offset": line_offset,
                      "candidate": exercise_id})
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    proc = subprocess.Popen([sys.executable, "-m", "exercises.integration"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=os.path.dirname(wd), start_new_session=True)
    try:
        out, err = proc.communicate(req, timeout=time_limit)
        stopped = False
    except subprocess.TimeoutExpired:
        _kill(proc)
        out, err = proc.communicate()
        stopped = True
    except BaseException:
        _kill(proc)
        raise
    failures, running, finished = [], None, set()
    for line in out.splitlines():
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if ev.get("event") == "start":
            running = ev["program"]
        elif ev.get("event") == "result":
            finished.add(ev["program"])
            running = None
            if not ev["ok"]:
                failures.append(Failure(ev["program"], _describe(ev["program"]), ev["message"]))
    if running is not None or stopped or proc.returncode != 0:
        where = running or "starting gokernel with your parts"
        if stopped:
            why = (f"did not finish within {time_limit:g} s (the whole check's limit): a loop "
                   "that never ends, or goroutines that never wake?")
        elif proc.returncode and proc.returncode < 0:
            why = f"the process was killed (signal {-proc.returncode})"
        else:
            why = (f"the process ended (exit status {proc.returncode}): does your code call "
                   "sys.exit or os._exit?")
            tail = [ln for ln in err.strip().splitlines() if ln.strip()][-2:]
            if tail:
                why += "\n" + "\n".join(tail)
        failures.append(Failure(where, _describe(where), why))
    return failures, len(PROGRAMS)


def _kill(proc) -> None:
    import signal
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()


# --------------------------------------------------------------- the subprocess

def _frames(tb, wd: str, candidate: str, line_offset: int) -> list[str]:
    import linecache
    import traceback
    out = []
    for fr in traceback.extract_tb(tb):
        if os.path.dirname(os.path.abspath(fr.filename)) != wd:
            continue
        name = os.path.basename(fr.filename)[:-3]
        code = (fr.line or linecache.getline(fr.filename, fr.lineno)).strip()
        if name == candidate:
            out.append(f"in your {fr.name}, line {fr.lineno + line_offset}: {code}")
        else:
            out.append(f"in {fr.name} of my_runtime/{name}.py (saved earlier), line "
                       f"{fr.lineno}: {code}")
    return out


def _short(v, n: int = 300) -> str:
    s = repr(v)
    return s if len(s) <= n else s[:n] + f"... ({len(s)} characters)"


def _serve() -> int:
    import contextlib
    import io
    req = json.loads(sys.stdin.read())
    wd = os.path.abspath(os.environ["GOKERNEL_WORKDIR"])
    out = os.fdopen(os.dup(1), "w")
    offset = req.get("line_offset", 0)

    def emit(**ev):
        out.write(json.dumps(ev) + "\n")
        out.flush()

    import reference_runtime as ref
    emit(event="start", program="loading your parts")
    import gokernel as gk
    problems = gk.parts.problems()
    if any(f"my_runtime/{req['candidate']}.py" in p for p in problems):
        emit(event="result", program="loading your parts", ok=False,
             message="\n".join(p for p in problems if req["candidate"] in p))
        return 0
    emit(event="result", program="loading your parts", ok=True)
    for name in req["programs"]:
        fn, opts = PROGRAMS[name]
        emit(event="start", program=name)
        printed = io.StringIO()

        def run(mod):
            if opts is None:
                return fn(mod)
            kw = dict(opts, timeout=RUN_TIMEOUT, **_quiet(mod))
            return mod.run(fn, mod, **kw)
        with contextlib.redirect_stdout(printed):
            try:
                want = run(ref)
            except Exception:           # noqa: BLE001 - the machine, not the learner
                emit(event="result", program=name, ok=True, skipped=True)
                continue
            try:
                got = run(gk)
                err = None
            except Exception as e:      # noqa: BLE001 - what the learner's code did
                got, err = None, e
        if err is None and got == want:
            emit(event="result", program=name, ok=True)
            continue
        if err is not None:
            msg = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}".rstrip(": ")
            frames = _frames(err.__traceback__, wd, req["candidate"], offset)
            if isinstance(err, gk.RunTimeout):
                msg = f"did not finish within {RUN_TIMEOUT:g} s: " + msg
            message = msg + ("\n" + "\n".join(frames) if frames else "")
        else:
            message = f"returned {_short(got)}\nthe reference runtime returns {_short(want)}"
        if printed.getvalue().strip():
            message += "\nprinted: " + printed.getvalue().strip()[-300:]
        emit(event="result", program=name, ok=False, message=message)
    return 0


if __name__ == "__main__":
    code = _serve()
    sys.stdout.flush()
    os._exit(code)
