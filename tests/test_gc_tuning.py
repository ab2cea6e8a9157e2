"""The garbage collector's settings in a gunicorn worker (``machida_portal.gc_tuning``)."""

from __future__ import annotations

import gc
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.signals import request_finished

from machida_portal import gc_tuning


@pytest.fixture(autouse=True)
def restore_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.fixture(autouse=True)
def without_django_receivers() -> Iterator[None]:
    """``request_finished`` also closes old database connections, which these tests (without
    a database) must not touch: only the tuning's own receiver hears the signal here."""
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    yield
    request_finished.connect(close_old_connections)


def test_a_tuned_worker_freezes_what_it_has_loaded_and_raises_the_young_threshold() -> None:
    gc.unfreeze()
    gc_tuning.tune_worker(gen0=1500, freeze_after=0)
    assert gc.get_threshold()[0] == 1500
    assert gc.get_freeze_count() > 1000  # Django and the portal, at least


def test_it_freezes_again_after_its_first_requests_and_only_once() -> None:
    gc.unfreeze()
    gc_tuning.tune_worker(gen0=700, freeze_after=3)
    first = gc.get_freeze_count()
    # Alive, made after the first freeze, and tracked by the collector (containers).
    kept: list[list[int]] = [[] for _ in range(2000)]
    for _ in range(2):
        request_finished.send(sender=None)
    assert gc.get_freeze_count() == first  # not yet
    request_finished.send(sender=None)
    second = gc.get_freeze_count()
    assert second >= first + len(kept)
    receivers = len(request_finished.receivers)
    more: list[list[int]] = [[] for _ in range(500)]
    request_finished.send(sender=None)
    assert gc.get_freeze_count() == second  # the handler disconnected itself
    assert len(request_finished.receivers) == receivers
    assert more


def test_the_gunicorn_config_tunes_each_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(gc_tuning, "tune_worker", lambda: calls.append(True))
    path = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    assert spec and spec.loader
    config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(config)
    assert config.worker_class == "sync"
    config.post_worker_init(SimpleNamespace())
    assert calls == [True]
