"""Sorts the counts but not the totals with them: run i pairs counts[i] with totals[i]."""
def statm(text, page_size):
    fields = text.split()
    return int(fields[0]) * page_size, int(fields[1]) * page_size

def per_unit(counts, totals):
    if len(counts) != len(totals):
        raise ValueError(f"{len(counts)} counts but {len(totals)} totals")
    if len(set(counts)) < 2:
        raise ValueError("a slope needs at least two different counts")
    counts = sorted(counts)
    n = len(counts)
    mx = sum(counts) / n
    my = sum(totals) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(counts, totals))
    sxx = sum((x - mx) ** 2 for x in counts)
    return sxy / sxx
