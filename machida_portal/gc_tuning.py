"""Python's cyclic garbage collector in a gunicorn worker (decision 0030).

A worker of the portal holds about 300,000 objects that live as long as the process: Django's
modules, the URL patterns, the compiled templates, the translation catalogues. Python's
collector looks at all of them on every full (oldest-generation) collection — measured with
``gc.callbacks`` in ``bench.inprocess``: a 190 ms pause about every 300 requests, and about
1 ms of every request spent collecting. A request waiting behind that pause is the p95 of a
work page.

``gc.freeze()`` moves every object alive at that moment out of the collector's sight; only
objects made later are looked at. The worker freezes twice: when it has loaded the portal
(``post_worker_init`` in ``gunicorn.conf.py``), and once more after its first requests, which
load what Django loads lazily (templates, translations, resolvers, per-process memos). A
larger first-generation threshold makes the cheap young collections rarer.

Nothing here changes what is freed: reference counting still frees almost everything at once;
frozen objects are the ones that stay anyway.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from django.core.signals import request_finished

# gen0 collections after this many new container objects (Python's default is 700).
GEN0_THRESHOLD = int(os.environ.get("GC_GEN0_THRESHOLD", "2000"))
# The second freeze, after this many requests (0: only the freeze at start).
FREEZE_AFTER_REQUESTS = int(os.environ.get("GC_FREEZE_AFTER_REQUESTS", "100"))


def freeze_now() -> None:
    """Collect what is garbage now, then keep everything still alive out of later collections."""
    gc.collect()
    gc.freeze()


def tune_worker(*, gen0: int = GEN0_THRESHOLD, freeze_after: int = FREEZE_AFTER_REQUESTS) -> None:
    """For a worker that has just loaded the portal: raise the young threshold, freeze, and
    freeze again after ``freeze_after`` requests."""
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(gen0, gen1, gen2)
    freeze_now()
    if freeze_after > 0:
        served = 0

        def after_request(**kwargs: Any) -> None:
            nonlocal served
            served += 1
            if served >= freeze_after:
                request_finished.disconnect(after_request)
                freeze_now()

        request_finished.connect(after_request, weak=False)
