"""Merged second-interval arithmetic for counting unique watched seconds."""

Interval = tuple[float, float]


def add_interval(intervals: list, start: float, end: float) -> list[list[float]]:
    if end <= start:
        return [list(i) for i in intervals]
    merged: list[list[float]] = []
    placed = False
    for s, e in sorted((list(i) for i in intervals), key=lambda i: i[0]):
        if e < start or s > end:
            if s > end and not placed:
                merged.append([start, end])
                placed = True
            merged.append([s, e])
        else:
            start, end = min(s, start), max(e, end)
    if not placed:
        merged.append([start, end])
    return sorted(merged, key=lambda i: i[0])


def covered(intervals: list) -> float:
    return sum(max(0.0, e - s) for s, e in intervals)
