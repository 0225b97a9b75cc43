"""statm reads the resident and shared fields (1 and 2): breaks rule (1), VmSize and VmRSS are the first two."""
def statm(text, page_size):
    fields = text.split()
    return int(fields[1]) * page_size, int(fields[2]) * page_size

def per_unit(counts, totals):
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
