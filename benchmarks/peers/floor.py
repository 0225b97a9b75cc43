"""The floor: the least a greenlet scheduler can do.

A hub greenlet pops tasks off one deque run queue and switches to them; a
task that blocks switches back to the hub.  Channels keep their waiting tasks
in deques.  A ping-pong round trip over two unbuffered channels therefore
costs exactly 4 greenlet switches (task -> hub -> task -> hub -> task).
Greenlets are pooled: a task gets one when it first runs, and a greenlet
whose task has returned goes back to the pool for the next task.

No timers, no network, no select, no preemption, no error reporting beyond
"deadlock": only what the benchmarks need, so that the gap between this and
a real runtime is the price of the real runtime's features.
"""
from __future__ import annotations

from collections import deque

from greenlet import getcurrent, greenlet


class Deadlock(RuntimeError):
    pass


class Task:
    __slots__ = ("fn", "args", "glet", "value")

    def __init__(self, fn, args):
        self.fn = fn
        self.args = args
        self.glet = None
        self.value = None


class Sched:
    def __init__(self):
        self.runq = deque()
        self.pool = []          # idle greenlets
        self.current = None     # the running Task
        self.hub = None
        self.root = None
        self.result = None
        self.error = None
        self.finished = False

    # -- tasks ---------------------------------------------------------------
    def spawn(self, fn, *args):
        t = Task(fn, args)
        self.runq.append(t)
        return t

    def park(self):
        """Block the running task until ready(task) is called."""
        self.hub.switch()

    def ready(self, t):
        self.runq.append(t)

    def yield_(self):
        self.runq.append(self.current)
        self.hub.switch()

    def _worker(self, task):
        hub = self.hub
        pool = self.pool
        me = getcurrent()
        while True:
            try:
                task.fn(*task.args)
            except BaseException as e:      # end the run, as a panic would
                self.error = e
                self.root.switch()
            task.fn = task.args = task.glet = None
            pool.append(me)
            task = hub.switch()             # the hub hands us the next new task

    def _loop(self):
        runq = self.runq
        pool = self.pool
        while runq:
            t = runq.popleft()
            self.current = t
            g = t.glet
            if g is None:
                g = t.glet = pool.pop() if pool else greenlet(self._worker, parent=self.hub)
                g.switch(t)
            else:
                g.switch()
        # nothing runnable and main has not returned: the root resumes

    def run(self, main, *args):
        def main_task():
            self.result = main(*args)
            self.finished = True
            self.root.switch()

        self.root = getcurrent()
        self.hub = greenlet(self._loop)
        self.spawn(main_task)
        self.hub.switch()
        if self.error is not None:
            raise self.error
        if not self.finished:
            raise Deadlock("all tasks are asleep - deadlock!")
        return self.result


class Chan:
    """A channel: unbuffered (size 0) or with `size` buffer slots."""

    __slots__ = ("s", "size", "buf", "recvq", "sendq")

    def __init__(self, s: Sched, size: int = 0):
        self.s = s
        self.size = size
        self.buf = deque()
        self.recvq = deque()    # waiting receiver tasks
        self.sendq = deque()    # waiting sender tasks (value in task.value)

    def send(self, v):
        if self.recvq:                       # hand over to a waiting receiver
            t = self.recvq.popleft()
            t.value = v
            self.s.runq.append(t)
            return
        if len(self.buf) < self.size:
            self.buf.append(v)
            return
        s = self.s
        t = s.current
        t.value = v
        self.sendq.append(t)
        s.hub.switch()

    def recv(self):
        buf = self.buf
        if buf:
            v = buf.popleft()
            if self.sendq:                   # a sender waited for room
                t = self.sendq.popleft()
                buf.append(t.value)
                self.s.runq.append(t)
            return v
        if self.sendq:                       # unbuffered: take it from the sender
            t = self.sendq.popleft()
            self.s.runq.append(t)
            return t.value
        s = self.s
        t = s.current
        self.recvq.append(t)
        s.hub.switch()
        return t.value


class WaitGroup:
    __slots__ = ("s", "n", "waiters")

    def __init__(self, s: Sched, n: int = 0):
        self.s = s
        self.n = n
        self.waiters = []

    def add(self, n):
        self.n += n

    def done(self):
        self.n -= 1
        if self.n == 0 and self.waiters:
            self.s.runq.extend(self.waiters)
            self.waiters.clear()

    def wait(self):
        if self.n:
            self.waiters.append(self.s.current)
            self.s.hub.switch()
