"""gunicorn's settings for the portal: `make serve` and `make bench` start it with these.

Everything else (bind address, workers) comes from the command line or ``GUNICORN_CMD_ARGS``.
"""

worker_class = "sync"


def post_worker_init(worker):  # gunicorn calls it with the worker
    # The portal is loaded in this worker now: keep its long-lived objects out of the garbage
    # collector's full passes (decision 0030).
    from machida_portal.gc_tuning import tune_worker

    tune_worker()
