from celery import shared_task

from .services import indicators_compute_current


@shared_task(ignore_result=True)
def compute_indicators() -> int:
    """Nightly: recompute this fiscal year's (and, in April–May, last year's) computed values."""
    return indicators_compute_current()
