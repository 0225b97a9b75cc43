"""Takes the slope between the first and the last run: breaks rule (2), the least-squares slope over every run."""
def statm(text, page_size):
    fields = text.split()
    return int(fields[0]) * page_size, int(fields[1]) * page_size

def per_unit(counts, totals):
    if len(counts) != len(totals):
        raise ValueError(f"{len(counts)} counts but {len(totals)} totals")
    if len(set(counts)) < 2:
        raise ValueError("a slope needs at least two different counts")
    return (totals[-1] - totals[0]) / (counts[-1] - counts[0])
