"""Exercises: statements, starter code, tests, hints and points, and the
grader that runs them against the learner's code (in a subprocess, with
time and memory limits) or against ``reference_runtime`` (to prove the
tests).

In a notebook: ``%load_ext exercises``, then a cell starting with
``%%exercise <id>``.  Instructors: ``python -m exercises --help``.
"""
from .core import Exercise, Mismatch, expect, get, hidden, public, registry
from .grading import Verdict, run_tests
from .notebook import check, describe, hint, load_ipython_extension

__all__ = ["Exercise", "Mismatch", "expect", "get", "hidden", "public", "registry",
           "Verdict", "run_tests", "check", "describe", "hint", "load_ipython_extension"]
