"""Exercise 00.1: measuring memory per goroutine or thread — statm and
per_unit (the answer key is reference_runtime/models/measure.py)."""
from __future__ import annotations

from exercises.core import Exercise, Mismatch, checked, collect_tests, expect, hidden, public


def _close(got, expected, what, rel=1e-9):
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        raise Mismatch(what, expected, got)
    if abs(got - expected) > rel * max(1.0, abs(expected)):
        raise Mismatch(what, expected, got)
    checked(what)


@public
def test_statm_gives_vmsize_and_vmrss_in_bytes(sol):
    """statm(text, page_size) turns the first two fields (pages) into bytes: (VmSize, VmRSS)."""
    expect(sol.statm("52386 4571 2271 677 0 8029 0\n", 4096), (52386 * 4096, 4571 * 4096),
           "statm('52386 4571 2271 677 0 8029 0', 4096)")


@public
def test_per_unit_is_the_slope_not_the_average(sol):
    """A fixed cost of 1 MB paid once is left out: 12,000 B per thread plus 1,000,000 B gives 12,000."""
    counts = [500, 1000, 2000]
    totals = [1_000_000 + 12_000 * n for n in counts]
    _close(sol.per_unit(counts, totals), 12_000.0, f"per_unit({counts}, {totals})")


@public
def test_per_unit_of_two_runs(sol):
    """With two runs the slope is the difference of the totals over the difference of the counts."""
    _close(sol.per_unit([100, 300], [5_000, 9_000]), 20.0, "per_unit([100, 300], [5000, 9000])")


@public
def test_per_unit_needs_two_different_counts(sol):
    """per_unit raises ValueError for one run, or runs that all have the same count."""
    for counts, totals in (([1000], [5_000]), ([1000, 1000], [5_000, 6_000])):
        try:
            got = sol.per_unit(counts, totals)
        except ValueError:
            checked(f"per_unit({counts}, {totals}) raises ValueError")
            continue
        raise Mismatch(f"per_unit({counts}, {totals})", "ValueError", got)


@hidden
def test_per_unit_fits_noisy_runs_by_least_squares(sol):
    """Noisy measurements: the slope is the least-squares one (as numpy.polyfit(counts, totals, 1)[0])."""
    counts = [100, 200, 400, 800, 1600]
    totals = [2_000_000 + 7_000 * n + e for n, e in zip(counts, (3_000, -5_000, 8_000, -2_000, 1_000))]
    n = len(counts)
    mx, my = sum(counts) / n, sum(totals) / n
    slope = sum((x - mx) * (y - my) for x, y in zip(counts, totals)) / sum((x - mx) ** 2 for x in counts)
    _close(sol.per_unit(counts, totals), slope, f"per_unit({counts}, {totals})", rel=1e-6)


@hidden
def test_per_unit_of_unordered_runs(sol):
    """The runs may come in any order, and the totals may shrink (a negative slope)."""
    _close(sol.per_unit([2000, 500, 1000], [30_000, 120_000, 90_000]), -60.0,
           "per_unit([2000, 500, 1000], [30000, 120000, 90000])", rel=1e-6)


@hidden
def test_per_unit_rejects_mismatched_lists(sol):
    """per_unit raises ValueError when there are not as many totals as counts."""
    try:
        got = sol.per_unit([1, 2, 3], [10, 20])
    except ValueError:
        checked("per_unit([1, 2, 3], [10, 20]) raises ValueError")
        return
    raise Mismatch("per_unit([1, 2, 3], [10, 20])", "ValueError", got)


@hidden
def test_statm_of_this_process_agrees_with_proc_status(sol):
    """On the real /proc/self/statm, VmSize agrees with the VmSize line of /proc/self/status."""
    import os
    page = os.sysconf("SC_PAGE_SIZE")
    with open("/proc/self/status") as f:
        status = {ln.split(":")[0]: ln.split()[1] for ln in f if ln.startswith(("VmSize", "VmRSS"))}
    with open("/proc/self/statm") as f:
        size, rss = sol.statm(f.read(), page)
    if abs(size - int(status["VmSize"]) * 1024) > 4 * 2**20:
        raise Mismatch("VmSize from statm (bytes), against /proc/self/status", int(status["VmSize"]) * 1024, size)
    expect(0 < rss <= size, True, "0 < VmRSS <= VmSize")


STARTER = '''\
def statm(text, page_size):
    """(VmSize, VmRSS) in bytes, from the text of /proc/self/statm: its first
    two fields are the size of the address space and the resident set, in
    pages of page_size bytes."""
    ...

def per_unit(counts, totals):
    """Bytes per unit (goroutine, thread) from several runs: run i parked
    counts[i] units and added totals[i] bytes. Return the least-squares
    slope of totals against counts, so that a fixed cost paid once per run
    is not charged to the units. Raise ValueError if the lists differ in
    length or if there are not at least two different counts."""
    ...
'''


def _reference():
    from reference_runtime.models import measure
    return {"statm": measure.statm, "per_unit": measure.per_unit}


EXERCISE = Exercise(
    id="per_unit",
    notebook="00",
    number=1,
    title="Measuring memory per goroutine or thread: statm and per_unit",
    points=5,
    provides=["statm", "per_unit"],
    statement=(
        "Write the two helpers the memory measurements of this notebook use. statm(text, "
        "page_size) reads the text of /proc/self/statm and returns (VmSize, VmRSS) in bytes "
        "(its first two fields, in pages). per_unit(counts, totals) takes several runs (run i "
        "parked counts[i] goroutines or threads and added totals[i] bytes) and returns the bytes "
        "per unit as the least-squares slope of totals against counts, so that a fixed cost "
        "paid once per run is not charged to the units; it raises ValueError if the lists differ "
        "in length or hold fewer than two different counts."),
    starter=STARTER,
    hints=[
        "statm: fields = text.split(); return int(fields[0]) * page_size, int(fields[1]) * page_size.",
        "The least-squares slope: with mx, my the means of counts and totals, "
        "slope = sum((x - mx) * (y - my)) / sum((x - mx) ** 2), over the runs.",
        "Check first: len(counts) == len(totals), and len(set(counts)) >= 2, else raise ValueError.",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="analysis",
)
