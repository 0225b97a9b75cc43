"""Measuring memory per goroutine or per thread (notebook 00; the answer key
of exercise 00.1).

Linux reports a process's memory in ``/proc/self/statm``: seven numbers,
in pages, of which the first two are the size of its address space
(VmSize: everything mapped, *reserved*) and its resident set (VmRSS: pages
backed by RAM, *touched*).  Go's own benchmarks of goroutine memory, and
the course's, read it before and after parking n goroutines (or threads)
and divide by n.

Dividing one run's delta by n charges to each unit any fixed cost that
came with the run (a malloc arena created for the first threads, a list
that grew): measuring several n and taking the least-squares slope of
bytes against n leaves the fixed cost in the intercept.  Neither function
imports anything beyond the standard library, so the notebook can use the
learner's version as it is.
"""
from __future__ import annotations


def statm(text: str, page_size: int) -> tuple[int, int]:
    """(VmSize, VmRSS) in bytes from the text of /proc/self/statm, whose
    first two fields are those sizes in pages."""
    fields = text.split()
    return int(fields[0]) * page_size, int(fields[1]) * page_size


def per_unit(counts: list, totals: list) -> float:
    """Bytes per unit: the least-squares slope of totals against counts.
    Raises ValueError unless there are as many totals as counts and at
    least two different counts."""
    if len(counts) != len(totals):
        raise ValueError(f"{len(counts)} counts but {len(totals)} totals")
    if len(set(counts)) < 2:
        raise ValueError("a slope needs at least two different counts")
    n = len(counts)
    mx = sum(counts) / n
    my = sum(totals) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(counts, totals))
    sxx = sum((x - mx) ** 2 for x in counts)
    return sxy / sxx
