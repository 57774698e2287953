"""Demo stand-in for the dashboard's metrics logger (syntax-checked by the demo probe)."""

import logging

log = logging.getLogger("metrics")


def log_metric(name: str, value: float) -> None:
    log.info("%s=%s", name, value)
