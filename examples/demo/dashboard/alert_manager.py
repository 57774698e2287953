"""Demo stand-in for the dashboard's alert manager (syntax-checked by the demo probe)."""


def should_alert(error_rate: float, threshold: float = 0.05) -> bool:
    return error_rate > threshold
