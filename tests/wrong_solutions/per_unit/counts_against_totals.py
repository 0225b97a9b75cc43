"""Fits counts against totals (x and y swapped) and inverts it: breaks rule (2), the slope of totals against counts."""
def statm(text, page_size):
    fields = text.split()
    return int(fields[0]) * page_size, int(fields[1]) * page_size

def per_unit(counts, totals):
    if len(counts) != len(totals):
        raise ValueError(f"{len(counts)} counts but {len(totals)} totals")
    if len(set(counts)) < 2:
        raise ValueError("a slope needs at least two different counts")
    n = len(counts)
    mx = sum(counts) / n
    my = sum(totals) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(counts, totals))
    syy = sum((y - my) ** 2 for y in totals)
    return syy / sxy
