"""Models of the machinery below and around the runtime, used by the course's
notebooks and exercises.

The runtime itself (``reference_runtime``) runs goroutines on greenlets,
whose stacks and context switches are C code.  These modules model what Go
does there instead, small enough to read and to rebuild in an exercise.
Each module says which notebook uses it; for example:

* ``stacks`` (notebook 01): Go's goroutine stacks (``runtime/stack.go``):
  the 2 KB start, the prologue check, growth by copying with pointer
  adjustment, shrinking by the GC; and the segmented stacks of Go 1.2 with
  their hot split.
* ``context`` (notebook 02): what a context switch saves (``gobuf`` against
  a thread's register file), a toy machine that saves and restores
  contexts, and ``gogo``/``gosave``/``mcall`` on greenlets with a g0
  scheduler.

They are models: the runtime does not use them, and nothing here imports
Jupyter.
"""
