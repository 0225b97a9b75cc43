"""Models of the machinery below the runtime, for the course's notebooks 01 and 02.

The runtime itself (``reference_runtime``) runs goroutines on greenlets, whose
stacks and context switches are C code.  These modules model what Go does
there instead, small enough to read and to rebuild in an exercise:

* ``stacks``: Go's goroutine stacks (``runtime/stack.go``): the 2 KB start,
  the prologue check, growth by copying with pointer adjustment, shrinking
  by the GC; and the segmented stacks of Go 1.2 with their hot split.
* ``context``: what a context switch saves (``gobuf`` against a thread's
  register file), a toy machine that saves and restores contexts, and
  ``gogo``/``gosave``/``mcall`` on greenlets with a small g0 scheduler.

They are models: nothing here is used by the runtime, and nothing here
imports Jupyter.
"""
