"""``python -m reference_runtime prog.py`` runs ``prog.main()`` as ``go
run`` runs a Go program: stdout as printed; a panic or fatal error prints
Go's report on stderr and exits with status 2; ``sys.exit(n)`` is
``os.Exit(n)``; when main returns the process ends and the other
goroutines' deferred code does not run (runtime/proc.go: main, which calls
exit(0) after main.main returns; runtime/panic.go: fatalpanic, printpanics;
runtime/proc.go: checkdead).

Each test runs a real subprocess (fixture ``run_cli`` in conftest.py).
"""
from __future__ import annotations

import re

HEADER = re.compile(r"^goroutine (\d+) \[([^\]]*)\]:$", re.M)


def test_a_program_that_returns_prints_its_stdout_and_exits_0(run_cli):
    r = run_cli("""
        from reference_runtime import chan, go

        def main():
            c = chan()
            go(lambda: c.send("hello from a goroutine"))
            print(c.recv())
            print("bye")
    """)
    assert (r.returncode, r.stdout, r.stderr) == (0, "hello from a goroutine\nbye\n", "")


def test_a_panic_prints_gos_report_on_stderr_and_exits_2(run_cli):
    r = run_cli("""
        from reference_runtime import chan

        def main():
            print("before the panic")
            c = chan(1)
            c.close()
            c.send(1)
    """)
    assert r.returncode == 2
    assert r.stdout == "before the panic\n"
    assert r.stderr.startswith("panic: send on closed channel\n\ngoroutine 1 [running]:\n")


def test_the_panic_report_names_the_goroutine_that_panicked_and_only_it(run_cli):
    r = run_cli("""
        from reference_runtime import chan, current_goroutine, go

        def main():
            c = chan()

            def crasher():
                print(current_goroutine().goid, flush=True)
                raise ValueError("bad value")

            go(c.recv)
            go(crasher)
            chan().recv()
    """)
    assert r.returncode == 2
    goid = int(r.stdout.strip())
    assert goid != 1
    assert r.stderr.startswith(f"panic: ValueError: bad value\n\ngoroutine {goid} [running]:\n")
    assert HEADER.findall(r.stderr) == [(str(goid), "running")]
    assert "crasher" in r.stderr


def test_a_python_exception_prints_as_panic_type_colon_message(run_cli):
    r = run_cli("""
        def main():
            {}["missing"]
    """)
    assert r.returncode == 2
    assert r.stderr.startswith("panic: KeyError: 'missing'\n\ngoroutine 1 [running]:\n")


def test_a_fatal_error_prints_fatal_error_and_exits_2(run_cli):
    r = run_cli("""
        from reference_runtime import Mutex

        def main():
            Mutex().unlock()
    """)
    assert r.returncode == 2
    assert r.stderr.startswith("fatal error: sync: unlock of unlocked mutex\n\n"
                               "goroutine 1 [running]:\n")


def test_a_deadlock_prints_gos_report_with_the_blocked_goroutines_and_exits_2(run_cli):
    r = run_cli("""
        from reference_runtime import WaitGroup, chan, go

        def main():
            wg = WaitGroup()
            wg.add(1)
            go(chan().recv)
            wg.wait()
    """)
    assert r.returncode == 2
    assert r.stderr.startswith("fatal error: all goroutines are asleep - deadlock!\n\n"
                               "goroutine 1 [sync.WaitGroup.Wait]:\n")
    assert HEADER.findall(r.stderr) == [("1", "sync.WaitGroup.Wait"), ("2", "chan receive")]


def test_main_calling_goexit_ends_with_gos_no_goroutines_report(run_cli):
    r = run_cli("""
        from reference_runtime import goexit

        def main():
            goexit()
    """)
    assert r.returncode == 2
    assert r.stderr == "fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n"


def test_sys_exit_in_main_sets_the_exit_status(run_cli):
    r = run_cli("""
        import sys

        def main():
            print("exiting")
            sys.exit(3)
    """)
    assert (r.returncode, r.stdout, r.stderr) == (3, "exiting\n", "")


def test_sys_exit_in_any_goroutine_ends_the_program_like_os_exit(run_cli):
    r = run_cli("""
        import sys
        from reference_runtime import chan, go

        def main():
            go(lambda: sys.exit(4))
            chan().recv()
            print("main never gets here")
    """)
    assert (r.returncode, r.stdout, r.stderr) == (4, "", "")


def test_sys_exit_with_no_code_exits_0(run_cli):
    r = run_cli("""
        import sys

        def main():
            sys.exit()
    """)
    assert r.returncode == 0


def test_sys_exit_with_a_message_prints_it_and_exits_1(run_cli):
    r = run_cli("""
        import sys

        def main():
            sys.exit("giving up")
    """)
    assert (r.returncode, r.stderr) == (1, "giving up\n")


def test_abandoned_goroutines_deferred_code_does_not_run_when_main_returns(run_cli):
    """Go runs no deferred call of other goroutines when main returns: the
    process just exits."""
    r = run_cli("""
        from reference_runtime import chan, go, gosched, sleep

        def main():
            def blocked():
                try:
                    chan().recv()
                finally:
                    print("deferred code of a blocked goroutine ran")

            def sleeping():
                try:
                    sleep(3600)
                finally:
                    print("deferred code of a sleeping goroutine ran")

            go(blocked)
            go(sleeping)
            gosched()
            print("main returns")
    """)
    assert (r.returncode, r.stdout, r.stderr) == (0, "main returns\n", "")


def test_main_returning_while_a_goroutine_is_in_a_blocking_syscall_exits_at_once(run_cli):
    r = run_cli("""
        import time
        from reference_runtime import GStatus, go, gosched, syscall

        def main():
            g = go(syscall, time.sleep, 60)
            while g.status != GStatus.Gsyscall:
                gosched()
            print("main returns")
    """, timeout=30)
    assert (r.returncode, r.stdout, r.stderr) == (0, "main returns\n", "")


def test_a_user_panic_prints_its_value_like_gos_panic_of_a_string(run_cli):
    r = run_cli("""
        from reference_runtime import Panic

        def main():
            raise Panic("something went wrong")
    """)
    assert r.returncode == 2
    assert r.stderr.startswith("panic: something went wrong\n\ngoroutine 1 [running]:\n")


def test_a_panic_runs_the_deferred_code_of_the_panicking_goroutine_only(run_cli):
    """Go runs the panicking goroutine's defers before the report, and no
    other goroutine's."""
    r = run_cli("""
        from reference_runtime import chan, go, gosched

        def main():
            def bystander():
                try:
                    chan().recv()
                finally:
                    print("bystander's deferred code ran")

            go(bystander)
            gosched()
            try:
                raise ValueError("boom")
            finally:
                print("panicking goroutine's deferred code ran")
    """)
    assert r.returncode == 2
    assert r.stdout == "panicking goroutine's deferred code ran\n"
    assert r.stderr.startswith("panic: ValueError: boom\n")


def test_a_deadlock_runs_no_deferred_code(run_cli):
    """A fatal error runs no deferred calls at all in Go."""
    r = run_cli("""
        from reference_runtime import chan, go

        def main():
            def blocked():
                try:
                    chan().recv()
                finally:
                    print("blocked goroutine's deferred code ran")

            go(blocked)
            try:
                chan().recv()
            finally:
                print("main's deferred code ran")
    """)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith("fatal error: all goroutines are asleep - deadlock!\n")


def test_stdout_written_before_a_crash_is_not_lost(run_cli):
    r = run_cli("""
        from reference_runtime import go, chan

        def main():
            for i in range(1000):
                print(i)
            go(lambda: 1 / 0)
            chan().recv()
    """)
    assert r.returncode == 2
    assert r.stdout == "".join(f"{i}\n" for i in range(1000))
    assert r.stderr.startswith("panic: ZeroDivisionError: division by zero\n")


def test_clock_option_virtual_makes_sleeps_instant(run_cli):
    r = run_cli("""
        from reference_runtime import now, sleep

        def main():
            sleep(3600)
            print(now())
    """, "--clock", "virtual", timeout=30)
    assert (r.returncode, r.stdout) == (0, "3600.0\n")


def test_gomaxprocs_environment_variable_sets_the_number_of_ps(run_cli):
    r = run_cli("""
        from reference_runtime import gomaxprocs

        def main():
            print(gomaxprocs())
    """, env={"GOMAXPROCS": "3"})
    assert (r.returncode, r.stdout) == (0, "3\n")


def test_a_program_without_main_is_refused(run_cli):
    r = run_cli("""
        def not_main():
            pass
    """)
    assert r.returncode != 0
    assert "function main is undeclared in the main package" in r.stderr
