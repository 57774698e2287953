"""Demo stand-in for the dashboard's metrics aggregator (syntax-checked by the demo probe)."""


class MetricsAggregator:
    def __init__(self) -> None:
        self.samples: list[float] = []

    def record(self, value: float) -> None:
        self.samples.append(value)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.samples)
        return ordered[int(p * (len(ordered) - 1))] if ordered else 0.0
