"""Divides the summed totals by the summed counts: breaks rule (2), the fixed cost stays out (a slope, not an average)."""
def statm(text, page_size):
    fields = text.split()
    return int(fields[0]) * page_size, int(fields[1]) * page_size

def per_unit(counts, totals):
    if len(counts) != len(totals):
        raise ValueError(f"{len(counts)} counts but {len(totals)} totals")
    if len(set(counts)) < 2:
        raise ValueError("a slope needs at least two different counts")
    return sum(totals) / sum(counts)
