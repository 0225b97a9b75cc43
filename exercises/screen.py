"""A static check of a learner's source, done by the grader (outside the
sandbox) before the code runs: refuse what could reach the answer key or
the grader's own state inside the test process.

Not a Go mechanism.  The learner's code and the tests share one Python
process in the sandbox, so nothing there is out of the code's reach in
principle; the verdict is decided outside it (grading.py), and this check
shuts the doors into the process's internals that a submission would need
to fake what the tests observe:

* imports only from an allowlist (the runtime's packages and a few pure
  standard modules): no ``exercises`` (the grader and its answer key), no
  ``sys``, ``os``, ``gc``, ``inspect``, ``ctypes``, ``importlib``, ...;
* not the reference's own implementation of the functions the exercise
  asks for (``from reference_runtime.runq import runqput`` in ``runq``,
  ``rt.runqput``, ``parts["runqput"]``);
* no dynamic code or namespace access (``eval``, ``exec``, ``compile``,
  ``__import__``, ``getattr``, ``setattr``, ``globals``, ``vars``, ``open``,
  ...), no dunder attributes beyond a few harmless ones, no frame, code,
  traceback or generator internals that lead to a namespace (``f_globals``,
  ``f_locals``, ``co_consts``, ...: ``f_back`` and ``f_code`` stay, the
  safe-point exercises walk frames), no
  ``sys``/``modules`` attribute through another module, and no strings
  naming dunders (``"{0.__globals__}".format``).

What this cannot stop, said plainly in docs/GRADING.md: code that computes
the right answers by any other means (including by re-implementing the
reference) is, to a grader, correct code.
"""
from __future__ import annotations

import ast
import threading

ALLOWED_IMPORTS = {
    "__future__", "abc", "array", "bisect", "cmath", "collections", "contextlib", "copy",
    "dataclasses", "decimal", "enum", "fractions", "functools", "greenlet", "heapq",
    "itertools", "math", "numbers", "operator", "queue", "random", "re", "selectors",
    "statistics", "string", "textwrap", "time", "typing", "gokernel", "reference_runtime",
}
REFUSED_MODULE_NOTE = {
    "exercises": "the grader and its answer key",
}
REFUSED_CALLS = {
    "eval", "exec", "compile", "__import__", "getattr", "setattr", "delattr", "globals",
    "locals", "vars", "open", "breakpoint", "input", "help", "memoryview", "__build_class__",
}
ALLOWED_DUNDERS = {
    "__init__", "__name__", "__qualname__", "__doc__", "__code__", "__eq__", "__ne__",
    "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__repr__", "__str__", "__len__",
    "__iter__", "__next__", "__contains__", "__getitem__", "__setitem__", "__delitem__",
    "__enter__", "__exit__", "__call__", "__bool__", "__new__", "__post_init__", "__slots__",
    "__main__", "__future__", "__annotations__",
}
REFUSED_ATTRS = {
    "modules", "_getframe", "settrace", "setprofile", "gettrace", "getprofile", "_current_frames",
    "f_globals", "f_locals", "f_builtins", "f_trace",
    "tb_frame", "tb_next", "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code",
    "co_consts", "co_names", "co_code", "co_varnames", "co_freevars", "co_cellvars",
    "gr_frame", "sys", "os", "gc", "inspect", "builtins", "importlib", "ctypes", "posix",
    "_os", "_sys", "get_objects", "get_referrers", "get_referents", "exercises",
}
# class-body names a class may not set (a class posing as the reference's)
REFUSED_CLASS_NAMES = {"__module__", "__qualname__", "__class__", "__getattribute__",
                       "__getattr__", "__init_subclass__", "__class_getitem__"}


# CPython 3.11 keeps the AST-to-object conversion's recursion depth in
# module state shared by every thread (gh-106905): two threads parsing at
# once fail with "AST constructor recursion depth mismatch".  Class gradings
# run in threads, so parses take turns.
_AST_LOCK = threading.Lock()


def problems(source: str, provides: list[str], exercise_id: str = "") -> list[str]:
    """What the grader refuses in `source` (empty: nothing); each one line,
    with its line number.  `source` must compile (checked before)."""
    with _AST_LOCK:
        tree = ast.parse(source)
    own = {n.name for n in ast.walk(tree)
           if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    provided = set(provides)
    out: list[tuple[int, str]] = []

    def say(node, text):
        out.append((getattr(node, "lineno", 0), text))

    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            docstrings.add(id(node.value))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                _check_module(a.name, node, say)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                say(node, "relative imports are not allowed")
                continue
            mod = node.module or ""
            _check_module(mod, node, say)
            if mod.split(".")[0] == "reference_runtime":
                for a in node.names:
                    if a.name in provided or a.name == "*":
                        say(node, f"imports {a.name} from {mod}: the exercise asks you to write "
                                  f"{', '.join(sorted(provided))} yourself")
        elif isinstance(node, ast.Attribute):
            name = node.attr
            if name in provided:
                say(node, f"uses .{name}: the exercise asks you to write {name} yourself, "
                          "not to call the reference's")
            elif name.startswith("__") and name.endswith("__") and name not in ALLOWED_DUNDERS:
                say(node, f"uses the attribute {name}, which graded code may not use")
            elif name in REFUSED_ATTRS:
                say(node, f"uses the attribute .{name}, which graded code may not use")
        elif isinstance(node, ast.Name):
            if node.id in REFUSED_CALLS and node.id not in own:
                say(node, f"uses {node.id}, which graded code may not use")
            elif node.id.startswith("__") and node.id.endswith("__") \
                    and node.id not in ALLOWED_DUNDERS and node.id not in ("__file__",):
                say(node, f"uses {node.id}, which graded code may not use")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            if node.value in provided:
                say(node, f"names {node.value!r}: the exercise asks you to write it yourself")
            elif "__" in node.value and node.value not in ALLOWED_DUNDERS:
                say(node, "a string naming a dunder (__…__) is not allowed in graded code")
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                targets = []
                if isinstance(stmt, ast.Assign):
                    targets = stmt.targets
                elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
                    targets = [stmt.target]
                elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    if stmt.name in REFUSED_CLASS_NAMES:
                        say(stmt, f"a class may not define {stmt.name} in graded code")
                for t in targets:
                    if isinstance(t, ast.Name) and t.id in REFUSED_CLASS_NAMES:
                        say(stmt, f"a class may not set {t.id} in graded code")
    # one line per problem, in source order, without repeats
    return [f"line {n}: {text}" for n, text in sorted(set(out))]


def _check_module(name: str, node, say) -> None:
    top = name.split(".")[0]
    if top in REFUSED_MODULE_NOTE:
        say(node, f"imports {name} ({REFUSED_MODULE_NOTE[top]}): graded code may not")
    elif top not in ALLOWED_IMPORTS:
        say(node, f"imports {name}, which graded code may not use (allowed: "
                  f"{', '.join(sorted(ALLOWED_IMPORTS - {'__future__'}))})")
