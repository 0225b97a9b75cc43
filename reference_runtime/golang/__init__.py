"""The Go front end: run a Go ``package main`` program on the runtime.

    from reference_runtime import golang
    prog = golang.load("prog.go")          # parse, check the subset, translate
    reference_runtime.run(prog.main)

Go's ``cmd/go run`` does parse, type-check, compile, link and run; this
package parses with tree-sitter's Go grammar, refuses what is outside the
supported subset (``GoError``: ``prog.go:LINE:COL: ... is not supported``),
translates to Python (translate.py) that calls the runtime's public API
and the Go library layer (golib.py), and compiles that with the Go line
numbers, so panics and tracebacks name ``prog.go:LINE``.  See
docs/GO-FRONTEND.md for the design and the subset's limits.

It needs the PyPI packages ``tree-sitter`` and ``tree-sitter-go``.
"""
from __future__ import annotations

import ast
import sys
import types as _pytypes

from .translate import GoError

__all__ = ["GoError", "MissingParser", "translate", "compile_go", "load", "load_source"]


class MissingParser(ImportError):
    """tree-sitter or tree-sitter-go is not installed."""


def _check_parser() -> None:
    try:
        import tree_sitter  # noqa: F401
        import tree_sitter_go  # noqa: F401
    except ImportError as e:
        raise MissingParser("running Go source needs tree-sitter and tree-sitter-go: "
                            "pip install tree-sitter tree-sitter-go") from e


def translate(src: str | bytes, filename: str = "prog.go") -> str:
    """The Python source a Go program translates to (for reading)."""
    _check_parser()
    from .translate import parse_and_translate
    if isinstance(src, str):
        src = src.encode()
    py, _ = parse_and_translate(src, filename)
    return py


def compile_go(src: str | bytes, filename: str = "prog.go"):
    """Go source -> a code object whose line numbers are the Go lines."""
    _check_parser()
    from .translate import parse_and_translate
    if isinstance(src, str):
        src = src.encode()
    py, linemap = parse_and_translate(src, filename)
    tree = ast.parse(py, filename)
    for node in ast.walk(tree):
        if hasattr(node, "lineno"):
            a = linemap[node.lineno - 1] if node.lineno - 1 < len(linemap) else 1
            end = getattr(node, "end_lineno", None)
            b = linemap[end - 1] if end is not None and end - 1 < len(linemap) else a
            if b < a:
                b = a
            node.lineno, node.end_lineno = a, b
            if a == b and getattr(node, "end_col_offset", None) is not None \
                    and node.end_col_offset < node.col_offset:
                node.end_col_offset = node.col_offset
    return compile(tree, filename, "exec")


#: how deep Go calls may nest before "stack overflow" (a Python frame limit,
#: standing for Go's 1 GB maximum stack)
GO_CALL_DEPTH = 100_000


def load_source(src: str | bytes, filename: str = "prog.go", runtime=None,
                seed: int | None = None) -> _pytypes.ModuleType:
    """Translate and execute a Go program's package-level code; returns a
    module ``main`` whose ``main()`` runs the program (package variables'
    initialisers and ``init`` functions first, as Go's runtime.main does).
    runtime: the runtime module to bind to (default reference_runtime)."""
    if runtime is None:
        from .. import __name__ as _pkg
        runtime = sys.modules[_pkg]
    from .golib import environment
    code = compile_go(src, filename)
    # a Go goroutine's stack grows to 1 GB (runtime/stack.go's maxstacksize),
    # so Go programs recurse thousands of calls deep (test/stack.go: 8000);
    # Python's default limit of 1000 frames would call that a stack overflow
    if sys.getrecursionlimit() < GO_CALL_DEPTH:
        sys.setrecursionlimit(GO_CALL_DEPTH)
    mod = _pytypes.ModuleType("main")
    mod.__file__ = filename
    mod.__dict__.update(environment(runtime, seed))
    exec(code, mod.__dict__)
    return mod


def load(path: str, runtime=None, seed: int | None = None) -> _pytypes.ModuleType:
    """load_source of the file at path."""
    with open(path, "rb") as f:
        src = f.read()
    return load_source(src, path, runtime, seed)
