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
    """statm(text, page_size) returns its first two fields, counted in pages, as bytes:
    (VmSize, VmRSS)."""
    expect(sol.statm("52386 4571 2271 677 0 8029 0\n", 4096), (52386 * 4096, 4571 * 4096),
           "statm('52386 4571 2271 677 0 8029 0', 4096)")


@public
def test_per_unit_is_the_slope_not_the_average(sol):
    """A fixed cost paid once per run is not charged to the units: runs costing 12,000 B
    per thread plus 1,000,000 B give 12,000, not the average."""
    counts = [500, 1000, 2000]
    totals = [1_000_000 + 12_000 * n for n in counts]
    _close(sol.per_unit(counts, totals), 12_000.0, f"per_unit({counts}, {totals})")


@public
def test_per_unit_of_two_runs(sol):
    """With two runs the slope is the difference of the totals over the difference of
    the counts."""
    _close(sol.per_unit([100, 300], [5_000, 9_000]), 20.0, "per_unit([100, 300], [5000, 9000])")


@public
def test_per_unit_needs_two_different_counts(sol):
    """per_unit raises ValueError for a single run, and for runs that all have the same
    count (no slope can be fitted)."""
    for counts, totals in (([1000], [5_000]), ([1000, 1000], [5_000, 6_000])):
        try:
            got = sol.per_unit(counts, totals)
        except ValueError:
            checked(f"per_unit({counts}, {totals}) raises ValueError")
            continue
        raise Mismatch(f"per_unit({counts}, {totals})", "ValueError", got)


@public
def test_per_unit_fits_noisy_runs_by_least_squares(sol):
    """For noisy measurements per_unit returns the least-squares slope of totals against
    counts (as numpy.polyfit(counts, totals, 1)[0]), which uses every run, not only the
    first and the last."""
    counts = [100, 200, 400, 800, 1600]
    totals = [2_000_000 + 7_000 * n + e for n, e in zip(counts, (3_000, -5_000, 8_000, -2_000, 1_000))]
    n = len(counts)
    mx, my = sum(counts) / n, sum(totals) / n
    slope = sum((x - mx) * (y - my) for x, y in zip(counts, totals)) / sum((x - mx) ** 2 for x in counts)
    _close(sol.per_unit(counts, totals), slope, f"per_unit({counts}, {totals})", rel=1e-6)


@public
def test_per_unit_rejects_mismatched_lists(sol):
    """per_unit raises ValueError when there are not as many totals as counts."""
    try:
        got = sol.per_unit([1, 2, 3], [10, 20])
    except ValueError:
        checked("per_unit([1, 2, 3], [10, 20]) raises ValueError")
        return
    raise Mismatch("per_unit([1, 2, 3], [10, 20])", "ValueError", got)


@public
def test_per_unit_pairs_each_count_with_its_own_total_in_any_order(sol):
    """Run i is the pair (counts[i], totals[i]); the runs may come in any order, and a
    total that shrinks as the count grows gives a negative slope."""
    _close(sol.per_unit([800, 200, 400], [10_000, 40_000, 30_000]), -50.0,
           "per_unit([800, 200, 400], [10000, 40000, 30000])", rel=1e-6)


@hidden
def test_per_unit_of_unordered_runs(sol):
    """The runs may come in any order, and the totals may shrink with the count (a
    negative slope)."""
    _close(sol.per_unit([2000, 500, 1000], [30_000, 120_000, 90_000]), -60.0,
           "per_unit([2000, 500, 1000], [30000, 120000, 90000])", rel=1e-6)


@hidden
def test_statm_of_this_process_agrees_with_proc_status(sol):
    """On this machine's real /proc/self/statm, VmSize agrees with the VmSize line of
    /proc/self/status, and VmRSS lies between 0 and VmSize."""
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
    """(VmSize, VmRSS) in bytes, from the text of /proc/self/statm, whose
    fields count pages of page_size bytes."""
    ...

def per_unit(counts, totals):
    """Bytes per unit (goroutine, thread) from several runs, run i having
    parked counts[i] units and added totals[i] bytes: the least-squares
    slope of totals against counts.  ValueError if the lists differ in
    length or hold fewer than two different counts."""
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
        "Write the two helpers the memory measurements of this notebook use. What must "
        "hold: (1) statm(text, page_size) returns (VmSize, VmRSS) in bytes from the text "
        "of /proc/self/statm: its first field is the size of the address space and its "
        "second the resident set, both in pages (man 5 proc). (2) per_unit(counts, "
        "totals), given several runs (run i parked counts[i] goroutines or threads and "
        "added totals[i] bytes), returns the bytes per unit as the least-squares slope of "
        "totals against counts, fitted over every run (the runs come in any order; the "
        "slope may be negative). Dividing one run's total by its "
        "count would charge the units with what the run paid once (the C library's malloc "
        "arenas for the first threads, a list that grows); the slope leaves that fixed "
        "cost in the intercept, and fitting every run, not two, averages out the noise "
        "of a live measurement. (3) per_unit raises ValueError when the lists differ in "
        "length or hold fewer than two different counts: no slope exists then."),
    starter=STARTER,
    hints=[
        "statm's format is in man 5 proc, under /proc/[pid]/statm: which fields, in what "
        "unit? For per_unit, think of each run as a point (count, total) and of the fixed "
        "cost as the intercept of a line through them.",
        "The least-squares slope uses every point through the means: it is the covariance "
        "of counts and totals over the variance of counts. Two points on a noisy line do "
        "not give it. Check the inputs before dividing by a variance of zero.",
        "fields = text.split(); return int(fields[0]) * page_size, int(fields[1]) * "
        "page_size. With mx, my the means: slope = sum((x - mx) * (y - my)) / "
        "sum((x - mx) ** 2); first: if len(counts) != len(totals) or len(set(counts)) < 2: "
        "raise ValueError(...).",
    ],
    tests=collect_tests(globals()),
    reference=_reference,
    kind="analysis",
)
